#include "bench/flat_json.h"

#include <nlohmann/json.hpp>

namespace ticketlog::bench {
namespace {

using nlohmann::json;

std::string Text(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

// The JSON value of `text`, or nullopt when it is not JSON.
std::optional<json> Parse(std::string_view text) {
  json value = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return std::nullopt;
  return value;
}

}  // namespace

std::string JsonQuote(std::string_view text) { return Text(json(text)); }

std::string EncodeStringArray(const std::vector<std::string>& items) {
  return Text(json(items));
}

std::optional<std::vector<std::string>> DecodeStringArray(
    std::string_view text) {
  auto value = Parse(text);
  if (!value || !value->is_array()) return std::nullopt;
  std::vector<std::string> out;
  for (const json& item : *value) {
    if (!item.is_string()) return std::nullopt;
    out.push_back(item.get<std::string>());
  }
  return out;
}

std::string EncodeAttributes(const Attributes& attributes) {
  json out = json::object();
  for (const auto& [key, value] : attributes) {
    json& member = out[key];
    std::visit([&member](const auto& v) { member = v; }, value);
  }
  return Text(out);
}

std::optional<Attributes> DecodeAttributes(std::string_view text) {
  auto value = Parse(text);
  if (!value || !value->is_object()) return std::nullopt;
  Attributes out;
  for (const auto& [key, v] : value->items()) {
    if (v.is_string()) {
      out[key] = v.get<std::string>();
    } else if (v.is_number()) {
      out[key] = v.get<double>();
    } else if (v.is_boolean()) {
      out[key] = v.get<bool>();
    } else {
      return std::nullopt;
    }
  }
  return out;
}

std::string EncodeDurations(const std::map<std::string, int64_t>& durations) {
  return Text(json(durations));
}

std::optional<std::map<std::string, int64_t>> DecodeDurations(
    std::string_view text) {
  auto value = Parse(text);
  if (!value || !value->is_object()) return std::nullopt;
  std::map<std::string, int64_t> out;
  for (const auto& [key, v] : value->items()) {
    if (!v.is_number_integer()) return std::nullopt;
    out[key] = v.get<int64_t>();
  }
  return out;
}

std::string EncodeObject(
    const std::vector<std::pair<std::string, SqlValue>>& fields) {
  // ordered_json keeps the fields in the given order.
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const auto& [key, value] : fields) {
    if (const auto* n = std::get_if<int64_t>(&value)) {
      out[key] = *n;
    } else if (const auto* s = std::get_if<std::string>(&value)) {
      out[key] = *s;
    } else {
      out[key] = nullptr;
    }
  }
  return out.dump(-1, ' ', false,
                  nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace ticketlog::bench
