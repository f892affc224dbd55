#include "exec/mqtt_endpoints.h"

namespace vlac {

bool MqttEndpoints::open_input(const std::string& url, const PhysicalSource& source, std::FILE* messages,
                               const std::atomic<bool>* stop, InputFile* input, std::string* error) {
  std::optional<rt::MqttUrl> u = rt::parse_mqtt_url(url, error);
  if (!u) {
    *error = "--input " + source.stream + "=" + url + ": " + *error;
    return false;
  }
  auto s = std::make_unique<rt::MqttSource>(*u, source.column_names, messages, stop);
  if (!s->start(error)) return false;
  rt::MqttSource* src = s.get();
  input->display_name = u->display_name();
  input->file = src->input();
  input->format = u->csv ? rt::InputFormat::Csv : rt::InputFormat::Jsonl;
  input->live = true;
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
