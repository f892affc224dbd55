#include "runtime/mqtt/mqtt_sink.h"

#include <fcntl.h>
#include <mosquitto.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <vector>

namespace vlac::rt {

MqttSink::MqttSink(MqttUrl url, std::FILE* messages) : MqttClient(url, url.display_name(), messages) {}

MqttSink::~MqttSink() {
  if (!started_ && out_) std::fclose(out_);  // start() failed: never handed out
  if (reader_.joinable()) reader_.join();  // the caller closed the output: the pipe has ended
  stopping_ = true;
  if (network_.joinable()) network_.join();
  if (read_fd_ >= 0) ::close(read_fd_);
}

bool MqttSink::start(std::string* error) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    *error = "cannot write " + url().display_name() + ": " + std::strerror(errno);
    return false;
  }
  read_fd_ = fds[0];
  out_ = ::fdopen(fds[1], "wb");
  if (!connect(10000, error)) return false;
  network_ = start_thread_without_stop_signals([this] {
    while (!stopping_) step();
  });
  reader_ = start_thread_without_stop_signals([this] { publish_lines(); });
  started_ = true;
  return true;
}

void MqttSink::publish_lines() {
  std::vector<char> buf(1 << 16);
  std::string line;
  for (;;) {
    const ssize_t n = ::read(read_fd_, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    for (ssize_t i = 0; i < n; ++i) {
      if (buf[static_cast<size_t>(i)] != '\n') {
        line += buf[static_cast<size_t>(i)];
        continue;
      }
      const int rc = mosquitto_publish(handle(), nullptr, url().topic.c_str(), static_cast<int>(line.size()), line.data(), 1, false);
      // Not connected: libmosquitto keeps the message and sends it once the connection is back.
      if (rc == MOSQ_ERR_SUCCESS || rc == MOSQ_ERR_NO_CONN) ++published_;
      else if (publish_error_ == 0) publish_error_ = rc;
      line.clear();
    }
  }
  read_all_ = true;
}

void MqttSink::on_published(int) { ++acknowledged_; }

bool MqttSink::finish(int timeout_ms, std::string* error) {
  if (reader_.joinable()) reader_.join();
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (acknowledged_ < published_ && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  stopping_ = true;
  if (network_.joinable()) network_.join();
  if (publish_error_ != 0) {
    if (error) *error = "cannot publish to " + url().display_name() + ": " + mosquitto_strerror(publish_error_);
    return false;
  }
  if (acknowledged_ < published_) {
    if (error) *error = std::to_string(published_ - acknowledged_) + " of " + std::to_string(published_.load()) + " messages to " +
             url().display_name() + " were not acknowledged by the broker";
    return false;
  }
  return true;
}

}  // namespace vlac::rt
