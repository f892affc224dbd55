#include "runtime/mqtt/mqtt_client.h"

#include <mosquitto.h>
#include <pthread.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <mutex>

namespace vlac::rt {
namespace {

void init_library() {
  static std::once_flag once;
  std::call_once(once, [] { mosquitto_lib_init(); });
}

/// A client id of its own per connection: two runs on one broker must not take each other's.
std::string client_id() {
  static std::atomic<int> next{0};
  return "vlac-" + std::to_string(::getpid()) + "-" + std::to_string(next++);
}

std::string reason_of(int rc) {
  if (rc == MOSQ_ERR_ERRNO) return std::strerror(errno);
  return mosquitto_strerror(rc);
}

}  // namespace

MqttClient::MqttClient(MqttUrl url, std::string what, std::FILE* messages, const std::string& session)
    : url_(std::move(url)), what_(std::move(what)), messages_(messages) {
  init_library();
  m_ = session.empty() ? mosquitto_new(client_id().c_str(), /*clean_session=*/true, this)
                       : mosquitto_new(session.c_str(), /*clean_session=*/false, this);
  // Publishing happens on another thread than the network's (the sink): the library must lock.
  mosquitto_threaded_set(m_, true);
  mosquitto_connect_callback_set(m_, &MqttClient::connect_callback);
  mosquitto_disconnect_callback_set(m_, &MqttClient::disconnect_callback);
  mosquitto_message_callback_set(m_, [](mosquitto*, void* self, const mosquitto_message* msg) {
    static_cast<MqttClient*>(self)->on_message_received(msg->payload, msg->payloadlen);
  });
  mosquitto_subscribe_callback_set(m_, [](mosquitto*, void* self, int, int, const int*) {
    static_cast<MqttClient*>(self)->on_subscribed();
  });
  mosquitto_publish_callback_set(m_, [](mosquitto*, void* self, int mid) { static_cast<MqttClient*>(self)->on_published(mid); });
}

MqttClient::~MqttClient() {
  if (connected_) mosquitto_disconnect(m_);
  mosquitto_destroy(m_);
}

void MqttClient::report(const std::string& text) const {
  if (!messages_) return;
  const std::string line = "vlac: " + what_ + ": " + text + "\n";
  std::fwrite(line.data(), 1, line.size(), messages_);  // one write: never interleaved
}

void MqttClient::connect_callback(mosquitto*, void* self, int rc) {
  auto* c = static_cast<MqttClient*>(self);
  if (c->connack_ < 0) c->connack_ = rc;
  if (rc != 0) {
    if (c->connack_ >= 0 && c->lost_) c->report(std::string("the broker refused the connection: ") + mosquitto_connack_string(rc));
    return;
  }
  c->connected_ = true;
  c->on_connected();  // subscribes before "reconnected" is reported
  if (c->lost_) {
    c->lost_ = false;
    c->backoff_ms_ = 100;
    ++c->reconnections_;
    c->report("reconnected to " + c->url_.broker());
  }
}

void MqttClient::disconnect_callback(mosquitto*, void* self, int rc) {
  auto* c = static_cast<MqttClient*>(self);
  c->connected_ = false;
  if (rc != 0 && !c->lost_) {  // rc 0: our own disconnect
    c->lost_ = true;
    c->report("connection to " + c->url_.broker() + " lost (" + mosquitto_strerror(rc) + "); reconnecting");
  }
}

bool MqttClient::connect(int timeout_ms, std::string* error) {
  const int rc = mosquitto_connect(m_, url_.host.c_str(), url_.port, /*keepalive=*/30);
  if (rc != MOSQ_ERR_SUCCESS) {
    *error = "cannot connect to " + url_.broker() + ": " + reason_of(rc);
    return false;
  }
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (connack_ < 0 && std::chrono::steady_clock::now() < until) {
    if (int r = mosquitto_loop(m_, 50, 1); r != MOSQ_ERR_SUCCESS) {
      *error = "cannot connect to " + url_.broker() + ": " + reason_of(r);
      return false;
    }
  }
  if (connack_ != 0) {
    *error = "cannot connect to " + url_.broker() + ": " +
             (connack_ < 0 ? std::string("no answer from the broker") : std::string(mosquitto_connack_string(connack_)));
    return false;
  }
  return true;
}

void MqttClient::step() {
  if (!lost_ || connected_) {
    const int rc = mosquitto_loop(m_, 50, 1);
    if (rc == MOSQ_ERR_SUCCESS) return;
    connected_ = false;
    if (!lost_) {
      lost_ = true;
      report("connection to " + url_.broker() + " lost (" + reason_of(rc) + "); reconnecting");
    }
  }
  // Lost: wait the backoff, then try again.
  std::this_thread::sleep_for(std::chrono::milliseconds(backoff_ms_));
  backoff_ms_ = std::min(backoff_ms_ * 2, 5000);
  if (mosquitto_reconnect(m_) == MOSQ_ERR_SUCCESS) {
    // The CONNACK arrives in a later loop; connected_ is set by the callback.
    for (int i = 0; i < 20 && !connected_; ++i)
      if (mosquitto_loop(m_, 50, 1) != MOSQ_ERR_SUCCESS) break;
  }
}

std::thread start_thread_without_stop_signals(std::function<void()> body) {
  sigset_t block, old;
  sigemptyset(&block);
  sigaddset(&block, SIGINT);
  sigaddset(&block, SIGTERM);
  sigaddset(&block, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &block, &old);  // the new thread inherits the mask
  std::thread t(std::move(body));
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  return t;
}

}  // namespace vlac::rt
