#include "bench/flat_json.h"

#include <cctype>
#include <charconv>
#include <cstdio>
#include <cstdlib>

namespace ticketlog::bench {
namespace {

// A scalar read from JSON text.
struct Scalar {
  enum class Kind { kNull, kBool, kNumber, kString } kind = Kind::kNull;
  bool boolean = false;
  double number = 0;
  bool integral = false;
  int64_t integer = 0;
  std::string text;
};

// A cursor over flat JSON: strings, numbers, true/false/null, and one level
// of array or object around them.
class Reader {
 public:
  explicit Reader(std::string_view json) : s_(json) {}

  bool Consume(char c) {
    SkipSpace();
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool AtEnd() {
    SkipSpace();
    return pos_ == s_.size();
  }

  bool String(std::string& out) {
    SkipSpace();
    if (pos_ >= s_.size() || s_[pos_] != '"') return false;
    ++pos_;
    out.clear();
    while (pos_ < s_.size()) {
      char c = s_[pos_++];
      if (c == '"') return true;
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      if (pos_ >= s_.size()) return false;
      char e = s_[pos_++];
      switch (e) {
        case '"':
          out.push_back('"');
          break;
        case '\\':
          out.push_back('\\');
          break;
        case '/':
          out.push_back('/');
          break;
        case 'b':
          out.push_back('\b');
          break;
        case 'f':
          out.push_back('\f');
          break;
        case 'n':
          out.push_back('\n');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'u': {
          if (pos_ + 4 > s_.size()) return false;
          unsigned code = 0;
          auto [end, ec] =
              std::from_chars(s_.data() + pos_, s_.data() + pos_ + 4, code, 16);
          if (ec != std::errc() || end != s_.data() + pos_ + 4) return false;
          pos_ += 4;
          // The encoder escapes control characters only: one byte each.
          if (code > 0x7f) return false;
          out.push_back(static_cast<char>(code));
          break;
        }
        default:
          return false;
      }
    }
    return false;
  }

  bool Value(Scalar& out) {
    SkipSpace();
    if (pos_ >= s_.size()) return false;
    char c = s_[pos_];
    if (c == '"') {
      out.kind = Scalar::Kind::kString;
      return String(out.text);
    }
    if (Literal("true")) {
      out.kind = Scalar::Kind::kBool;
      out.boolean = true;
      return true;
    }
    if (Literal("false")) {
      out.kind = Scalar::Kind::kBool;
      out.boolean = false;
      return true;
    }
    if (Literal("null")) {
      out.kind = Scalar::Kind::kNull;
      return true;
    }
    size_t start = pos_;
    while (pos_ < s_.size() &&
           (std::isdigit(static_cast<unsigned char>(s_[pos_])) ||
            s_[pos_] == '-' || s_[pos_] == '+' || s_[pos_] == '.' ||
            s_[pos_] == 'e' || s_[pos_] == 'E')) {
      ++pos_;
    }
    if (start == pos_) return false;
    std::string number(s_.substr(start, pos_ - start));
    out.kind = Scalar::Kind::kNumber;
    char* end = nullptr;
    out.number = std::strtod(number.c_str(), &end);
    if (end != number.c_str() + number.size()) return false;
    auto [iend, ec] = std::from_chars(
        number.data(), number.data() + number.size(), out.integer);
    out.integral = ec == std::errc() && iend == number.data() + number.size();
    return true;
  }

 private:
  void SkipSpace() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\n' ||
                                s_[pos_] == '\t' || s_[pos_] == '\r')) {
      ++pos_;
    }
  }
  bool Literal(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  std::string_view s_;
  size_t pos_ = 0;
};

// Calls fn(key, scalar) for each member of a flat object.
template <typename Fn>
bool ReadObject(std::string_view json, Fn fn) {
  Reader r(json);
  if (!r.Consume('{')) return false;
  if (r.Consume('}')) return r.AtEnd();
  std::string key;
  Scalar value;
  do {
    if (!r.String(key) || !r.Consume(':') || !r.Value(value)) return false;
    if (!fn(key, value)) return false;
  } while (r.Consume(','));
  return r.Consume('}') && r.AtEnd();
}

std::string Number(double v) {
  char buf[32];
  // %.17g round-trips every double.
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

}  // namespace

std::string JsonQuote(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out.push_back('"');
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
  return out;
}

std::string EncodeStringArray(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += JsonQuote(items[i]);
  }
  out.push_back(']');
  return out;
}

std::optional<std::vector<std::string>> DecodeStringArray(
    std::string_view json) {
  Reader r(json);
  std::vector<std::string> out;
  if (!r.Consume('[')) return std::nullopt;
  if (r.Consume(']')) return r.AtEnd() ? std::optional(out) : std::nullopt;
  std::string item;
  do {
    if (!r.String(item)) return std::nullopt;
    out.push_back(item);
  } while (r.Consume(','));
  if (!r.Consume(']') || !r.AtEnd()) return std::nullopt;
  return out;
}

std::string EncodeAttributes(const Attributes& attributes) {
  std::string out = "{";
  bool first = true;
  for (const auto& [key, value] : attributes) {
    if (!first) out.push_back(',');
    first = false;
    out += JsonQuote(key);
    out.push_back(':');
    if (const auto* s = std::get_if<std::string>(&value)) {
      out += JsonQuote(*s);
    } else if (const auto* d = std::get_if<double>(&value)) {
      out += Number(*d);
    } else {
      out += std::get<bool>(value) ? "true" : "false";
    }
  }
  out.push_back('}');
  return out;
}

std::optional<Attributes> DecodeAttributes(std::string_view json) {
  Attributes out;
  bool ok = ReadObject(json, [&](const std::string& key, const Scalar& v) {
    switch (v.kind) {
      case Scalar::Kind::kString:
        out[key] = v.text;
        return true;
      case Scalar::Kind::kNumber:
        out[key] = v.number;
        return true;
      case Scalar::Kind::kBool:
        out[key] = v.boolean;
        return true;
      default:
        return false;
    }
  });
  if (!ok) return std::nullopt;
  return out;
}

std::string EncodeDurations(const std::map<std::string, int64_t>& durations) {
  std::string out = "{";
  bool first = true;
  for (const auto& [key, value] : durations) {
    if (!first) out.push_back(',');
    first = false;
    out += JsonQuote(key) + ":" + std::to_string(value);
  }
  out.push_back('}');
  return out;
}

std::optional<std::map<std::string, int64_t>> DecodeDurations(
    std::string_view json) {
  std::map<std::string, int64_t> out;
  bool ok = ReadObject(json, [&](const std::string& key, const Scalar& v) {
    if (v.kind != Scalar::Kind::kNumber || !v.integral) return false;
    out[key] = v.integer;
    return true;
  });
  if (!ok) return std::nullopt;
  return out;
}

std::string EncodeObject(
    const std::vector<std::pair<std::string, SqlValue>>& fields) {
  std::string out = "{";
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += JsonQuote(fields[i].first);
    out.push_back(':');
    const SqlValue& v = fields[i].second;
    if (const auto* n = std::get_if<int64_t>(&v)) {
      out += std::to_string(*n);
    } else if (const auto* s = std::get_if<std::string>(&v)) {
      out += JsonQuote(*s);
    } else {
      out += "null";
    }
  }
  out.push_back('}');
  return out;
}

}  // namespace ticketlog::bench
