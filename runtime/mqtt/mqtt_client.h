#pragma once
// One connection to an MQTT broker (libmosquitto, docs/decisions.md "Issue 17: MQTT"), shared by
// the MQTT source and sink: connecting, where an unreachable broker is an error naming it, and
// reporting a lost connection and the reconnection that follows (LANGUAGE.md §12: retried with
// backoff and reported, never fatal). Messages go to the run's message stream (stderr).

#include <atomic>
#include <cstdio>
#include <functional>
#include <string>
#include <thread>

#include "runtime/mqtt/mqtt_url.h"

struct mosquitto;

namespace vlac::rt {

class MqttClient {
 public:
  /// `what` names the client in messages (the source's or sink's display name). `session`: ""
  /// for a clean session under a client id of its own; else the client id of a persistent
  /// session, which the broker keeps while the client is away (queueing its QoS 1 messages).
  MqttClient(MqttUrl url, std::string what, std::FILE* messages, const std::string& session = "");
  virtual ~MqttClient();
  MqttClient(const MqttClient&) = delete;
  MqttClient& operator=(const MqttClient&) = delete;

  /// Connects and waits for the broker's answer (at most `timeout_ms`). False with *error
  /// (`cannot connect to mqtt://HOST:PORT: reason`) when the broker cannot be reached or refuses.
  bool connect(int timeout_ms, std::string* error);
  /// One round of the network on the caller's thread (at most ~50 ms): keeps the connection
  /// alive and, when it is lost, reports it and reconnects with exponential backoff (0.1 s
  /// doubling up to 5 s), reporting when it is back. The owner calls it in a loop.
  void step();
  mosquitto* handle() { return m_; }
  const MqttUrl& url() const { return url_; }
  const std::string& what() const { return what_; }
  bool connected() const { return connected_.load(); }
  /// Reconnections so far (for tests and --stats).
  uint64_t reconnections() const { return reconnections_.load(); }

  /// What the owner does when the broker accepts a connection (the first and every
  /// reconnection), e.g. subscribe: a clean session starts with no subscriptions.
  virtual void on_connected() {}
  virtual void on_message_received(const void* /*payload*/, int /*size*/) {}
  virtual void on_subscribed() {}
  virtual void on_published(int /*mid*/) {}

  /// Prints `vlac: WHAT: text` on the message stream.
  void report(const std::string& text) const;

 private:
  static void connect_callback(mosquitto*, void* self, int rc);
  static void disconnect_callback(mosquitto*, void* self, int rc);

  MqttUrl url_;
  std::string what_;
  std::FILE* messages_;
  mosquitto* m_ = nullptr;
  std::atomic<bool> connected_{false};
  int connack_ = -1;        // the broker's answer to the first connection; -1: none yet
  bool lost_ = false;       // a lost connection was reported and not yet restored
  int backoff_ms_ = 100;
  std::atomic<uint64_t> reconnections_{0};
};

/// Starts a thread that SIGINT and SIGTERM are never delivered to, so that they reach the
/// run's thread (whose blocked read they interrupt: runtime/io/stop_signals.h); nor SIGPIPE,
/// so that writing into a pipe whose reader is gone fails with EPIPE instead of ending vlac.
std::thread start_thread_without_stop_signals(std::function<void()> body);

}  // namespace vlac::rt
