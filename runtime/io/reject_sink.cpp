#include "runtime/io/reject_sink.h"

#include <cerrno>

#include "runtime/value_format.h"

namespace vlac::rt {

std::string display_name_for_path(std::string_view path) {
  return path == "-" ? std::string(kStdinDisplayName) : std::string(path);
}

RejectSink::RejectSink(std::FILE* messages, std::FILE* rejects, OnError on_error)
    : messages_(messages), rejects_(rejects), on_error_(on_error) {}

void RejectSink::emit_line() {
  line_ += '\n';
  // One fwrite per message, so that a message is never interleaved with other output on an
  // unbuffered stderr.
  if (messages_) std::fwrite(line_.data(), 1, line_.size(), messages_);
}

void RejectSink::begin_line(std::string_view file, uint64_t line) {
  char num[kValueFormatBufSize];
  line_.assign(file);
  char separator = ':';
  for (const Numbered& n : numbered_)
    if (n.file == file) {
      separator = '#';
      line = n.number(line);
    }
  line_ += separator;
  line_.append(num, format_int64(static_cast<int64_t>(line), num));
}

void RejectSink::reject(std::string_view file, uint64_t line, std::string_view reason, std::string_view raw_record) {
  ++rejected_;
  if (collect_) {
    collect_->push_back({line, std::string(reason), std::string(raw_record)});
    return;
  }
  begin_line(file, line);
  line_ += ": ";
  line_ += reason;
  emit_line();
  if (rejects_ && rejects_error_ == 0) {
    errno = 0;
    bool ok = std::fwrite(raw_record.data(), 1, raw_record.size(), rejects_) == raw_record.size();
    // The last record of an input may lack a line end; add one so that the next rejected
    // record (maybe from another input) starts on its own line.
    if (raw_record.empty() || (raw_record.back() != '\n' && raw_record.back() != '\r')) ok = std::fputc('\n', rejects_) != EOF && ok;
    // Rejects are rare; flushing each keeps the file complete if the run is stopped or killed.
    ok = std::fflush(rejects_) == 0 && ok;
    if (!ok) rejects_error_ = errno != 0 ? errno : EIO;
  }
  if (on_error_ == OnError::Fail) stop_ = true;
}

void RejectSink::warn(std::string_view file, uint64_t line, std::string_view message) {
  if (collect_) {
    if (collect_warnings_) collect_warnings_->push_back({line, std::string(message)});
    return;
  }
  if (line > 0) begin_line(file, line);
  else line_.assign(file);
  line_ += ": warning: ";
  line_ += message;
  emit_line();
}

}  // namespace vlac::rt
