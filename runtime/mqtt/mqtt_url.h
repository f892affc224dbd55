#pragma once
// `mqtt://HOST[:PORT]/TOPIC[?OPTION&...]`, the address of an MQTT source or sink (LANGUAGE.md
// §12). The topic is everything after the first '/' up to a '?': it may hold the wildcards `+`
// and `#` (a '#' is part of the topic here, not a URL fragment). Options: `format=csv|jsonl`
// (LANGUAGE.md), and `count=N`, a source that ends after N messages, as a file ends (as Flink's
// bounded Kafka source: a recording of N messages, and tests that need a definite end).

#include <optional>
#include <string>
#include <string_view>

namespace vlac::rt {

struct MqttUrl {
  std::string host;
  int port = 1883;
  std::string topic;
  bool csv = false;  // ?format=csv: each message is one CSV record in the declared column order
  uint64_t count = 0;  // ?count=N: a source ends after N messages; 0: never (until a signal)

  /// What messages name it: `mqtt://HOST/TOPIC` (rejects add `#N`, the message's number).
  std::string display_name() const { return "mqtt://" + host + "/" + topic; }
  /// `mqtt://HOST:PORT`, for connection errors.
  std::string broker() const { return "mqtt://" + host + ":" + std::to_string(port); }
};

/// True when `path` (an --input or --output value) is an MQTT address.
inline bool is_mqtt_url(std::string_view path) { return path.substr(0, 7) == "mqtt://"; }

/// Parses an MQTT address; nullopt with *error (a reason) when it is malformed: no host, a port
/// that is not 1..65535, no topic, an unknown option (`format=` takes csv or jsonl, `count=` a
/// number of at least 1).
std::optional<MqttUrl> parse_mqtt_url(std::string_view url, std::string* error);

}  // namespace vlac::rt
