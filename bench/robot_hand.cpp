// The robot workloads of the benchmark suite (bench/suite/workloads/) written by hand, as the
// practical limit to compare vlac with: a straightforward C++ program per query, as a competent
// engineer writes it in an afternoon for the data at hand. Files are mapped into memory, lines
// and fields split with memchr, numbers parsed with std::from_chars, groups kept in
// std::unordered_map or per-key vectors; results are computed in batch (the whole file is there),
// and written as CSV with the same columns as the vlac program (timestamps in ns, floats in their
// shortest form). Output order is free: the suite's checksums do not depend on it.
// Usage: robot_hand --query NAME --input STREAM=PATH ... --output PATH
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace {

[[noreturn]] void fail(const std::string& message) {
  std::fprintf(stderr, "robot_hand: %s\n", message.c_str());
  std::exit(1);
}

/// A whole input file mapped into memory.
class MappedFile {
 public:
  explicit MappedFile(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY);
    if (fd < 0) fail("cannot open " + path);
    struct stat st {};
    ::fstat(fd, &st);
    size_ = static_cast<size_t>(st.st_size);
    if (size_ > 0) {
      void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
      if (p == MAP_FAILED) fail("cannot map " + path);
      ::madvise(p, size_, MADV_SEQUENTIAL);
      data_ = static_cast<const char*>(p);
    }
    ::close(fd);
  }
  ~MappedFile() {
    if (data_) ::munmap(const_cast<char*>(data_), size_);
  }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  std::string_view text() const { return {data_, size_}; }

 private:
  const char* data_ = nullptr;
  size_t size_ = 0;
};

constexpr size_t kMaxFields = 16;
using Fields = std::array<std::string_view, kMaxFields>;

/// Calls ROW(fields) for every line of PATH after its header, which must be HEADER.
template <typename Row>
void for_each_row(const std::string& path, std::string_view header, Row&& row) {
  MappedFile file(path);
  std::string_view text = file.text();
  size_t eol = text.find('\n');
  std::string_view first = text.substr(0, eol);
  if (!first.empty() && first.back() == '\r') first.remove_suffix(1);
  if (first != header) fail(path + ": expected the header " + std::string(header));
  const char* p = text.data() + (eol == std::string_view::npos ? text.size() : eol + 1);
  const char* end = text.data() + text.size();
  Fields fields;
  while (p < end) {
    const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
    const char* line_end = nl ? nl : end;
    const char* stop = line_end > p && line_end[-1] == '\r' ? line_end - 1 : line_end;
    size_t n = 0;
    const char* f = p;
    while (n < kMaxFields) {
      const char* comma = static_cast<const char*>(std::memchr(f, ',', static_cast<size_t>(stop - f)));
      const char* field_end = comma ? comma : stop;
      fields[n++] = std::string_view(f, static_cast<size_t>(field_end - f));
      if (!comma) break;
      f = comma + 1;
    }
    if (stop > p) row(fields);
    p = line_end + 1;
  }
}

int64_t to_i64(std::string_view s) {
  int64_t v = 0;
  if (std::from_chars(s.data(), s.data() + s.size(), v).ec != std::errc()) fail("bad integer " + std::string(s));
  return v;
}
float to_f32(std::string_view s) {
  float v = 0;
  if (std::from_chars(s.data(), s.data() + s.size(), v).ec != std::errc()) fail("bad number " + std::string(s));
  return v;
}
int64_t floor_div(int64_t a, int64_t b) { return a / b - (a % b != 0 && (a < 0) != (b < 0)); }

/// CSV output through a large buffer: integers and floats (shortest form) by std::to_chars.
class Writer {
 public:
  explicit Writer(const std::string& path) : file_(std::fopen(path.c_str(), "wb")) {
    if (!file_) fail("cannot write " + path);
    buffer_.resize(1 << 20);
  }
  ~Writer() {
    flush();
    if (std::fclose(file_) != 0) fail("write failed");
  }
  Writer& line(std::string_view header) {
    put(header);
    return end();
  }
  template <typename T>
  Writer& num(T v) {
    reserve(40);
    at_ = static_cast<size_t>(std::to_chars(buffer_.data() + at_, buffer_.data() + buffer_.size(), v).ptr - buffer_.data());
    return comma();
  }
  Writer& null() { return comma(); }
  Writer& end() {
    if (at_ > 0 && buffer_[at_ - 1] == ',') --at_;
    reserve(1);
    buffer_[at_++] = '\n';
    return *this;
  }

 private:
  Writer& comma() {
    reserve(1);
    buffer_[at_++] = ',';
    return *this;
  }
  void put(std::string_view s) {
    reserve(s.size());
    std::memcpy(buffer_.data() + at_, s.data(), s.size());
    at_ += s.size();
  }
  void reserve(size_t n) {
    if (at_ + n > buffer_.size()) flush();
  }
  void flush() {
    if (at_ && std::fwrite(buffer_.data(), 1, at_, file_) != at_) fail("write failed");
    at_ = 0;
  }
  std::FILE* file_;
  std::vector<char> buffer_;
  size_t at_ = 0;
};

using Inputs = std::map<std::string, std::string>;

const std::string& input(const Inputs& inputs, const std::string& stream) {
  auto it = inputs.find(stream);
  if (it == inputs.end()) fail("missing --input " + stream + "=PATH");
  return it->second;
}

constexpr int64_t kMs = 1'000'000;

/// §1: per camera and 1 s window, frames with brightness > 0.05, their mean brightness and
/// greatest object count (NULL when every count was NULL).
void cam_tumble(const Inputs& in, Writer& out) {
  struct Agg {
    int64_t frames = 0;
    double brightness = 0;
    int32_t max_objects = 0;
    bool any_objects = false;
  };
  std::unordered_map<uint64_t, Agg> groups;  // cam_id << 32 | second
  for_each_row(input(in, "camera"), "ts,cam_id,frame_id,brightness,objects", [&](const Fields& f) {
    float brightness = to_f32(f[3]);
    if (!(static_cast<double>(brightness) > 0.05)) return;
    int64_t second = floor_div(to_i64(f[0]), 1'000'000'000);
    Agg& a = groups[static_cast<uint64_t>(to_i64(f[1])) << 32 | static_cast<uint32_t>(second)];
    ++a.frames;
    a.brightness += brightness;
    if (!f[4].empty()) {
      int32_t objects = static_cast<int32_t>(to_i64(f[4]));
      a.max_objects = a.any_objects ? std::max(a.max_objects, objects) : objects;
      a.any_objects = true;
    }
  });
  out.line("cam_id,window_start,window_end,frames,mean_brightness,max_objects");
  for (const auto& [key, a] : groups) {
    int64_t start = static_cast<int64_t>(static_cast<uint32_t>(key)) * 1'000'000'000;
    out.num(static_cast<int32_t>(key >> 32)).num(start).num(start + 1'000'000'000).num(a.frames);
    out.num(a.brightness / static_cast<double>(a.frames));
    (a.any_objects ? out.num(a.max_objects) : out.null()).end();
  }
}

/// HOP(50 ms, 200 ms) per robot and joint: count, mean, least and greatest torque. Rows are summed
/// into 50 ms slices, and each window combines its four slices.
void joint_torque_hop(const Inputs& in, Writer& out) {
  struct Agg {
    int64_t samples = 0;
    double sum = 0;
    float min = 0, max = 0;
    void add(float v) {
      min = samples ? std::min(min, v) : v;
      max = samples ? std::max(max, v) : v;
      sum += v;
      ++samples;
    }
    void merge(const Agg& o) {
      min = samples ? std::min(min, o.min) : o.min;
      max = samples ? std::max(max, o.max) : o.max;
      sum += o.sum;
      samples += o.samples;
    }
  };
  // Key: robot_id (16 bits) << 48 | joint (8 bits) << 40 | slice number (40 bits).
  auto key = [](int64_t robot, int64_t joint, int64_t slice) {
    return static_cast<uint64_t>(robot) << 48 | static_cast<uint64_t>(joint) << 40 | (static_cast<uint64_t>(slice) & ((1ULL << 40) - 1));
  };
  std::unordered_map<uint64_t, Agg> slices;
  for_each_row(input(in, "joints"), "ts,robot_id,joint,position,velocity,torque", [&](const Fields& f) {
    slices[key(to_i64(f[1]), to_i64(f[2]), floor_div(to_i64(f[0]), 50 * kMs))].add(to_f32(f[5]));
  });
  std::unordered_map<uint64_t, Agg> windows;  // same key, the window's first slice
  windows.reserve(slices.size() * 4);
  for (const auto& [k, a] : slices)
    for (uint64_t back = 0; back < 4; ++back) windows[k - back].merge(a);
  out.line("robot_id,joint,window_start,window_end,samples,mean_torque,min_torque,max_torque");
  for (const auto& [k, a] : windows) {
    int64_t start = static_cast<int64_t>(k & ((1ULL << 40) - 1)) * 50 * kMs;
    out.num(static_cast<int32_t>(k >> 48)).num(static_cast<int32_t>((k >> 40) & 0xff)).num(start).num(start + 200 * kMs);
    out.num(a.samples).num(a.sum / static_cast<double>(a.samples)).num(a.min).num(a.max).end();
  }
}

/// SESSION(500 ms) per robot: each robot's contacts sorted by time, a new grasp at a gap of
/// 500 ms or more; grasps of at least 3 contacts.
void gripper_session(const Inputs& in, Writer& out) {
  struct Contact {
    int64_t ts;
    float force;
    bool slip;
  };
  std::unordered_map<int32_t, std::vector<Contact>> robots;
  for_each_row(input(in, "gripper_contact"), "ts,robot_id,finger,force_n,slip", [&](const Fields& f) {
    robots[static_cast<int32_t>(to_i64(f[1]))].push_back({to_i64(f[0]), to_f32(f[3]), f[4] == "1" || f[4] == "true"});
  });
  const int64_t gap = 500 * kMs;
  out.line("robot_id,window_start,window_end,contacts,peak_force_n,mean_force_n,slips");
  for (auto& [robot, contacts] : robots) {
    std::sort(contacts.begin(), contacts.end(), [](const Contact& a, const Contact& b) { return a.ts < b.ts; });
    for (size_t i = 0; i < contacts.size();) {
      size_t j = i + 1;
      while (j < contacts.size() && contacts[j].ts - contacts[j - 1].ts < gap) ++j;
      if (j - i >= 3) {
        float peak = contacts[i].force;
        double sum = 0;
        int64_t slips = 0;
        for (size_t k = i; k < j; ++k) {
          peak = std::max(peak, contacts[k].force);
          sum += contacts[k].force;
          slips += contacts[k].slip;
        }
        out.num(robot).num(contacts[i].ts).num(contacts[j - 1].ts + gap).num(static_cast<int64_t>(j - i));
        out.num(peak).num(sum / static_cast<double>(j - i)).num(slips).end();
      }
      i = j;
    }
  }
}

/// LEFT ASOF JOIN: each frame with its robot's latest joint sample at or before it (binary search
/// in the robot's samples sorted by time).
void asof_frames_joints(const Inputs& in, Writer& out) {
  struct Pose {
    int64_t ts;
    std::array<float, 7> q;
  };
  std::unordered_map<int32_t, std::vector<Pose>> poses;
  for_each_row(input(in, "joint_state"), "ts,robot_id,q1,q2,q3,q4,q5,q6,q7", [&](const Fields& f) {
    Pose p{to_i64(f[0]), {}};
    for (size_t j = 0; j < 7; ++j) p.q[j] = to_f32(f[2 + j]);
    poses[static_cast<int32_t>(to_i64(f[1]))].push_back(p);
  });
  for (auto& [robot, v] : poses)
    std::stable_sort(v.begin(), v.end(), [](const Pose& a, const Pose& b) { return a.ts < b.ts; });
  out.line("ts,robot_id,cam_id,frame_id,q1,q2,q3,q4,q5,q6,q7,joint_age");
  for_each_row(input(in, "wrist_frames"), "ts,robot_id,cam_id,frame_id,exposure_us", [&](const Fields& f) {
    int64_t ts = to_i64(f[0]);
    int32_t robot = static_cast<int32_t>(to_i64(f[1]));
    out.num(ts).num(robot).num(to_i64(f[2])).num(to_i64(f[3]));
    const Pose* match = nullptr;
    auto it = poses.find(robot);
    if (it != poses.end()) {
      const std::vector<Pose>& v = it->second;
      auto after = std::upper_bound(v.begin(), v.end(), ts, [](int64_t t, const Pose& p) { return t < p.ts; });
      if (after != v.begin()) match = &*(after - 1);
    }
    if (match) {
      for (float q : match->q) out.num(q);
      out.num(ts - match->ts).end();
    } else {
      for (int j = 0; j < 8; ++j) out.null();
      out.end();
    }
  });
}

/// Interval join: each action with its robot's frames in [a.ts - 33 ms, a.ts] (binary search in
/// the robot's frames sorted by time).
void interval_actions_frames(const Inputs& in, Writer& out) {
  struct Frame {
    int64_t ts, cam_id, frame_id;
  };
  std::unordered_map<int32_t, std::vector<Frame>> frames;
  for_each_row(input(in, "policy_frames"), "ts,robot_id,cam_id,frame_id,exposure_us", [&](const Fields& f) {
    frames[static_cast<int32_t>(to_i64(f[1]))].push_back({to_i64(f[0]), to_i64(f[2]), to_i64(f[3])});
  });
  for (auto& [robot, v] : frames)
    std::sort(v.begin(), v.end(), [](const Frame& a, const Frame& b) { return a.ts < b.ts; });
  out.line("action_ts,robot_id,step,gripper,cam_id,frame_id,frame_ts,frame_age");
  for_each_row(input(in, "actions"), "ts,robot_id,step,dx,dy,dz,gripper", [&](const Fields& f) {
    int32_t robot = static_cast<int32_t>(to_i64(f[1]));
    auto it = frames.find(robot);
    if (it == frames.end()) return;
    int64_t ts = to_i64(f[0]), step = to_i64(f[2]);
    float gripper = to_f32(f[6]);
    const std::vector<Frame>& v = it->second;
    auto from = std::lower_bound(v.begin(), v.end(), ts - 33 * kMs, [](const Frame& fr, int64_t t) { return fr.ts < t; });
    for (auto m = from; m != v.end() && m->ts <= ts; ++m)
      out.num(ts).num(robot).num(step).num(gripper).num(m->cam_id).num(m->frame_id).num(m->ts).num(ts - m->ts).end();
  });
}

/// OVER per robot and joint, by time: the mean of the last 10 positions and the change since the
/// previous one.
void over_smoothing(const Inputs& in, Writer& out) {
  struct Sample {
    int64_t ts;
    float position;
  };
  std::unordered_map<uint64_t, std::vector<Sample>> series;  // robot_id << 32 | joint
  for_each_row(input(in, "joints"), "ts,robot_id,joint,position,velocity,torque", [&](const Fields& f) {
    series[static_cast<uint64_t>(to_i64(f[1])) << 32 | static_cast<uint32_t>(to_i64(f[2]))].push_back(
        {to_i64(f[0]), to_f32(f[3])});
  });
  out.line("ts,robot_id,joint,position,position_mean10,dposition");
  for (auto& [key, v] : series) {
    std::stable_sort(v.begin(), v.end(), [](const Sample& a, const Sample& b) { return a.ts < b.ts; });
    int32_t robot = static_cast<int32_t>(key >> 32), joint = static_cast<int32_t>(key & 0xffffffff);
    for (size_t i = 0; i < v.size(); ++i) {
      size_t first = i >= 9 ? i - 9 : 0;
      double sum = 0;
      for (size_t k = first; k <= i; ++k) sum += v[k].position;
      out.num(v[i].ts).num(robot).num(joint).num(v[i].position).num(sum / static_cast<double>(i - first + 1));
      (i > 0 ? out.num(v[i].position - v[i - 1].position) : out.null()).end();
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string query, output;
  Inputs inputs;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--query") query = value;
    else if (flag == "--output") output = value;
    else if (flag == "--input" && value.find('=') != std::string::npos) inputs[value.substr(0, value.find('='))] = value.substr(value.find('=') + 1);
    else fail("usage: robot_hand --query NAME --input STREAM=PATH ... --output PATH");
  }
  if (argc % 2 == 0 || query.empty() || output.empty()) fail("usage: robot_hand --query NAME --input STREAM=PATH ... --output PATH");
  static const std::map<std::string, void (*)(const Inputs&, Writer&)> queries = {
      {"cam_tumble", cam_tumble},
      {"joint_torque_hop", joint_torque_hop},
      {"gripper_session", gripper_session},
      {"asof_frames_joints", asof_frames_joints},
      {"interval_actions_frames", interval_actions_frames},
      {"over_smoothing", over_smoothing},
  };
  auto q = queries.find(query);
  if (q == queries.end()) fail("no query " + query);
  Writer out(output);
  q->second(inputs, out);
  return 0;
}
