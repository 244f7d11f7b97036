#include "base/text.h"

#include <boost/date_time/gregorian/gregorian.hpp>
#include <boost/uuid/random_generator.hpp>
#include <boost/uuid/string_generator.hpp>
#include <boost/uuid/uuid.hpp>
#include <boost/uuid/uuid_io.hpp>
#include <chrono>
#include <cstdio>
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
constexpr int64_t kSecondsPerDay = 86'400;
const boost::gregorian::date kEpoch(1970, 1, 1);

// Reads exactly `n` decimal digits at text[pos]; advances pos.
std::optional<int> Digits(std::string_view text, size_t& pos, size_t n) {
  if (pos + n > text.size()) return std::nullopt;
  int value = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = text[pos + i];
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  pos += n;
  return value;
}

bool Expect(std::string_view text, size_t& pos, char c) {
  if (pos < text.size() && text[pos] == c) {
    ++pos;
    return true;
  }
  return false;
}

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
  // Floor division keeps times before the epoch on the right day.
  int64_t seconds = at_us / kUsPerSecond;
  int64_t micros = at_us % kUsPerSecond;
  if (micros < 0) {
    micros += kUsPerSecond;
    --seconds;
  }
  int64_t days = seconds / kSecondsPerDay;
  int64_t rem = seconds % kSecondsPerDay;
  if (rem < 0) {
    rem += kSecondsPerDay;
    --days;
  }
  // Civil date from days since the epoch (H. Hinnant's algorithm): total
  // over int64, unlike a calendar library with a bounded range.
  int64_t z = days + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int64_t day = doy - (153 * mp + 2) / 5 + 1;
  int64_t month = mp < 10 ? mp + 3 : mp - 9;
  int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, "%04lld-%02d-%02dT%02d:%02d:%02d",
                        static_cast<long long>(year), static_cast<int>(month),
                        static_cast<int>(day), static_cast<int>(rem / 3600),
                        static_cast<int>(rem / 60 % 60),
                        static_cast<int>(rem % 60));
  std::string out(buf, n);
  if (micros != 0) {
    std::snprintf(buf, sizeof buf, ".%06d", static_cast<int>(micros));
    std::string frac(buf);
    while (frac.back() == '0') frac.pop_back();
    out += frac;
  }
  out += 'Z';
  return out;
}

std::optional<TimeUs> ParseTime(std::string_view text) {
  size_t pos = 0;
  auto year = Digits(text, pos, 4);
  if (!year || !Expect(text, pos, '-')) return std::nullopt;
  auto month = Digits(text, pos, 2);
  if (!month || !Expect(text, pos, '-')) return std::nullopt;
  auto day = Digits(text, pos, 2);
  if (!day) return std::nullopt;
  if (*year < 1970 || *year > 9999 || *month < 1 || *month > 12 || *day < 1 ||
      *day > boost::gregorian::gregorian_calendar::end_of_month_day(
                 static_cast<unsigned short>(*year),
                 static_cast<unsigned short>(*month))) {
    return std::nullopt;
  }
  boost::gregorian::date date(static_cast<unsigned short>(*year),
                              static_cast<unsigned short>(*month),
                              static_cast<unsigned short>(*day));
  int64_t seconds = (date - kEpoch).days() * kSecondsPerDay;
  int64_t micros = 0;
  if (pos == text.size()) return seconds * kUsPerSecond;
  if (!Expect(text, pos, 'T') && !Expect(text, pos, ' ')) return std::nullopt;
  auto hour = Digits(text, pos, 2);
  if (!hour || !Expect(text, pos, ':')) return std::nullopt;
  auto minute = Digits(text, pos, 2);
  if (!minute || *hour > 23 || *minute > 59) return std::nullopt;
  int second = 0;
  if (Expect(text, pos, ':')) {
    auto s = Digits(text, pos, 2);
    if (!s || *s > 59) return std::nullopt;
    second = *s;
    if (Expect(text, pos, '.')) {
      int64_t scale = kUsPerSecond / 10;
      size_t start = pos;
      while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
        micros += (text[pos] - '0') * scale;
        scale /= 10;
        ++pos;
      }
      if (pos == start) return std::nullopt;
    }
  }
  seconds += *hour * 3600 + *minute * 60 + second;
  if (Expect(text, pos, 'Z')) {
    // UTC.
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    int sign = text[pos] == '+' ? 1 : -1;
    ++pos;
    auto oh = Digits(text, pos, 2);
    if (!oh) return std::nullopt;
    Expect(text, pos, ':');
    auto om = Digits(text, pos, 2);
    if (!om || *oh > 23 || *om > 59) return std::nullopt;
    seconds -= sign * (*oh * 3600 + *om * 60);
  }
  if (pos != text.size()) return std::nullopt;
  return seconds * kUsPerSecond + micros;
}

TimeUs NowUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace ticketlog::base
