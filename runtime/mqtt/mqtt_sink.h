#pragma once
// An MQTT topic as an output (LANGUAGE.md §12): one JSON object per row, published with QoS 1.
//
// The run writes the output as JSON Lines into a pipe (an ordinary RowWriter over a FILE*);
// a thread of the sink reads its lines and publishes each as one message, and another runs
// the network (reconnecting when the connection is lost: libmosquitto keeps the messages not
// yet acknowledged and sends them again). finish(), after the run has closed the output,
// waits until the broker has acknowledged every message.

#include <atomic>
#include <cstdio>
#include <string>
#include <thread>

#include "runtime/mqtt/mqtt_client.h"
#include "runtime/mqtt/mqtt_url.h"

namespace vlac::rt {

class MqttSink final : public MqttClient {
 public:
  MqttSink(MqttUrl url, std::FILE* messages);
  ~MqttSink() override;

  /// Connects and starts the threads; false with *error when the broker cannot be reached.
  bool start(std::string* error);
  /// What the run writes to (JSON Lines). The caller owns it and closes it (fclose) when the
  /// run is done, before finish() or the destructor: the sink publishes until it is closed.
  std::FILE* output() const { return out_; }
  /// After the output was closed: publishes what is left and waits (at most `timeout_ms`)
  /// until every message is acknowledged. False with *error (when not null) naming the
  /// messages that were not.
  bool finish(int timeout_ms, std::string* error);
  uint64_t published() const { return published_.load(); }

 private:
  void on_published(int mid) override;
  void publish_lines();

  std::FILE* out_ = nullptr;   // the run's end of the pipe (the caller's to close)
  int read_fd_ = -1;           // the sink's end
  std::thread reader_, network_;
  bool started_ = false;                // output() is the caller's
  std::atomic<bool> read_all_{false};   // the pipe reached its end
  std::atomic<bool> stopping_{false};
  std::atomic<uint64_t> published_{0}, acknowledged_{0};
  std::atomic<int> publish_error_{0};
};

}  // namespace vlac::rt
