#pragma once
// An MQTT topic as a live input (LANGUAGE.md §12): each message is one row, a JSON object, or
// with `?format=csv` one CSV record in the stream's declared column order.
//
// The source subscribes (QoS 1) and writes each message as one line into a pipe, which the
// run reads like standard input: the same live readers, the same rejects, the same handling of
// SIGINT/SIGTERM and `--drain`. A CSV source's pipe starts with a header line of the declared
// columns (ReadOptions::prefix). A JSON message's line breaks become spaces (outside strings;
// inside a string a line break stays invalid: it is turned into another control character, so
// the message is rejected as it would have been). A CSV message may hold a quoted line break:
// the reader reads it as one record spanning lines, and the source remembers its extra lines so
// that messages still name it by its number (message_of_line). Messages are numbered from 1 in
// arrival order; an empty message is no row (as a blank line), but keeps its number.
//
// The network runs on a thread of its own, which closes the pipe when the run stops (a signal,
// or the run's end): the reader then sees the end of its input. Rows are in arrival order.

#include <atomic>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "runtime/mqtt/mqtt_client.h"
#include "runtime/mqtt/mqtt_url.h"

namespace vlac::rt {

class MqttSource final : public MqttClient {
 public:
  /// `columns`: the stream's declared column names (the CSV header). `stop`: when it becomes
  /// true (SIGINT/SIGTERM), the source ends its input; may be null. `session`: "" for a clean
  /// session; else a persistent session's client id (`--checkpoint`: the broker keeps the
  /// messages published while vlac is away, MqttClient).
  MqttSource(MqttUrl url, std::vector<std::string> columns, std::FILE* messages, const std::atomic<bool>* stop,
             const std::string& session = "");
  ~MqttSource() override;

  /// Connects, subscribes and starts the network thread; false with *error when the broker
  /// cannot be reached, refuses, or refuses the subscription.
  bool start(std::string* error);
  /// The input the reader reads (not to be closed by the caller); valid after start().
  std::FILE* input() const { return in_; }
  /// The bytes the reader gets before the pipe's: the CSV header line, or "".
  const std::string& prefix() const { return prefix_; }
  /// The number of the message that physical line `line` of the input belongs to.
  uint64_t message_of_line(uint64_t line) const;
  /// Messages received so far.
  uint64_t messages() const { return received_.load(); }

 private:
  void on_connected() override;
  void on_subscribed() override;
  void on_message_received(const void* payload, int size) override;
  void write_line(const std::string& line);
  void close_pipe();

  std::vector<std::string> columns_;
  const std::atomic<bool>* stop_;
  std::atomic<bool> closing_{false};
  std::atomic<bool> subscribed_{false};
  bool subscribe_failed_ = false;
  std::string prefix_;
  int write_fd_ = -1;
  std::FILE* in_ = nullptr;
  std::thread network_;
  std::atomic<uint64_t> received_{0};
  std::string line_;  // the message being written; reused

  // Messages of more than one line (CSV with a quoted line break), in order: the message's
  // number, its first line and how many lines it has. Written by the network thread.
  struct LongMessage {
    uint64_t message, first_line, lines;
  };
  mutable std::mutex long_mu_;
  std::vector<LongMessage> long_messages_;
  uint64_t next_line_ = 0;  // network thread: the physical line the next message starts on
};

}  // namespace vlac::rt
