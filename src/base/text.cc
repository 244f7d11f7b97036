#include "base/text.h"

#include <date/date.h>

#include <boost/uuid/random_generator.hpp>
#include <boost/uuid/string_generator.hpp>
#include <boost/uuid/uuid.hpp>
#include <boost/uuid/uuid_io.hpp>
#include <chrono>
#include <cstdio>
#include <locale>
#include <sstream>
#include <stdexcept>

namespace ticketlog::base {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

constexpr int64_t kUsPerSecond = 1'000'000;
constexpr int kDaysPer400Years = 146'097;
// The first and last days of the years date::year holds.
constexpr date::sys_days kFirstDateDay = date::year::min() / date::January / 1;
constexpr date::sys_days kLastDateDay = date::year::max() / date::December / 31;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// The shape of a time's text, read ahead of date::parse, which is looser than
// the ISO-8601 forms ParseTime takes: it reads 1 to N digits where the format
// has a field N wide ("2024-3-1", "T1:00"), a sign before the year ("+2024"),
// any run of white space or none for a space in the format, an empty
// fraction ("00."), and "+05" or "05" as a %z offset. The shape also picks
// the format date::parse is given.
class Shape {
 public:
  explicit Shape(std::string_view text) : text_(text) {}

  // Consumes `pattern` when the text goes on with it: '#' stands for any
  // digit, every other character for itself.
  bool Take(std::string_view pattern) {
    if (text_.size() - pos_ < pattern.size()) return false;
    for (size_t i = 0; i < pattern.size(); ++i) {
      char c = text_[pos_ + i];
      if (pattern[i] == '#' ? !IsDigit(c) : c != pattern[i]) return false;
    }
    pos_ += pattern.size();
    return true;
  }

  // Consumes a run of digits; its length.
  size_t TakeDigits() {
    size_t start = pos_;
    while (pos_ < text_.size() && IsDigit(text_[pos_])) ++pos_;
    return pos_ - start;
  }

  size_t pos() const { return pos_; }
  bool done() const { return pos_ == text_.size(); }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

bool IsValidUtf8(std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (size_t k = 1; k < len; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
        (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += len;
  }
  return true;
}

size_t Utf8Length(std::string_view text) {
  size_t count = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) != 0x80) ++count;
  }
  return count;
}

std::string ToHex(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kHexDigits[c >> 4]);
    out.push_back(kHexDigits[c & 0xF]);
  }
  return out;
}

std::optional<std::string> FromHex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string out;
  out.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    int hi = HexValue(hex[i]);
    int lo = HexValue(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return out;
}

std::string NewUuid() {
  // random_generator is not thread-safe; one per thread.
  thread_local boost::uuids::random_generator generator;
  return boost::uuids::to_string(generator());
}

std::optional<std::string> ParseUuid(std::string_view text) {
  // Boost's parser takes braces and dashes (only in the canonical places)
  // or neither, in either case, and throws on anything else.
  try {
    boost::uuids::string_generator parse;
    return boost::uuids::to_string(parse(text.begin(), text.end()));
  } catch (const std::runtime_error&) {
    return std::nullopt;
  }
}

std::string FormatTime(TimeUs at_us) {
  using std::chrono::microseconds;
  using std::chrono::seconds;
  // 0000-01-01T00:00:00Z: from it to kMaxTimeUs, every time a ticket can
  // have, date::format writes ISO-8601 itself; its fraction ".ffffff"
  // loses its trailing zeros (and its dot when zero).
  constexpr TimeUs kYearZeroUs = -62167219200LL * kUsPerSecond;
  if (at_us >= kYearZeroUs && at_us <= kMaxTimeUs) {
    std::string out =
        date::format(std::locale::classic(), "%FT%T",
                     date::sys_time<microseconds>{microseconds{at_us}});
    while (out.back() == '0') out.pop_back();
    if (out.back() == '.') out.pop_back();
    out += 'Z';
    return out;
  }
  // Whole seconds, floored so that a time before the epoch falls on the
  // right second, and the microseconds after them: split as integers, as
  // the ends of int64 microseconds less their floor in seconds overflow.
  int64_t whole = at_us / kUsPerSecond;
  int64_t micros = at_us % kUsPerSecond;
  if (micros < 0) {
    micros += kUsPerSecond;
    --whole;
  }
  const date::sys_seconds at{seconds{whole}};
  date::sys_days day = date::floor<date::days>(at);
  const date::hh_mm_ss<microseconds> time{at - day + microseconds{micros}};
  // date::year holds the years -32767 to 32767, and int64 microseconds reach
  // -290308 and 294247. A day beyond date's years is moved by whole 400-year
  // Gregorian cycles (146097 days, after which the calendar repeats itself)
  // to within 400 years of the epoch, and the cycles are added back to the
  // year date finds for it.
  int64_t cycles = 0;
  if (day < kFirstDateDay || day > kLastDateDay) {
    cycles = day.time_since_epoch().count() / kDaysPer400Years;
    day -= date::days(static_cast<int>(cycles * kDaysPer400Years));
  }
  const date::year_month_day ymd{day};
  const int64_t year = static_cast<int>(ymd.year()) + 400 * cycles;
  // Years date::format writes in its own way ("00-5" for -5) or cannot
  // hold: written as they were before it, sign and all.
  char buf[64];
  int n = std::snprintf(
      buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02d",
      static_cast<long long>(year), static_cast<unsigned>(ymd.month()),
      static_cast<unsigned>(ymd.day()), static_cast<int>(time.hours().count()),
      static_cast<int>(time.minutes().count()),
      static_cast<int>(time.seconds().count()));
  std::string out(buf, n);
  if (time.subseconds().count() != 0) {
    std::snprintf(buf, sizeof buf, ".%06d",
                  static_cast<int>(time.subseconds().count()));
    std::string frac(buf);
    while (frac.back() == '0') frac.pop_back();
    out += frac;
  }
  out += 'Z';
  return out;
}

std::optional<TimeUs> ParseTime(std::string_view text) {
  using std::chrono::microseconds;
  using std::chrono::minutes;
  // The text's shape (see Shape) picks the format; date::parse reads it.
  Shape shape(text);
  if (!shape.Take("####-##-##")) return std::nullopt;
  std::string input(text);
  std::string format = "%F";
  if (!shape.done()) {
    if (!shape.Take("T") && !shape.Take(" ")) return std::nullopt;
    format += text[shape.pos() - 1];
    if (!shape.Take("##:##")) return std::nullopt;
    format += "%H:%M";
    if (shape.Take(":##")) {
      format += ":%S";
      if (shape.Take(".")) {
        size_t fraction = shape.pos();
        size_t digits = shape.TakeDigits();
        if (digits == 0) return std::nullopt;
        // Truncated to microseconds: %S would round, and read only the
        // first 6 digits (9 characters) and leave the others.
        if (digits > 6) input.erase(fraction + 6, digits - 6);
      }
    }
    size_t zone = shape.pos();
    if (shape.Take("Z")) {
      format += 'Z';
    } else if (shape.Take("+##:##") || shape.Take("-##:##") ||
               shape.Take("+####") || shape.Take("-####")) {
      // %Ez reads "+hh:mm", %z "+hhmm"; both take any two digits as hours
      // and as minutes ("+05:99"), kept here to 00-23 and 00-59.
      std::string_view offset = text.substr(zone + 1);
      format += offset.size() == 5 ? "%Ez" : "%z";
      if (offset.substr(0, 2) > "23" ||
          offset.substr(offset.size() - 2) > "59") {
        return std::nullopt;
      }
    }
    if (!shape.done()) return std::nullopt;
  }
  // date::parse checks the calendar date (no 2024-02-30), hours to 23,
  // minutes and seconds to 59, and gives the offset apart from the local
  // time, whose written year is the one kept within 1970-9999.
  std::istringstream in(input);
  // date takes the decimal point of the stream's locale, by default the
  // host's global one (a comma in many): ISO-8601 here is always C.
  in.imbue(std::locale::classic());
  date::local_time<microseconds> local{};
  minutes offset{0};
  in >> date::parse(format, local, offset);
  if (in.fail() || in.peek() != std::istringstream::traits_type::eof()) {
    return std::nullopt;
  }
  date::year year = date::year_month_day(date::floor<date::days>(local)).year();
  if (year < date::year(1970) || year > date::year(9999)) return std::nullopt;
  return (local.time_since_epoch() - offset).count();
}

TimeUs NowUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace ticketlog::base
