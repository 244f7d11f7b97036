// ObjectReader: typed, strict access to the fields of one JSON object of an
// `apply` command line. Each getter checks the field's JSON type and converts
// it to the engine's value type; the first mistake is kept and reported as
// invalid_argument naming the field by its full path ("customer.email",
// "message.attachments[0].size"). Fields are optional: an absent or null
// field leaves the output untouched. Keys nobody asked for are reported by
// CheckNoUnknownFields(), so that a misspelt field ("expected_verison") is
// refused instead of silently ignored.
//
// Thread-compatible; the reader refers to the object it reads.
#ifndef TICKETLOG_CLI_JSON_READER_H_
#define TICKETLOG_CLI_JSON_READER_H_

#include <cstdint>
#include <initializer_list>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "ticketlog/commands.h"
#include "ticketlog/status.h"
#include "ticketlog/types.h"

namespace ticketlog::cli {

// The largest integer the tool accepts for a count or version: 2^63 - 1, so
// that every accepted value is also a valid signed 64-bit integer for
// clients in other languages.
inline constexpr uint64_t kMaxJsonInteger = 0x7fffffffffffffffULL;

// How a key taken from the client's text is named in an error message: as
// itself when it looks like a field name (letters, digits, '_', '-', '.'),
// otherwise as a JSON string literal cut to 64 bytes, so that a key such as
// "" or ": x" still reads as one field ahead of the message's ": ".
std::string ShownKey(std::string_view key);

class ObjectReader {
 public:
  // `object` must outlive the reader. `path` prefixes field names in errors:
  // "" for a command, "customer." for its customer.
  ObjectReader(const nlohmann::json& object, std::string path);

  // The first error found so far (OK when none).
  const Status& status() const { return status_; }
  bool ok() const { return status_.ok(); }

  // Marks `key` as known and returns its value, or nullptr when it is absent
  // or null.
  const nlohmann::json* Find(std::string_view key);

  void String(std::string_view key, std::string& out);
  void OptionalString(std::string_view key, std::optional<std::string>& out);
  // Like String, but an absent field is an error.
  void RequiredString(std::string_view key, std::string& out);
  void Bool(std::string_view key, bool& out);
  // A non-negative integer no larger than kMaxJsonInteger.
  void UInt(std::string_view key, std::optional<uint64_t>& out);
  void StringList(std::string_view key, std::vector<std::string>& out);
  void OptionalStringList(std::string_view key,
                          std::optional<std::vector<std::string>>& out);
  // An ISO-8601 time string.
  void Time(std::string_view key, std::optional<TimeUs>& out);
  void Channel(std::string_view key, ticketlog::Channel& out);
  void OptionalChannel(std::string_view key,
                       std::optional<ticketlog::Channel>& out);
  void Priority(std::string_view key, ticketlog::Priority& out);
  void OptionalPriority(std::string_view key,
                        std::optional<ticketlog::Priority>& out);
  // "operator" or "customer".
  void Author(std::string_view key, ActorKind& out);
  void Customer(std::string_view key, ticketlog::Customer& out);
  // [{name, content_type, size, sha256}, ...]
  void Attachments(std::string_view key, std::vector<Attachment>& out);
  // {key: string | number | bool}
  void Attributes(std::string_view key, ticketlog::Attributes& out);
  // Like Attributes, but a null value asks to remove the key.
  void AttributeChanges(
      std::string_view key,
      std::map<std::string, std::optional<AttributeValue>>& out);
  // A string (an incoming message) or {content, kind, private, attachments}.
  void Message(std::string_view key, std::optional<OpeningMessage>& out);
  // The text of a reply, comment or finish, given under exactly one of
  // `keys` (e.g. "content" or "message"); an absent text is left empty for
  // the engine to refuse.
  void Text(std::initializer_list<std::string_view> keys, std::string& out);

  // Records invalid_argument for the first key no getter asked for.
  // `context` completes the message, e.g. "for op reply".
  void CheckNoUnknownFields(std::string_view context);

  // The keys the getters asked for so far, present or not: on an empty
  // object, the fields a parser reads.
  const std::set<std::string, std::less<>>& known() const { return known_; }

  // Records `why` about `key` unless an error is already recorded.
  void Fail(std::string_view key, std::string_view why);

 private:
  std::string Path(std::string_view key) const;
  // Copies the first error of a nested reader.
  void Adopt(const ObjectReader& nested);
  std::optional<AttributeValue> AttributeValueOf(const std::string& field,
                                                 const nlohmann::json& value);

  const nlohmann::json& object_;
  std::string path_;
  std::set<std::string, std::less<>> known_;
  Status status_;
};

}  // namespace ticketlog::cli

#endif  // TICKETLOG_CLI_JSON_READER_H_
