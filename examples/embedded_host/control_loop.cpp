// A compliance controller's loop with a vlac pipeline inside it: the wrist force/torque sensor
// is sampled at 1 kHz, every sample is pushed into the class that `vlac build` generated from
// examples/wrist_smoothing.vsql, and the smoothed force (the mean of the last 10 samples) sets
// the arm's stiffness. Build (tests/build/embedded_example_test.sh does this):
//
//   vlac build examples/wrist_smoothing.vsql -o gen
//   c++ -std=c++17 -O2 -I gen examples/embedded_host/control_loop.cpp gen/runtime/*.cpp \
//       gen/runtime/io/*.cpp -o control_loop
//
// It checks what it received against a mean it keeps itself, and exits 1 if they disagree.
#include <cmath>
#include <cstdio>
#include <deque>

#include "wrist_smoothing.h"

namespace {

struct Controller {
  double stiffness = 1000.0;  // N/m
  long smoothed_rows = 0;
  double last_mean10 = 0;
};

void on_smoothed(void* user, const WristSmoothing::WristSmoothedRow& row) {
  auto* c = static_cast<Controller*>(user);
  ++c->smoothed_rows;
  if (row.fz_mean10_null) return;
  c->last_mean10 = row.fz_mean10;
  // Softer when pushing harder: a crude force-dependent stiffness.
  c->stiffness = 1000.0 / (1.0 + std::fabs(row.fz_mean10) / 10.0);
}

}  // namespace

int main() {
  Controller controller;
  WristSmoothing pipeline(on_smoothed, &controller);
  const int64_t start = INT64_C(1795000000000000000);  // 2026-11-18T...Z, in ns
  const int kSamples = 2000;                           // two seconds at 1 kHz
  std::deque<float> last10;
  for (int i = 0; i < kSamples; ++i) {
    WristSmoothing::WristFtRow s;
    s.ts = start + int64_t(i) * 1000000;
    s.robot_id = 1;
    s.fx = 0.5f;
    s.fy = -0.25f;
    s.fz = static_cast<float>(5.0 * std::sin(i * 0.01));
    s.tx = s.ty = s.tz = 0.0f;
    pipeline.push_wrist_ft(s);
    last10.push_back(s.fz);
    if (last10.size() > 10) last10.pop_front();
  }
  pipeline.finish();

  double expected = 0;  // the same mean, summed in double in arrival order
  for (float v : last10) expected += v;
  expected /= static_cast<double>(last10.size());
  std::printf("rows pushed %d, smoothed rows %ld, last fz_mean10 %.9g (expected %.9g), stiffness %.1f N/m\n", kSamples,
              controller.smoothed_rows, controller.last_mean10, expected, controller.stiffness);
  bool ok = controller.smoothed_rows == kSamples && std::fabs(controller.last_mean10 - expected) <= 1e-9 * std::fabs(expected);
  return ok ? 0 : 1;
}
