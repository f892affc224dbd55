// Generates the sensor-fusion workload as CSV on standard output, fast enough to stream tens of
// millions of rows into `vlac run` through a pipe:
//   fusion_gen camera ROWS   -- 30 Hz frames of 8 robots: ts,robot_id,frame_id,brightness
//   fusion_gen joints ROWS   -- 1 kHz joint states of 8 robots: ts,robot_id,q1,q2
// Timestamps are integer nanoseconds from 2026-11-24T06:30:00Z. Rows are written in arrival
// order with a bounded disorder: camera rows up to 40 ms late, joint rows up to 4 ms late.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

int main(int argc, char** argv) {
  if (argc != 3 || (std::strcmp(argv[1], "camera") != 0 && std::strcmp(argv[1], "joints") != 0)) {
    std::fprintf(stderr, "usage: fusion_gen camera|joints ROWS\n");
    return 2;
  }
  const bool camera = std::strcmp(argv[1], "camera") == 0;
  const unsigned long long rows = std::strtoull(argv[2], nullptr, 10);
  const int robots = 8;
  const int64_t start = 1795501800LL * 1000000000LL;
  const int64_t period = camera ? 33333333 : 1000000;          // 30 Hz or 1 kHz per robot
  const int64_t max_delay = camera ? 40000000 : 4000000;       // disorder bound
  static char buf[1 << 16];
  std::setvbuf(stdout, buf, _IOFBF, sizeof buf);
  std::puts(camera ? "ts,robot_id,frame_id,brightness" : "ts,robot_id,q1,q2");
  uint64_t state = 88172645463325252ull;  // xorshift: deterministic, fast
  auto next = [&] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  for (unsigned long long i = 0; i < rows; ++i) {
    int robot = static_cast<int>(i % robots);
    int64_t tick = static_cast<int64_t>(i / robots);
    // A row is stamped `delay` before the tick at which it is written: bounded disorder.
    int64_t delay = static_cast<int64_t>(next() % static_cast<uint64_t>(max_delay));
    int64_t ts = start + tick * period + robot * 1000 - delay;
    if (camera) {
      double b = 0.3 + static_cast<double>(next() % 1000) / 5000.0;
      std::printf("%lld,%d,%lld,%.4f\n", static_cast<long long>(ts), robot + 1, static_cast<long long>(tick), b);
    } else {
      double q1 = static_cast<double>(static_cast<int64_t>(next() % 20000) - 10000) / 4096.0;
      double q2 = static_cast<double>(static_cast<int64_t>(next() % 20000) - 10000) / 4096.0;
      std::printf("%lld,%d,%.6f,%.6f\n", static_cast<long long>(ts), robot + 1, q1, q2);
    }
  }
  return 0;
}
