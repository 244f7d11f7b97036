#include "cli/json_reader.h"

#include <cmath>
#include <utility>

#include "base/text.h"

namespace ticketlog::cli {
namespace {

using nlohmann::json;

std::string IndexedPath(const std::string& field, size_t index) {
  return field + "[" + std::to_string(index) + "]";
}

// Converts a JSON number to an integer in [0, kMaxJsonInteger]. JSON does not
// distinguish 3 from 3.0, so an integral float is accepted too.
std::optional<uint64_t> NonNegativeInteger(const json& value) {
  if (value.is_number_unsigned()) {
    auto v = value.get<uint64_t>();
    if (v <= kMaxJsonInteger) return v;
    return std::nullopt;
  }
  if (value.is_number_integer()) {
    auto v = value.get<int64_t>();
    if (v >= 0) return static_cast<uint64_t>(v);
    return std::nullopt;
  }
  if (value.is_number_float()) {
    double v = value.get<double>();
    // 2^63 is the first double past kMaxJsonInteger.
    if (std::isfinite(v) && v >= 0 && v < 9223372036854775808.0 &&
        std::floor(v) == v) {
      return static_cast<uint64_t>(v);
    }
  }
  return std::nullopt;
}

}  // namespace

std::string ShownKey(std::string_view key) {
  constexpr size_t kMaxShownBytes = 64;
  bool plain = !key.empty() && key.size() <= kMaxShownBytes;
  for (char c : key) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
    if (!ok) plain = false;
  }
  if (plain) return std::string(key);
  // Cut before escaping, at a character boundary, so the literal stays
  // valid UTF-8 (invalid bytes were refused by the JSON parser already).
  size_t cut = key.size() <= kMaxShownBytes ? key.size() : kMaxShownBytes;
  while (cut > 0 && cut < key.size() &&
         (static_cast<unsigned char>(key[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  std::string shown =
      nlohmann::json(std::string(key.substr(0, cut)))
          .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (cut < key.size()) shown += "...";
  return shown;
}

ObjectReader::ObjectReader(const json& object, std::string path)
    : object_(object), path_(std::move(path)) {}

std::string ObjectReader::Path(std::string_view key) const {
  return path_ + std::string(key);
}

void ObjectReader::Fail(std::string_view key, std::string_view why) {
  if (status_.ok()) status_ = Status::InvalidArgument(Path(key), why);
}

void ObjectReader::Adopt(const ObjectReader& nested) {
  if (status_.ok() && !nested.ok()) status_ = nested.status();
}

const json* ObjectReader::Find(std::string_view key) {
  known_.emplace(key);
  auto it = object_.find(key);
  if (it == object_.end() || it->is_null()) return nullptr;
  return &*it;
}

void ObjectReader::String(std::string_view key, std::string& out) {
  const json* value = Find(key);
  if (value == nullptr) return;
  if (!value->is_string()) return Fail(key, "must be a string");
  out = value->get<std::string>();
}

void ObjectReader::OptionalString(std::string_view key,
                                  std::optional<std::string>& out) {
  const json* value = Find(key);
  if (value == nullptr) return;
  if (!value->is_string()) return Fail(key, "must be a string");
  out = value->get<std::string>();
}

void ObjectReader::RequiredString(std::string_view key, std::string& out) {
  if (Find(key) == nullptr) return Fail(key, "is required");
  String(key, out);
}

void ObjectReader::Bool(std::string_view key, bool& out) {
  const json* value = Find(key);
  if (value == nullptr) return;
  if (!value->is_boolean()) return Fail(key, "must be true or false");
  out = value->get<bool>();
}

void ObjectReader::UInt(std::string_view key, std::optional<uint64_t>& out) {
  const json* value = Find(key);
  if (value == nullptr) return;
  if (!value->is_number()) return Fail(key, "must be a non-negative integer");
  auto v = NonNegativeInteger(*value);
  if (!v) {
    return Fail(
        key, "must be an integer from 0 to " + std::to_string(kMaxJsonInteger));
  }
  out = *v;
}

void ObjectReader::StringList(std::string_view key,
                              std::vector<std::string>& out) {
  std::optional<std::vector<std::string>> list;
  OptionalStringList(key, list);
  if (list) out = std::move(*list);
}

void ObjectReader::OptionalStringList(
    std::string_view key, std::optional<std::vector<std::string>>& out) {
  const json* value = Find(key);
  if (value == nullptr) return;
  if (!value->is_array()) return Fail(key, "must be an array of strings");
  std::vector<std::string> list;
  for (size_t i = 0; i < value->size(); ++i) {
    const json& item = (*value)[i];
    if (!item.is_string()) {
      return Fail(IndexedPath(std::string(key), i), "must be a string");
    }
    list.push_back(item.get<std::string>());
  }
  out = std::move(list);
}

void ObjectReader::Time(std::string_view key, std::optional<TimeUs>& out) {
  const json* value = Find(key);
  if (value == nullptr) return;
  if (!value->is_string()) return Fail(key, "must be an ISO-8601 time string");
  auto at = base::ParseTime(value->get_ref<const std::string&>());
  if (!at) {
    return Fail(key, "must be an ISO-8601 time such as 2024-03-01T12:30:00Z");
  }
  out = *at;
}

void ObjectReader::Channel(std::string_view key, ticketlog::Channel& out) {
  std::optional<ticketlog::Channel> channel;
  OptionalChannel(key, channel);
  if (channel) out = *channel;
}

void ObjectReader::OptionalChannel(std::string_view key,
                                   std::optional<ticketlog::Channel>& out) {
  std::optional<std::string> name;
  OptionalString(key, name);
  if (!name) return;
  out = ParseChannel(*name);
  if (!out) {
    Fail(key, "must be one of api, email, chat, phone, web, whatsapp, agent");
  }
}

void ObjectReader::Priority(std::string_view key, ticketlog::Priority& out) {
  std::optional<ticketlog::Priority> priority;
  OptionalPriority(key, priority);
  if (priority) out = *priority;
}

void ObjectReader::OptionalPriority(std::string_view key,
                                    std::optional<ticketlog::Priority>& out) {
  std::optional<std::string> name;
  OptionalString(key, name);
  if (!name) return;
  out = ParsePriority(*name);
  if (!out) Fail(key, "must be one of low, normal, high, urgent");
}

void ObjectReader::Author(std::string_view key, ActorKind& out) {
  std::optional<std::string> name;
  OptionalString(key, name);
  if (!name) return;
  if (*name == "operator") {
    out = ActorKind::kOperator;
  } else if (*name == "customer") {
    out = ActorKind::kCustomer;
  } else {
    Fail(key, "must be operator or customer");
  }
}

void ObjectReader::Customer(std::string_view key, ticketlog::Customer& out) {
  const json* value = Find(key);
  if (value == nullptr) return;
  if (!value->is_object()) {
    return Fail(key, "must be an object {id, email, phone, name}");
  }
  ObjectReader nested(*value, Path(key) + ".");
  nested.String("id", out.id);
  nested.String("email", out.email);
  nested.String("phone", out.phone);
  nested.String("name", out.name);
  nested.CheckNoUnknownFields("of a customer");
  Adopt(nested);
}

void ObjectReader::Attachments(std::string_view key,
                               std::vector<Attachment>& out) {
  const json* value = Find(key);
  if (value == nullptr) return;
  if (!value->is_array()) return Fail(key, "must be an array of objects");
  std::vector<Attachment> list;
  for (size_t i = 0; i < value->size() && ok(); ++i) {
    const json& item = (*value)[i];
    std::string field = IndexedPath(Path(key), i);
    if (!item.is_object()) {
      status_ = Status::InvalidArgument(
          field, "must be an object {name, content_type, size, sha256}");
      return;
    }
    ObjectReader nested(item, field + ".");
    Attachment attachment;
    std::optional<uint64_t> size;
    nested.String("name", attachment.name);
    nested.String("content_type", attachment.content_type);
    nested.UInt("size", size);
    nested.String("sha256", attachment.sha256);
    nested.CheckNoUnknownFields("of an attachment");
    Adopt(nested);
    attachment.size_bytes = size.value_or(0);
    list.push_back(std::move(attachment));
  }
  if (ok()) out = std::move(list);
}

std::optional<AttributeValue> ObjectReader::AttributeValueOf(
    const std::string& field, const json& value) {
  if (value.is_string()) return AttributeValue(value.get<std::string>());
  if (value.is_boolean()) return AttributeValue(value.get<bool>());
  if (value.is_number()) return AttributeValue(value.get<double>());
  if (status_.ok()) {
    status_ =
        Status::InvalidArgument(field, "must be a string, number or bool");
  }
  return std::nullopt;
}

void ObjectReader::Attributes(std::string_view key,
                              ticketlog::Attributes& out) {
  const json* value = Find(key);
  if (value == nullptr) return;
  if (!value->is_object()) return Fail(key, "must be an object");
  ticketlog::Attributes attributes;
  for (const auto& [name, item] : value->items()) {
    auto v = AttributeValueOf(Path(key) + "." + ShownKey(name), item);
    if (!v) return;
    attributes.emplace(name, std::move(*v));
  }
  out = std::move(attributes);
}

void ObjectReader::AttributeChanges(
    std::string_view key,
    std::map<std::string, std::optional<AttributeValue>>& out) {
  const json* value = Find(key);
  if (value == nullptr) return;
  if (!value->is_object()) return Fail(key, "must be an object");
  std::map<std::string, std::optional<AttributeValue>> changes;
  for (const auto& [name, item] : value->items()) {
    if (item.is_null()) {
      changes.emplace(name, std::nullopt);
      continue;
    }
    auto v = AttributeValueOf(Path(key) + "." + ShownKey(name), item);
    if (!v) return;
    changes.emplace(name, std::move(*v));
  }
  out = std::move(changes);
}

void ObjectReader::Message(std::string_view key,
                           std::optional<OpeningMessage>& out) {
  const json* value = Find(key);
  if (value == nullptr) return;
  OpeningMessage message;
  if (value->is_string()) {
    message.content = value->get<std::string>();
    out = std::move(message);
    return;
  }
  if (!value->is_object()) {
    return Fail(key,
                "must be a string or an object {content, kind, private, "
                "attachments}");
  }
  ObjectReader nested(*value, Path(key) + ".");
  nested.String("content", message.content);
  std::optional<std::string> kind;
  nested.OptionalString("kind", kind);
  if (kind) {
    auto parsed = ParseMessageKind(*kind);
    if (!parsed || *parsed == MessageKind::kNote) {
      nested.Fail("kind", "must be incoming, outgoing or activity");
    } else {
      message.kind = *parsed;
    }
  }
  nested.Bool("private", message.is_private);
  nested.Attachments("attachments", message.attachments);
  nested.CheckNoUnknownFields("of a message");
  Adopt(nested);
  if (ok()) out = std::move(message);
}

void ObjectReader::Text(std::initializer_list<std::string_view> keys,
                        std::string& out) {
  std::string_view given;
  for (std::string_view key : keys) {
    const json* value = Find(key);
    if (value == nullptr) continue;
    if (!given.empty()) {
      return Fail(key, "give the text once, as " + std::string(given) +
                           " or as " + std::string(key));
    }
    given = key;
    String(key, out);
  }
}

void ObjectReader::CheckNoUnknownFields(std::string_view context) {
  if (!ok() || !object_.is_object()) return;
  for (const auto& [key, value] : object_.items()) {
    if (known_.count(key) == 0) {
      Fail(ShownKey(key), "unknown field " + std::string(context));
      return;
    }
  }
}

}  // namespace ticketlog::cli
