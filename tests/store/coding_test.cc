#include "store/coding.h"

#include <catch2/catch.hpp>
#include <string>

namespace ticketlog::store {
namespace {

// "slot=count" pairs as ForEachSlotCount reads them, then "!" when it
// refused the bytes.
std::string Read(std::string_view bytes) {
  std::string out;
  bool ok = ForEachSlotCount(bytes, [&](uint8_t slot, int64_t count) {
    out += std::to_string(slot) + "=" + std::to_string(count) + " ";
  });
  return ok ? out : out + "!";
}

}  // namespace

TEST_CASE("slot vectors read back their pairs, negative counts included",
          "[store][coding]") {
  std::string bytes;
  PutSlotCount(bytes, 0, 1);
  PutSlotCount(bytes, 8, -2);
  PutSlotCount(bytes, 255, INT64_MIN);
  CHECK(bytes.size() == 3 * kSlotPairSize);
  CHECK(bytes.substr(0, 9) == std::string("\0\0\0\0\0\0\0\0\1", 9));
  CHECK(bytes.substr(9, 9) == "\x08\xff\xff\xff\xff\xff\xff\xff\xfe");
  CHECK(Read(bytes) == "0=1 8=-2 255=" + std::to_string(INT64_MIN) + " ");
  // All zero is the empty vector.
  CHECK(Read("") == "");
}

TEST_CASE(
    "slot vectors of a length that is not a multiple of 9, or with slots "
    "out of order or repeated, are refused",
    "[store][coding]") {
  std::string pair;
  PutSlotCount(pair, 3, 1);
  CHECK(Read(BigEndian64(1)) == "!");  // a scalar counter
  CHECK(Read(pair + "x") == "!");
  std::string repeated = pair + pair;
  CHECK(Read(repeated) == "3=1 !");
  std::string descending = pair;
  PutSlotCount(descending, 2, 1);
  CHECK(Read(descending) == "3=1 !");
}

}  // namespace ticketlog::store
