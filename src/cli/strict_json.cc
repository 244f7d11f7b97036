#include "cli/strict_json.h"

#include <string>
#include <utility>
#include <vector>

#include "cli/json_reader.h"

namespace ticketlog::cli {
namespace {

using nlohmann::json;

// Builds the DOM from nlohmann's SAX events, as json::parse does, and knows
// at every event which field it is in. Stops at the first duplicate key or
// syntax error and keeps it as status().
class StrictBuilder final : public nlohmann::json_sax<json> {
 public:
  bool null() override { return Value(nullptr); }
  bool boolean(bool value) override { return Value(value); }
  bool number_integer(number_integer_t value) override { return Value(value); }
  bool number_unsigned(number_unsigned_t value) override {
    return Value(value);
  }
  bool number_float(number_float_t value, const string_t&) override {
    return Value(value);
  }
  bool string(string_t& value) override { return Value(std::move(value)); }
  // Only binary formats produce these; JSON text never does.
  bool binary(binary_t& value) override {
    return Value(json::binary(std::move(value)));
  }
  bool start_object(std::size_t) override { return Open(json::object()); }
  bool start_array(std::size_t) override { return Open(json::array()); }
  bool end_object() override { return Close(); }
  bool end_array() override { return Close(); }

  bool key(string_t& key) override {
    // Every earlier key's value is in the object already: containers are
    // inserted when they open.
    if (open_.back().node->contains(key)) {
      status_ = Status::InvalidArgument(Shown(KeyPath(key)), "duplicate field");
      return false;
    }
    key_ = std::move(key);
    has_key_ = true;
    return true;
  }

  bool parse_error(std::size_t, const std::string&,
                   const nlohmann::detail::exception& ex) override {
    // nlohmann's message without its "[json.exception.parse_error.101] "
    // tag, cut short: its "last read" part can quote a multi-megabyte token.
    std::string text = ex.what();
    if (size_t tag_end = text.find("] "); tag_end != std::string::npos) {
      text.erase(0, tag_end + 2);
    }
    constexpr size_t kMaxMessageBytes = 200;
    if (text.size() > kMaxMessageBytes) {
      text.resize(kMaxMessageBytes);
      text += "...";
    }
    std::string path = open_.empty() ? ""
                       : has_key_    ? KeyPath(key_)
                                     : open_.back().path;
    status_ = Status::InvalidArgument(Shown(path), "not valid JSON: " + text);
    return false;
  }

  // The error that stopped the parse; OK when none did.
  const Status& status() const { return status_; }
  json& root() { return root_; }

 private:
  // An array or object being filled, and its path ("" for the top level).
  struct Container {
    json* node;
    std::string path;
  };

  // The path of `key` in the innermost open object.
  std::string KeyPath(const std::string& key) const {
    const std::string& parent = open_.back().path;
    return parent.empty() ? ShownKey(key) : parent + "." + ShownKey(key);
  }

  // What an error names: "line" outside any field and throughout a line
  // that is not an object (it is refused as a whole anyway).
  std::string Shown(std::string path) const {
    if (path.empty() || !root_.is_object()) return "line";
    return path;
  }

  // Stores a value where the parser is: at the top, at the end of the
  // innermost array, or under the pending key of the innermost object.
  // Returns where it went; the address stays valid until the parent array
  // grows, which does not happen while this value is the one being filled.
  json* Put(json value) {
    if (open_.empty()) {
      root_ = std::move(value);
      return &root_;
    }
    json& parent = *open_.back().node;
    if (parent.is_array()) {
      parent.push_back(std::move(value));
      return &parent.back();
    }
    json& slot = parent[key_];
    slot = std::move(value);
    has_key_ = false;
    return &slot;
  }

  bool Value(json value) {
    Put(std::move(value));
    return true;
  }

  bool Open(json container) {
    std::string path;
    if (!open_.empty()) {
      const Container& parent = open_.back();
      path = parent.node->is_array()
                 ? parent.path + "[" + std::to_string(parent.node->size()) + "]"
                 : KeyPath(key_);
    }
    json* node = Put(std::move(container));
    open_.push_back({node, std::move(path)});
    return true;
  }

  bool Close() {
    open_.pop_back();
    return true;
  }

  json root_;
  std::vector<Container> open_;
  std::string key_;  // the key whose value comes next, when has_key_
  bool has_key_ = false;
  Status status_;
};

}  // namespace

StatusOr<json> ParseStrictJson(std::string_view text) {
  StrictBuilder builder;
  if (!json::sax_parse(text.begin(), text.end(), &builder)) {
    if (builder.status().ok()) {
      return Status::InvalidArgument("line", "not valid JSON");
    }
    return builder.status();
  }
  return std::move(builder.root());
}

}  // namespace ticketlog::cli
