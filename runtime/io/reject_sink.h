#pragma once
// Where malformed input rows go (LANGUAGE.md §7): a one-line `file:line: reason` message, the
// raw record appended to the `--rejects` file, a count, and the `--on-error fail` decision.
// One sink serves every input of a run, so that the count and the stop decision are global.

#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace vlac::rt {

/// The name that messages give standard input (`--input NAME=-`).
inline constexpr std::string_view kStdinDisplayName = "<stdin>";

/// The name messages use for an `--input` path: the path as given, or `<stdin>` for `-`.
std::string display_name_for_path(std::string_view path);

/// `--on-error skip|fail`.
enum class OnError { Skip, Fail };

/// A malformed record kept for later instead of reported (RejectSink::collecting).
struct CollectedReject {
  uint64_t line;
  std::string reason;
  std::string raw_record;
};

/// A warning kept for later (RejectSink::collecting).
struct CollectedWarning {
  uint64_t line;
  std::string message;
};

class RejectSink {
 public:
  /// `messages` receives the reports and warnings (normally stderr; null prints nothing);
  /// `rejects` is the `--rejects` file or null. Neither is owned or closed.
  explicit RejectSink(std::FILE* messages, std::FILE* rejects = nullptr, OnError on_error = OnError::Skip);

  /// A sink that reports nothing: reject() appends to `into` (never stopping the reader) and
  /// warn() to `warnings`. A parallel reader's chunk parsers use it; the records are reported
  /// through the run's sink when the rows around them are handed out, in input order.
  static RejectSink collecting(std::vector<CollectedReject>* into, std::vector<CollectedWarning>* warnings) {
    RejectSink sink(nullptr);
    sink.collect_ = into;
    sink.collect_warnings_ = warnings;
    return sink;
  }

  RejectSink(RejectSink&& other) = default;
  RejectSink(const RejectSink&) = delete;
  RejectSink& operator=(const RejectSink&) = delete;

  /// Reports one malformed record: prints `file:line: reason`, appends `raw_record` (the record
  /// exactly as read, line ending included) to the rejects file, counts it, and under
  /// OnError::Fail makes should_stop() true. `reason` must be a single line.
  void reject(std::string_view file, uint64_t line, std::string_view reason, std::string_view raw_record);

  /// Prints `file: warning: message`, or `file:line: warning: message` when line > 0.
  void warn(std::string_view file, uint64_t line, std::string_view message);

  /// Messages about input `file` name a record `file#N`, N = number(line), instead of
  /// `file:line`: an MQTT source's records are its messages (runtime/mqtt/mqtt_source.h).
  void number_records(std::string file, std::function<uint64_t(uint64_t line)> number) {
    numbered_.push_back({std::move(file), std::move(number)});
  }

  /// Malformed records reported so far, over all inputs.
  uint64_t rejected() const { return rejected_; }
  /// True once a record was rejected under OnError::Fail, or writing the rejects file failed:
  /// the run must stop (exit status 1).
  bool should_stop() const { return stop_ || rejects_error_ != 0; }
  /// False if writing to the rejects file failed (disk full, ...); the caller reports it
  /// (write_error_message with rejects_error()) and stops the run.
  bool rejects_ok() const { return rejects_error_ == 0; }
  /// 0, or the errno of the first failed write to the rejects file.
  int rejects_error() const { return rejects_error_; }
  std::FILE* messages() const { return messages_; }

 private:
  void emit_line();
  /// Starts the message with `file:line` (or `file#N`).
  void begin_line(std::string_view file, uint64_t line);

  std::FILE* messages_;
  std::FILE* rejects_;
  OnError on_error_;
  uint64_t rejected_ = 0;
  bool stop_ = false;
  int rejects_error_ = 0;
  std::string line_;  // the message being built; reused
  std::vector<CollectedReject>* collect_ = nullptr;
  std::vector<CollectedWarning>* collect_warnings_ = nullptr;
  struct Numbered {
    std::string file;
    std::function<uint64_t(uint64_t)> number;
  };
  std::vector<Numbered> numbered_;
};

}  // namespace vlac::rt
