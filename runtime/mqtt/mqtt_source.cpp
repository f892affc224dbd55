#include "runtime/mqtt/mqtt_source.h"

#include <fcntl.h>
#include <mosquitto.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

namespace vlac::rt {
namespace {

/// The CSV header of the declared columns (names quoted when they must be).
std::string csv_header(const std::vector<std::string>& columns) {
  std::string out;
  for (size_t i = 0; i < columns.size(); ++i) {
    if (i) out += ',';
    const std::string& c = columns[i];
    if (c.find_first_of(",\"\r\n") == std::string::npos) {
      out += c;
      continue;
    }
    out += '"';
    for (char ch : c) out += ch == '"' ? std::string("\"\"") : std::string(1, ch);
    out += '"';
  }
  return out + "\n";
}

/// A JSON message on one line: a line break between tokens is whitespace, so it becomes a
/// space; one inside a string is invalid JSON, so it becomes another invalid control
/// character (the message is rejected at the same byte, for the same reason).
void json_on_one_line(std::string* s) {
  bool in_string = false, escaped = false;
  for (char& c : *s) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      if (c == '\n' || c == '\r') c = '\x01';
    } else if (c == '"') {
      in_string = true;
    } else if (c == '\n' || c == '\r') {
      c = ' ';
    }
  }
}

}  // namespace

MqttSource::MqttSource(MqttUrl url, std::vector<std::string> columns, std::FILE* messages, const std::atomic<bool>* stop,
                       const std::string& session)
    : MqttClient(url, url.display_name(), messages, session), columns_(std::move(columns)), stop_(stop) {
  if (this->url().csv) prefix_ = csv_header(columns_);
  next_line_ = this->url().csv ? 2 : 1;
}

MqttSource::~MqttSource() {
  closing_ = true;
  if (network_.joinable()) network_.join();
  close_pipe();
  if (in_) std::fclose(in_);
}

bool MqttSource::start(std::string* error) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    *error = "cannot read " + url().display_name() + ": " + std::strerror(errno);
    return false;
  }
  ::fcntl(fds[1], F_SETPIPE_SZ, 1 << 20);  // room for bursts while the run is busy (best effort)
  in_ = ::fdopen(fds[0], "rb");
  write_fd_ = fds[1];
  if (!connect(10000, error)) return false;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!subscribed_ && !subscribe_failed_ && std::chrono::steady_clock::now() < until)
    if (mosquitto_loop(handle(), 50, 1) != MOSQ_ERR_SUCCESS) break;
  if (!subscribed_) {
    *error = "cannot subscribe to " + url().display_name() + (subscribe_failed_ ? ": the broker refused" : ": no answer from the broker");
    return false;
  }
  report("subscribed");
  network_ = start_thread_without_stop_signals([this] {
    while (!closing_ && !(stop_ && stop_->load())) step();
    close_pipe();  // the reader sees the end of its input
  });
  return true;
}

void MqttSource::on_connected() {
  // A clean session starts without subscriptions: subscribe on every (re)connection.
  const int rc = mosquitto_subscribe(handle(), nullptr, url().topic.c_str(), 1);
  if (rc != MOSQ_ERR_SUCCESS) {
    subscribe_failed_ = true;
    report(std::string("cannot subscribe: ") + mosquitto_strerror(rc));
  }
}

void MqttSource::on_subscribed() { subscribed_ = true; }

void MqttSource::on_message_received(const void* payload, int size) {
  if (closing_ || (stop_ && stop_->load())) return;  // the input has ended: no new rows
  ++received_;
  line_.assign(static_cast<const char*>(payload), static_cast<size_t>(size));
  if (!line_.empty() && line_.back() == '\n') line_.pop_back();
  if (!line_.empty() && line_.back() == '\r') line_.pop_back();
  uint64_t lines = 1;
  if (url().csv) lines += static_cast<uint64_t>(std::count(line_.begin(), line_.end(), '\n'));
  else json_on_one_line(&line_);
  if (lines > 1) {
    std::lock_guard<std::mutex> lock(long_mu_);
    long_messages_.push_back({received_.load(), next_line_, lines});
  }
  next_line_ += lines;
  line_ += '\n';
  write_line(line_);
  if (url().count != 0 && received_ == url().count) closing_ = true;  // ?count=N: the input ends here
}

void MqttSource::write_line(const std::string& line) {
  size_t done = 0;
  while (done < line.size() && write_fd_ >= 0) {
    const ssize_t n = ::write(write_fd_, line.data() + done, line.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return;  // the reader is gone (EPIPE): the run is over
    done += static_cast<size_t>(n);
  }
}

void MqttSource::close_pipe() {
  if (write_fd_ >= 0) ::close(write_fd_);
  write_fd_ = -1;
}

uint64_t MqttSource::message_of_line(uint64_t line) const {
  const uint64_t header = url().csv ? 1 : 0;
  std::lock_guard<std::mutex> lock(long_mu_);
  // The last long message that starts at or before the line.
  auto it = std::upper_bound(long_messages_.begin(), long_messages_.end(), line,
                             [](uint64_t l, const LongMessage& m) { return l < m.first_line; });
  if (it == long_messages_.begin()) return line > header ? line - header : 1;
  const LongMessage& m = *std::prev(it);
  if (line < m.first_line + m.lines) return m.message;
  return m.message + (line - (m.first_line + m.lines)) + 1;
}

}  // namespace vlac::rt
