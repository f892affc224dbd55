// The hand-written baseline of bench/fusion_bench.sh: reads the same camera and joint CSV files
// (integer-ns timestamps), sorts each by time, and computes, for every camera frame,
//   asof:     the joint state of its robot with the greatest ts <= the frame's ts;
//   interval: the joint states of its robot within +-10 ms of the frame.
// It prints the number of result rows, so vlac's count can be compared.
// Usage: fusion_baseline asof|interval CAMERA.csv JOINTS.csv
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace {

struct Row {
  long long ts;
  int robot;
  double value;
};

/// Reads `ts,robot_id,<int>,<float>` (camera) or `ts,robot_id,<float>,<float>` (joints).
std::vector<Row> read(const char* path) {
  std::vector<Row> rows;
  std::FILE* f = std::fopen(path, "r");
  if (!f) {
    std::perror(path);
    std::exit(1);
  }
  char line[256];
  if (!std::fgets(line, sizeof line, f)) return rows;  // header
  while (std::fgets(line, sizeof line, f)) {
    char* p = line;
    Row r;
    r.ts = std::strtoll(p, &p, 10);
    r.robot = static_cast<int>(std::strtol(p + 1, &p, 10));
    r.value = std::strtod(p + 1, &p);
    rows.push_back(r);
  }
  std::fclose(f);
  return rows;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: fusion_baseline asof|interval CAMERA.csv JOINTS.csv\n");
    return 2;
  }
  bool asof = std::strcmp(argv[1], "asof") == 0;
  std::vector<Row> cam = read(argv[2]), joints = read(argv[3]);
  auto by_time = [](const Row& a, const Row& b) { return a.ts < b.ts; };
  std::stable_sort(cam.begin(), cam.end(), by_time);
  std::stable_sort(joints.begin(), joints.end(), by_time);
  // Per robot, the joints in time order.
  std::vector<std::vector<Row>> per_robot(9);
  for (const Row& j : joints) per_robot[j.robot].push_back(j);
  long long results = 0;
  double checksum = 0;
  std::vector<size_t> cursor(9, 0), low(9, 0);
  for (const Row& c : cam) {
    std::vector<Row>& js = per_robot[c.robot];
    if (asof) {
      size_t& i = cursor[c.robot];
      while (i < js.size() && js[i].ts <= c.ts) ++i;
      if (i > 0) {
        ++results;
        checksum += js[i - 1].value;
      }
    } else {
      size_t& i = low[c.robot];
      while (i < js.size() && js[i].ts < c.ts - 10000000) ++i;
      for (size_t k = i; k < js.size() && js[k].ts <= c.ts + 10000000; ++k) {
        ++results;
        checksum += js[k].value;
      }
    }
  }
  std::printf("%lld result rows (checksum %.3f)\n", results, checksum);
  return 0;
}
