#include "base/text.h"

#include <catch2/catch.hpp>
#include <limits>
#include <locale>

#include "ticketlog/status.h"

using namespace ticketlog;

TEST_CASE("UTF-8 validation rejects malformed sequences", "[base]") {
  CHECK(base::IsValidUtf8("plain ascii"));
  CHECK(base::IsValidUtf8("atendimento \xc3\xa9 r\xc3\xa1pido"));
  CHECK(base::IsValidUtf8("\xf0\x9f\x8e\xab"));        // U+1F3AB
  CHECK_FALSE(base::IsValidUtf8("\xc3"));              // truncated
  CHECK_FALSE(base::IsValidUtf8("\xc0\xaf"));          // overlong '/'
  CHECK_FALSE(base::IsValidUtf8("\xed\xa0\x80"));      // surrogate
  CHECK_FALSE(base::IsValidUtf8("\xf4\x90\x80\x80"));  // > U+10FFFF
  CHECK_FALSE(base::IsValidUtf8("\xff"));
  CHECK(base::Utf8Length("r\xc3\xa1pido") == 6);
}

TEST_CASE("hex round-trips and refuses non-hex", "[base]") {
  CHECK(base::ToHex(std::string("\x00\xff\x10", 3)) == "00ff10");
  CHECK(base::FromHex("00ff10") == std::string("\x00\xff\x10", 3));
  CHECK_FALSE(base::FromHex("0g").has_value());
  CHECK_FALSE(base::FromHex("abc").has_value());
}

TEST_CASE("UUIDs are canonicalised and malformed ones refused", "[base]") {
  std::string id = base::NewUuid();
  CHECK(base::ParseUuid(id) == id);
  CHECK(base::NewUuid() != id);
  CHECK(base::ParseUuid("{6BA7B810-9DAD-11D1-80B4-00C04FD430C8}") ==
        "6ba7b810-9dad-11d1-80b4-00c04fd430c8");
  CHECK(base::ParseUuid("6ba7b8109dad11d180b400c04fd430c8") ==
        "6ba7b810-9dad-11d1-80b4-00c04fd430c8");
  CHECK_FALSE(base::ParseUuid("6ba7b810-9dad-11d1-80b4").has_value());
  CHECK_FALSE(base::ParseUuid("6ba7b81-09dad-11d1-80b4-00c04fd430c8"));
  CHECK_FALSE(base::ParseUuid("not-a-uuid").has_value());
  CHECK_FALSE(base::ParseUuid("").has_value());
  CHECK_FALSE(base::ParseUuid("{6ba7b810-9dad-11d1-80b4-00c04fd430c8"));
  CHECK_FALSE(base::ParseUuid("6ba7b810-9dad-11d1-80b4-00c04fd430c8x"));
  CHECK_FALSE(base::ParseUuid("6ba7b810-9dad-11d1-80b400c04fd430c8"));
  CHECK_FALSE(base::ParseUuid("6ba7b810-9dad-11d1-80b4-00c04fd430cg"));
}

TEST_CASE("ISO-8601 times parse and format in UTC", "[base]") {
  auto t = base::ParseTime("2024-03-01T12:30:00Z");
  REQUIRE(t.has_value());
  CHECK(*t == 1709296200LL * 1000000);
  CHECK(base::FormatTime(*t) == "2024-03-01T12:30:00Z");
  CHECK(base::ParseTime("2024-03-01T09:30:00-03:00") == t);
  CHECK(base::ParseTime("2024-03-01T12:30:00.25Z") == *t + 250000);
  CHECK(base::FormatTime(*t + 250000) == "2024-03-01T12:30:00.25Z");
  CHECK(base::ParseTime("2024-03-01") == 1709251200LL * 1000000);
  CHECK_FALSE(base::ParseTime("2024-02-30T00:00:00Z").has_value());
  CHECK_FALSE(base::ParseTime("2024-03-01T25:00:00Z").has_value());
  CHECK_FALSE(base::ParseTime("yesterday").has_value());
  CHECK_FALSE(base::ParseTime("2024-03-01T12:30:00Zjunk").has_value());
  CHECK(base::FormatTime(0) == "1970-01-01T00:00:00Z");
  CHECK(base::FormatTime(base::kMaxTimeUs) == "9999-12-31T23:59:59.999999Z");
  CHECK(base::FormatTime(-1) == "1969-12-31T23:59:59.999999Z");
  // The first and last µs date::format writes (years 0000 to 9999).
  CHECK(base::FormatTime(-62167219200LL * 1000000) == "0000-01-01T00:00:00Z");
  CHECK(base::FormatTime(-62167219200LL * 1000000 + 250000) ==
        "0000-01-01T00:00:00.25Z");
  CHECK(base::FormatTime(-62167219200LL * 1000000 - 1) ==
        "-001-12-31T23:59:59.999999Z");
  CHECK(base::FormatTime(base::kMaxTimeUs + 1) == "10000-01-01T00:00:00Z");
  CHECK(base::ParseTime("2000-02-29T00:00:00Z") == 951782400LL * 1000000);
  CHECK(base::FormatTime(951782400LL * 1000000) == "2000-02-29T00:00:00Z");
}

TEST_CASE("ISO-8601 fields have fixed widths and ranges", "[base]") {
  const TimeUs march_1 = 1709251200LL * 1000000;
  const TimeUs hour = 3600LL * 1000000;
  CHECK(base::ParseTime("2024-03-01T12:30Z") ==
        march_1 + 12 * hour + 1800000000);
  CHECK(base::ParseTime("2024-03-01 12:30:00Z") ==
        base::ParseTime("2024-03-01T12:30:00Z"));
  CHECK(base::ParseTime("2024-03-01T12:30:00") ==
        base::ParseTime("2024-03-01T12:30:00Z"));
  // Exactly 4 digits of year and 2 of every other field.
  CHECK_FALSE(base::ParseTime("2024-3-01").has_value());
  CHECK_FALSE(base::ParseTime("2024-03-1").has_value());
  CHECK_FALSE(base::ParseTime("24-03-01").has_value());
  CHECK_FALSE(base::ParseTime("+2024-03-01").has_value());
  CHECK_FALSE(base::ParseTime("02024-03-01").has_value());
  CHECK_FALSE(base::ParseTime("2024-03-01T1:00Z").has_value());
  CHECK_FALSE(base::ParseTime("2024-03-01T12:3Z").has_value());
  CHECK_FALSE(base::ParseTime("2024-03-01T12:30:5Z").has_value());
  CHECK_FALSE(base::ParseTime("2024-03-01T12Z").has_value());
  // One 'T' or one space between date and time, nothing else.
  CHECK_FALSE(base::ParseTime("2024-03-0112:30Z").has_value());
  CHECK_FALSE(base::ParseTime("2024-03-01  12:30Z").has_value());
  CHECK_FALSE(base::ParseTime("2024-03-01t12:30Z").has_value());
  CHECK_FALSE(base::ParseTime(" 2024-03-01").has_value());
  CHECK_FALSE(base::ParseTime("2024-03-01T").has_value());
  CHECK_FALSE(base::ParseTime("").has_value());
  // Years 1970 to 9999.
  CHECK(base::ParseTime("1970-01-01") == 0);
  CHECK(base::ParseTime("9999-12-31T23:59:59.999999Z") == base::kMaxTimeUs);
  CHECK_FALSE(base::ParseTime("1969-12-31T23:59:59Z").has_value());
  CHECK_FALSE(base::ParseTime("10000-01-01").has_value());
  // Leap days, and no leap second.
  CHECK(base::ParseTime("2024-02-29") == march_1 - 24 * hour);
  CHECK_FALSE(base::ParseTime("2023-02-29").has_value());
  CHECK_FALSE(base::ParseTime("1900-02-29").has_value());
  CHECK_FALSE(base::ParseTime("2024-04-31").has_value());
  CHECK_FALSE(base::ParseTime("2024-13-01").has_value());
  CHECK_FALSE(base::ParseTime("2024-00-01").has_value());
  CHECK_FALSE(base::ParseTime("2024-03-00").has_value());
  CHECK(base::ParseTime("2024-03-01T23:59:59Z") ==
        march_1 + 24 * hour - 1000000);
  CHECK_FALSE(base::ParseTime("2024-03-01T24:00:00Z").has_value());
  CHECK_FALSE(base::ParseTime("2024-03-01T12:60Z").has_value());
  CHECK_FALSE(base::ParseTime("2024-03-01T23:59:60Z").has_value());
}

TEST_CASE("ISO-8601 fractions and offsets", "[base]") {
  const TimeUs noon = (1709251200LL + 12 * 3600) * 1000000;
  // Any number of digits, truncated (not rounded) to microseconds.
  CHECK(base::ParseTime("2024-03-01T12:00:00.123456789Z") == noon + 123456);
  CHECK(base::ParseTime("2024-03-01T12:00:00.9999999Z") == noon + 999999);
  CHECK(base::ParseTime("2024-03-01T12:00:00.5") == noon + 500000);
  CHECK(base::ParseTime("2024-03-01T12:00:00.000001+00:00") == noon + 1);
  CHECK_FALSE(base::ParseTime("2024-03-01T12:00:00.Z").has_value());
  CHECK_FALSE(base::ParseTime("2024-03-01T12:00.5Z").has_value());
  CHECK_FALSE(base::ParseTime("2024-03-01T12:00:.5Z").has_value());
  // "+hh:mm" and "+hhmm", either sign.
  CHECK(base::ParseTime("2024-03-01T17:30+05:30") == noon);
  CHECK(base::ParseTime("2024-03-01T17:30+0530") == noon);
  CHECK(base::ParseTime("2024-03-01T17:30:00.25+0530") == noon + 250000);
  CHECK(base::ParseTime("2024-03-01T11:30-00:30") == noon);
  CHECK(base::ParseTime("2024-03-01T11:30-0030") == noon);
  CHECK(base::ParseTime("2024-03-01T12:00+00:00") == noon);
  CHECK(base::ParseTime("2024-03-01T12:00-00:00") == noon);
  // The written date's year is checked, before the offset moves it.
  CHECK(base::ParseTime("1970-01-01T00:30+01:00") == -1800LL * 1000000);
  CHECK_FALSE(base::ParseTime("2024-03-01T12:00+05").has_value());
  CHECK_FALSE(base::ParseTime("2024-03-01T12:00+5:30").has_value());
  CHECK_FALSE(base::ParseTime("2024-03-01T12:00+05:3").has_value());
  CHECK_FALSE(base::ParseTime("2024-03-01T12:00+053").has_value());
  CHECK_FALSE(base::ParseTime("2024-03-01T12:00+05:30:00").has_value());
  CHECK_FALSE(base::ParseTime("2024-03-01T12:00 +05:30").has_value());
  CHECK_FALSE(base::ParseTime("2024-03-01T12:000530").has_value());
  CHECK_FALSE(base::ParseTime("2024-03-01T12:00+24:00").has_value());
  CHECK_FALSE(base::ParseTime("2024-03-01T12:00+05:60").has_value());
  CHECK_FALSE(base::ParseTime("2024-03-01T12:00+05:30Z").has_value());
  CHECK_FALSE(base::ParseTime("2024-03-01T12:00z").has_value());
  CHECK_FALSE(base::ParseTime("2024-03-01+05:30").has_value());
  CHECK_FALSE(base::ParseTime("2024-03-01Z").has_value());
}

// A host that sets a global locale with a decimal comma (de_DE, pt_BR, ...)
// must still get and give ISO-8601's decimal point.
struct CommaDecimal : std::numpunct<char> {
  char do_decimal_point() const override { return ','; }
};

TEST_CASE("ISO-8601 times ignore the host's global locale", "[base]") {
  std::locale before = std::locale::global(
      std::locale(std::locale::classic(), new CommaDecimal));
  auto at = base::ParseTime("2024-03-01T12:30:00.25Z");
  std::string half = base::FormatTime(1709296200LL * 1000000 + 500000);
  std::string whole = base::FormatTime(1709296200LL * 1000000);
  std::locale::global(before);
  CHECK(at == 1709296200LL * 1000000 + 250000);
  CHECK(half == "2024-03-01T12:30:00.5Z");
  CHECK(whole == "2024-03-01T12:30:00Z");
}

TEST_CASE("formatted times parse back to themselves", "[base]") {
  for (const char* text :
       {"1970-01-01T00:00:00Z", "1970-01-01T00:00:00.000001Z",
        "2000-02-29T23:59:59.5Z", "2024-03-01T12:30:00.25Z",
        "2024-12-31T23:59:59.999999Z", "2038-01-19T03:14:08Z",
        "9999-12-31T23:59:59.999999Z"}) {
    auto at = base::ParseTime(text);
    REQUIRE(at.has_value());
    CHECK(base::FormatTime(*at) == text);
  }
  for (TimeUs at :
       {base::kMinTimeUs, TimeUs{1}, TimeUs{999999}, TimeUs{1709296200250000},
        TimeUs{4102444800000000}, base::kMaxTimeUs}) {
    CHECK(base::ParseTime(base::FormatTime(at)) == at);
  }
  CHECK(base::FormatTime(base::kMaxTimeUs + 1) == "10000-01-01T00:00:00Z");
}

TEST_CASE("formatting any time never throws", "[base]") {
  CHECK_NOTHROW(base::FormatTime(std::numeric_limits<TimeUs>::min()));
  CHECK_NOTHROW(base::FormatTime(std::numeric_limits<TimeUs>::max()));
  CHECK(base::FormatTime(std::numeric_limits<TimeUs>::max()).back() == 'Z');
  // Beyond the years a calendar library holds, written all the same.
  CHECK(base::FormatTime(std::numeric_limits<TimeUs>::max()) ==
        "294247-01-10T04:00:54.775807Z");
  CHECK(base::FormatTime(std::numeric_limits<TimeUs>::min()) ==
        "-290308-12-21T19:59:05.224192Z");
  CHECK(base::FormatTime(-62167219200LL * 1000000) == "0000-01-01T00:00:00Z");
  CHECK(base::FormatTime(-62167219200LL * 1000000 - 1) ==
        "-001-12-31T23:59:59.999999Z");
}

TEST_CASE("status codes have stable wire names", "[base]") {
  CHECK(CodeName(Code::kInvalidArgument) == "invalid_argument");
  CHECK(CodeName(Code::kOperatorHasTickets) == "operator_has_tickets");
  CHECK(CodeFromName("ticket_closed") == Code::kTicketClosed);
  CHECK_FALSE(CodeFromName("nope").has_value());
  Status conflict = Status::Conflict(3, 5);
  CHECK(conflict.code() == Code::kConflict);
  CHECK(conflict.current_version() == 5u);
  CHECK(conflict.ToString() ==
        "conflict: expected version 3, current version 5");
}
