#include "base/text.h"

#include <catch2/catch.hpp>
#include <limits>

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
  CHECK(base::ParseTime("2000-02-29T00:00:00Z") == 951782400LL * 1000000);
  CHECK(base::FormatTime(951782400LL * 1000000) == "2000-02-29T00:00:00Z");
}

TEST_CASE("formatting any time never throws", "[base]") {
  CHECK_NOTHROW(base::FormatTime(std::numeric_limits<TimeUs>::min()));
  CHECK_NOTHROW(base::FormatTime(std::numeric_limits<TimeUs>::max()));
  CHECK(base::FormatTime(std::numeric_limits<TimeUs>::max()).back() == 'Z');
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
