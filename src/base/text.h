// Small text helpers shared by every layer: UTF-8 checks, hex, UUIDs and
// ISO-8601 times.
#ifndef TICKETLOG_BASE_TEXT_H_
#define TICKETLOG_BASE_TEXT_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ticketlog/types.h"

namespace ticketlog::base {

// True when `text` is well-formed UTF-8 (no overlongs, no surrogates, no
// code points past U+10FFFF).
bool IsValidUtf8(std::string_view text);

// Number of code points in well-formed UTF-8 `text`.
size_t Utf8Length(std::string_view text);

// Lower-case hex of `bytes`, and back (nullopt for odd length or non-hex).
std::string ToHex(std::string_view bytes);
std::optional<std::string> FromHex(std::string_view hex);

// A new random (version 4) UUID as canonical lower-case text.
std::string NewUuid();

// The canonical lower-case text of a UUID written with or without braces and
// dashes, in either case; nullopt when `text` is not a UUID.
std::optional<std::string> ParseUuid(std::string_view text);

// The times the library accepts: 1970-01-01T00:00:00Z to
// 9999-12-31T23:59:59.999999Z, the range ISO-8601's four-digit years write.
inline constexpr TimeUs kMinTimeUs = 0;
inline constexpr TimeUs kMaxTimeUs = 253402300800LL * 1000000 - 1;

// ISO-8601 UTC: "2024-03-01T12:30:00Z", with a fraction of a second when
// there is one ("2024-03-01T12:30:00.250Z"). Defined for every value; years
// outside 0000-9999 are written with more digits or a sign.
std::string FormatTime(TimeUs at_us);

// Parses ISO-8601: a date ("2024-03-01", midnight UTC), or a date, 'T' or a
// space, and "hh:mm" with optional ":ss", the seconds with an optional
// fraction of any length (truncated to microseconds), then "Z", a "+hh:mm",
// "-hh:mm", "+hhmm" or "-hhmm" offset, or nothing (UTC). Fields have exactly
// their width of digits; the written date's year is 1970-9999; no leap
// second. nullopt when malformed.
std::optional<TimeUs> ParseTime(std::string_view text);

// The system clock, in µs since the epoch.
TimeUs NowUs();

}  // namespace ticketlog::base

#endif  // TICKETLOG_BASE_TEXT_H_
