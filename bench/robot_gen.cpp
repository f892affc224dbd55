// Generates the robot family's input files for the benchmark suite (bench/suite/), deterministic
// by seed. Each workload's input set holds roughly N rows:
//   camera.csv          cam_tumble: 8 cameras at 30 Hz (the CSV format of cam_stats_bench)
//   joints.csv          joint_torque_hop, over_smoothing: 1 kHz joint states of a 7-joint arm,
//                       one row per joint (position rad, velocity rad/s, torque N·m), 4 robots
//   joint_state.csv,    asof_frames_joints: 1 kHz poses (q1..q7, one row per sample) and
//   wrist_frames.csv    2 wrist/scene cameras at 30 Hz per robot, 4 robots
//   actions.csv,        interval_actions_frames: a policy's actions at 50 Hz and its
//   policy_frames.csv   2 cameras at 30 Hz per robot, 8 robots
//   gripper_contact.csv gripper_session: finger contact events at ~100 Hz per finger during
//                       grasps of 0.2-2.5 s, separated by 0.2-3 s without contact, 64 robots
// Rows are written in delivery order: each row's delivery is its event time plus a random delay
// (up to 40 ms for cameras, 20 ms for joint states, 30 ms for actions and contacts), so a row is
// at most that far behind the newest row before it. Every suite program's WATERMARK bound
// (50 ms) exceeds it: no row is late, and a batch engine computes exactly vlac's result.
// Usage: robot_gen OUTDIR --rows N [--seed S]
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace {

constexpr int64_t kStart = 1795501800LL * 1'000'000'000;  // 2026-11-24T06:30:00Z
constexpr int64_t kMs = 1'000'000;
constexpr double kPi = 3.14159265358979323846;

/// A file's rows, as one text, each with the time it reaches the reader.
class Rows {
 public:
  /// Starts a row delivered at DELIVER; add() and put() append its text.
  Rows& start(int64_t deliver) {
    rows_.push_back({deliver, text_.size(), 0});
    return *this;
  }
  template <typename... Args>
  void add(const char* format, Args... args) {
    char buffer[256];
    int n = std::snprintf(buffer, sizeof buffer, format, args...);
    text_.append(buffer, static_cast<size_t>(n));
  }
  void put(char c) { text_ += c; }
  size_t size() const { return rows_.size(); }

  /// Writes the rows to DIR/NAME in delivery order (ties: generation order).
  void write(const std::string& dir, const char* name, const char* header) {
    for (size_t i = 0; i < rows_.size(); ++i) rows_[i].end = i + 1 < rows_.size() ? rows_[i + 1].begin : text_.size();
    std::stable_sort(rows_.begin(), rows_.end(), [](const Row& a, const Row& b) { return a.deliver < b.deliver; });
    std::string path = dir + "/" + name;
    std::FILE* f = std::fopen(path.c_str(), "w");
    if (!f) {
      std::perror(path.c_str());
      std::exit(1);
    }
    std::fputs(header, f);
    std::fputc('\n', f);
    for (const Row& r : rows_) std::fwrite(text_.data() + r.begin, 1, r.end - r.begin, f);
    if (std::fclose(f) != 0) {
      std::perror(path.c_str());
      std::exit(1);
    }
    std::fprintf(stderr, "robot_gen: %s: %zu rows\n", name, rows_.size());
  }

 private:
  struct Row {
    int64_t deliver;
    size_t begin, end;
  };
  std::string text_;
  std::vector<Row> rows_;
};

/// A float printed with 6 significant digits, never exactly at THRESHOLD (a comparison with a
/// threshold then gives the same answer on the float32 value and on the decimal text).
float away_from(float v, float threshold) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", v);
  return std::strtof(text, nullptr) == threshold ? v + 1e-5f : v;
}

class Generator {
 public:
  Generator(std::string dir, size_t rows, uint64_t seed) : dir_(std::move(dir)), rows_(rows), rng_(seed) {}

  void run() {
    camera();
    joints();
    asof_inputs();
    interval_inputs();
    gripper();
  }

 private:
  int64_t delay(int64_t max_ns) { return static_cast<int64_t>(rng_() % static_cast<uint64_t>(max_ns + 1)); }
  double uniform(double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(rng_); }
  double normal(double sd) { return std::normal_distribution<double>(0.0, sd)(rng_); }

  /// §1's camera stream: 8 cameras at 30 Hz; a dark spell of 20 frames every 10 s; objects
  /// NULL in one row of 50.
  void camera() {
    Rows lines;
    for (size_t i = 0; i < rows_; ++i) {
      int cam = static_cast<int>(i % 8);
      int64_t frame = static_cast<int64_t>(i / 8);
      int64_t ts = kStart + frame * 33'333'333 + cam * kMs + static_cast<int64_t>(rng_() % 1000) * 1000;
      float b = away_from(static_cast<float>(0.4 + uniform(-0.05, 0.05) + (frame % 300 < 20 ? -0.38 : 0.0)), 0.05f);
      Rows& l = lines.start(ts + delay(40 * kMs));
      l.add("%lld,%d,%lld,%.6g,", static_cast<long long>(ts), cam + 1, static_cast<long long>(frame), b);
      if (rng_() % 50 != 0) l.add("%d", static_cast<int>(rng_() % 7));
      l.put('\n');
    }
    lines.write(dir_, "camera.csv", "ts,cam_id,frame_id,brightness,objects");
  }

  /// Joint J of robot R at time T (seconds): a smooth reaching motion, its velocity, and a torque
  /// of gravity, inertia and sensor noise.
  struct JointValue {
    double position, velocity, torque;
  };
  JointValue joint_value(int r, int j, double t) {
    double f = 0.05 + 0.03 * j + 0.01 * r, phase = 0.7 * r + 1.3 * j, amp = 0.4 + 0.1 * j;
    double w = 2 * kPi * f;
    double q = amp * std::sin(w * t + phase), dq = amp * w * std::cos(w * t + phase);
    double ddq = -amp * w * w * std::sin(w * t + phase);
    double torque = (8.0 - j) * 2.5 * std::cos(q) + 0.8 * ddq + normal(0.05);
    return {q + normal(1e-4), dq + normal(1e-3), torque};
  }

  /// joints.csv: 4 robots, 1 kHz, 7 joints, one row per joint; a sample's 7 rows share a time and
  /// a delivery (one bus message each), delayed up to 20 ms.
  void joints() {
    Rows lines;
    const int robots = 4;
    for (int64_t s = 0; lines.size() < rows_; ++s) {
      for (int r = 0; r < robots && lines.size() < rows_; ++r) {
        int64_t ts = kStart + s * kMs + r * 37'000;
        int64_t deliver = ts + delay(20 * kMs);
        for (int j = 0; j < 7; ++j) {
          JointValue v = joint_value(r, j, static_cast<double>(s) / 1000);
          Rows& l = lines.start(deliver);
          l.add("%lld,%d,%d,%.6g,%.6g,%.6g\n", static_cast<long long>(ts), r + 1, j + 1, v.position, v.velocity,
                 v.torque);
        }
      }
    }
    lines.write(dir_, "joints.csv", "ts,robot_id,joint,position,velocity,torque");
  }

  /// Camera frames: CAMS cameras per robot at 30 Hz, each with its own phase; delayed up to 40 ms.
  void frames(Rows& lines, int robot, int cams, int64_t index, int64_t at) {
    for (int c = 0; c < cams; ++c) {
      int64_t ts = at + c * 5 * kMs + robot * 211'000 + static_cast<int64_t>(rng_() % 500) * 1000;
      Rows& l = lines.start(ts + delay(40 * kMs));
      l.add("%lld,%d,%d,%lld,%d\n", static_cast<long long>(ts), robot, c + 1, static_cast<long long>(index),
             2000 + static_cast<int>(rng_() % 3000));
    }
  }

  /// joint_state.csv (one row per 1 kHz sample, q1..q7, delayed up to 20 ms) and wrist_frames.csv
  /// (2 cameras at 30 Hz) of 4 robots: about 1060 rows per robot-second, N in all.
  void asof_inputs() {
    Rows joints, cams;
    const int robots = 4;
    const int64_t ms_total = static_cast<int64_t>(rows_ / (robots * 1.06));
    for (int64_t s = 0; s < ms_total; ++s) {
      for (int r = 0; r < robots; ++r) {
        int64_t ts = kStart + s * kMs + r * 37'000;
        Rows& l = joints.start(ts + delay(20 * kMs));
        l.add("%lld,%d", static_cast<long long>(ts), r + 1);
        for (int j = 0; j < 7; ++j) l.add(",%.6g", joint_value(r, j, static_cast<double>(s) / 1000).position);
        l.put('\n');
        if (s % 100 == 0)
          for (int k = 0; k < 3; ++k) frames(cams, r + 1, 2, s / 100 * 3 + k, kStart + s * kMs + k * 33'333'333);
      }
    }
    joints.write(dir_, "joint_state.csv", "ts,robot_id,q1,q2,q3,q4,q5,q6,q7");
    cams.write(dir_, "wrist_frames.csv", "ts,robot_id,cam_id,frame_id,exposure_us");
  }

  /// actions.csv (50 Hz per robot, delayed up to 30 ms) and policy_frames.csv (2 cameras at
  /// 30 Hz) of 8 robots: 110 rows per robot-second, N in all.
  void interval_inputs() {
    Rows actions, cams;
    const int robots = 8;
    const int64_t tenths = static_cast<int64_t>(rows_ / (robots * 11.0));  // 100 ms: 5 actions, 6 frames
    for (int64_t d = 0; d < tenths; ++d) {
      for (int r = 0; r < robots; ++r) {
        for (int k = 0; k < 5; ++k) {
          int64_t step = d * 5 + k;
          int64_t ts = kStart + step * 20 * kMs + r * 173'000 + static_cast<int64_t>(rng_() % 2000) * 1000;
          Rows& l = actions.start(ts + delay(30 * kMs));
          l.add("%lld,%d,%lld,%.6g,%.6g,%.6g,%.6g\n", static_cast<long long>(ts), r + 1,
                 static_cast<long long>(step), normal(0.01), normal(0.01), normal(0.01), uniform(0.0, 0.08));
        }
        for (int k = 0; k < 3; ++k) {
          int64_t index = d * 3 + k;
          frames(cams, r + 1, 2, index, kStart + d * 100 * kMs + k * 33'333'333);
        }
      }
    }
    actions.write(dir_, "actions.csv", "ts,robot_id,step,dx,dy,dz,gripper");
    cams.write(dir_, "policy_frames.csv", "ts,robot_id,cam_id,frame_id,exposure_us");
  }

  /// gripper_contact.csv: per robot, grasps of 0.2-2.5 s with contact events from two fingers
  /// every 5-15 ms, and gaps of 0.2-3 s (a gap under the 500 ms session gap joins two grasps);
  /// now and then a brush of one or two contacts. Delayed up to 30 ms.
  void gripper() {
    Rows lines;
    const int robots = 64;
    std::vector<int64_t> clock(robots);
    for (int r = 0; r < robots; ++r) clock[r] = kStart + static_cast<int64_t>(uniform(0, 1000)) * kMs;
    while (lines.size() < rows_) {
      int r = static_cast<int>(std::min_element(clock.begin(), clock.end()) - clock.begin());
      int64_t t = clock[r];
      bool brush = rng_() % 8 == 0;
      int64_t end = t + (brush ? 1 : static_cast<int64_t>(uniform(200, 2500)) * kMs);
      double peak = uniform(5, 40);
      for (int64_t at = t; at < end && lines.size() < rows_; at += static_cast<int64_t>(uniform(5, 15) * kMs)) {
        for (int finger = 0; finger < 2; ++finger) {
          int64_t ts = at + static_cast<int64_t>(rng_() % 3000) * 1000;
          double force = std::max(0.0, peak * std::sin(kPi * static_cast<double>(at - t + 1) / static_cast<double>(end - t + 1)) + normal(0.5));
          Rows& l = lines.start(ts + delay(30 * kMs));
          l.add("%lld,%d,%s,%.6g,%d\n", static_cast<long long>(ts), r + 1, finger ? "right" : "left", force,
                 rng_() % 40 == 0 ? 1 : 0);
        }
      }
      clock[r] = end + static_cast<int64_t>(uniform(200, 3000)) * kMs;
    }
    lines.write(dir_, "gripper_contact.csv", "ts,robot_id,finger,force_n,slip");
  }

  std::string dir_;
  size_t rows_;
  std::mt19937_64 rng_;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argv[1][0] == '-') {
    std::fprintf(stderr, "usage: robot_gen OUTDIR --rows N [--seed S]\n");
    return 2;
  }
  size_t rows = 2'000'000;
  uint64_t seed = 42;
  for (int i = 2; i < argc; ++i) {
    if (std::strcmp(argv[i], "--rows") == 0 && i + 1 < argc) rows = std::strtoull(argv[++i], nullptr, 10);
    else if (std::strcmp(argv[i], "--seed") == 0 && i + 1 < argc) seed = std::strtoull(argv[++i], nullptr, 10);
    else {
      std::fprintf(stderr, "robot_gen: unknown argument %s\n", argv[i]);
      return 2;
    }
  }
  Generator(argv[1], rows, seed).run();
  return 0;
}
