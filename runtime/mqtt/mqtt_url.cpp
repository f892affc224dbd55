#include "runtime/mqtt/mqtt_url.h"

#include <charconv>

namespace vlac::rt {

std::optional<MqttUrl> parse_mqtt_url(std::string_view url, std::string* error) {
  if (!is_mqtt_url(url)) {
    *error = "an MQTT address starts with mqtt://";
    return std::nullopt;
  }
  std::string_view rest = url.substr(7);
  std::string_view query;
  if (size_t q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  const size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  MqttUrl u;
  if (slash == std::string_view::npos || slash + 1 == rest.size()) {
    *error = "no topic: write mqtt://HOST[:PORT]/TOPIC";
    return std::nullopt;
  }
  u.topic = std::string(rest.substr(slash + 1));
  if (size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    std::string_view port = authority.substr(colon + 1);
    int p = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
    if (ec != std::errc() || end != port.data() + port.size() || p < 1 || p > 65535) {
      *error = "the port '" + std::string(port) + "' is not a number from 1 to 65535";
      return std::nullopt;
    }
    u.port = p;
    authority = authority.substr(0, colon);
  }
  if (authority.empty()) {
    *error = "no host: write mqtt://HOST[:PORT]/TOPIC";
    return std::nullopt;
  }
  u.host = std::string(authority);
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view option = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (option == "format=csv") {
      u.csv = true;
    } else if (option == "format=jsonl" || option == "format=json") {
      u.csv = false;
    } else if (option.substr(0, 6) == "count=") {
      const std::string_view n = option.substr(6);
      auto [end, ec] = std::from_chars(n.data(), n.data() + n.size(), u.count);
      if (ec != std::errc() || end != n.data() + n.size() || u.count == 0) {
        *error = "count= takes a number of messages of at least 1, not '" + std::string(n) + "'";
        return std::nullopt;
      }
    } else {
      *error = "unknown option '" + std::string(option) + "' (there are format=csv, format=jsonl and count=N)";
      return std::nullopt;
    }
  }
  return u;
}

}  // namespace vlac::rt
