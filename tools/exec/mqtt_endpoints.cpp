#include "exec/mqtt_endpoints.h"

#include <cstdio>
#include <filesystem>

namespace vlac {

std::string MqttEndpoints::session_id(const std::string& checkpoint_dir, const std::string& stream, const std::string& url) {
  std::error_code ec;
  const std::string dir = std::filesystem::absolute(checkpoint_dir, ec).lexically_normal().string();
  uint64_t h = 1469598103934665603ull;  // FNV-1a: the same in every build, unlike std::hash
  for (const std::string& part : {dir, stream, url}) {
    for (unsigned char c : part) h = (h ^ c) * 1099511628211ull;
    h = (h ^ 0xFF) * 1099511628211ull;  // a separator no path or name holds
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  return std::string("vlac-") + hex;
}

bool MqttEndpoints::open_input(const std::string& url, const PhysicalSource& source, std::FILE* messages,
                               const std::atomic<bool>* stop, InputFile* input, std::string* error,
                               const std::string& checkpoint_dir) {
  std::optional<rt::MqttUrl> u = rt::parse_mqtt_url(url, error);
  if (!u) {
    *error = "--input " + source.stream + "=" + url + ": " + *error;
    return false;
  }
  const std::string session = checkpoint_dir.empty() ? "" : session_id(checkpoint_dir, source.stream, url);
  auto s = std::make_unique<rt::MqttSource>(*u, source.column_names, messages, stop, session);
  if (!s->start(error)) return false;
  rt::MqttSource* src = s.get();
  input->display_name = u->display_name();
  input->file = src->input();
  input->format = u->csv ? rt::InputFormat::Csv : rt::InputFormat::Jsonl;
  input->live = true;
  input->read_to_end_after_stop = true;  // the source closes its pipe at the signal
  input->prefix = src->prefix();
  input->record_number = [src](uint64_t line) { return src->message_of_line(line); };
  sources_.push_back(std::move(s));
  return true;
}

std::FILE* MqttEndpoints::open_output(const std::string& url, std::FILE* messages, std::string* error) {
  std::optional<rt::MqttUrl> u = rt::parse_mqtt_url(url, error);
  if (!u) {
    *error = "--output " + url + ": " + *error;
    return nullptr;
  }
  if (u->csv) {
    *error = "--output " + url + ": an MQTT output publishes JSON objects (drop ?format=csv)";
    return nullptr;
  }
  auto s = std::make_unique<rt::MqttSink>(*u, messages);
  if (!s->start(error)) return nullptr;
  sinks_.push_back(std::move(s));
  return sinks_.back()->output();
}

bool MqttEndpoints::finish(std::string* error) {
  bool ok = true;
  for (auto& s : sinks_)
    if (!s->finish(30000, ok ? error : nullptr)) ok = false;
  return ok;
}

}  // namespace vlac
