#pragma once
// The MQTT sources and sinks of one run (LANGUAGE.md §12), for `vlac run` and the REPL's
// `.input`: opened before the run (an unreachable broker is an error naming it, before any row
// is read), alive during it, and finished after it, once the run has closed its outputs.

#include <atomic>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "exec/executor.h"
#include "physical/physical_plan.h"
#include "runtime/mqtt/mqtt_sink.h"
#include "runtime/mqtt/mqtt_source.h"

namespace vlac {

class MqttEndpoints {
 public:
  /// Subscribes to `url` (an `mqtt://` --input of `source`) and returns the input the run reads;
  /// false with *error (usage problems in the address, or the broker). `stop` ends the source
  /// (SIGINT/SIGTERM). `checkpoint_dir` (`--checkpoint`; "" for none) makes the subscription a
  /// persistent session named after it, the stream and the address, so that the broker keeps
  /// the messages published while the run is away until it goes on (session_id).
  bool open_input(const std::string& url, const PhysicalSource& source, std::FILE* messages,
                  const std::atomic<bool>* stop, InputFile* input, std::string* error,
                  const std::string& checkpoint_dir = "");
  /// Connects for `url` (an `mqtt://` --output) and returns the FILE the run writes JSON Lines
  /// to; the caller closes it (fclose) after the run, then calls finish(). Null with *error.
  std::FILE* open_output(const std::string& url, std::FILE* messages, std::string* error);
  /// After the outputs were closed: waits until the broker acknowledged every message
  /// published; false with *error naming the first output where it did not.
  bool finish(std::string* error);

  /// The client id of the persistent session of stream `stream` reading `url` for runs with
  /// `--checkpoint checkpoint_dir`: `vlac-` and an FNV-1a hash of the three (the directory made
  /// absolute), the same for every run that goes on from that directory.
  static std::string session_id(const std::string& checkpoint_dir, const std::string& stream, const std::string& url);

 private:
  std::vector<std::unique_ptr<rt::MqttSource>> sources_;
  std::vector<std::unique_ptr<rt::MqttSink>> sinks_;
};

}  // namespace vlac
