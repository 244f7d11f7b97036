#include "search/fold.h"

#include <array>
#include <cstdint>

namespace ticketlog::search {
namespace {

constexpr char32_t kTableFirst = 0xC0;
constexpr char32_t kTableLast = 0x24F;

// U+00C0..U+024F (Latin-1 Supplement, Latin Extended-A and -B): the folded
// ASCII of each letter; nullptr for the few symbols (multiplication and
// division signs) and letters with no Latin base, which are kept.
constexpr std::array<const char*, kTableLast - kTableFirst + 1> kLatin = {
    "a",     "a",     "a",     "a",
    "a",     "a",     "ae",    "c",  // U+00C0
    "e",     "e",     "e",     "e",
    "i",     "i",     "i",     "i",  // U+00C8
    "d",     "n",     "o",     "o",
    "o",     "o",     "o",     nullptr,  // U+00D0
    "o",     "u",     "u",     "u",
    "u",     "y",     "th",    "ss",  // U+00D8
    "a",     "a",     "a",     "a",
    "a",     "a",     "ae",    "c",  // U+00E0
    "e",     "e",     "e",     "e",
    "i",     "i",     "i",     "i",  // U+00E8
    "d",     "n",     "o",     "o",
    "o",     "o",     "o",     nullptr,  // U+00F0
    "o",     "u",     "u",     "u",
    "u",     "y",     "th",    "y",  // U+00F8
    "a",     "a",     "a",     "a",
    "a",     "a",     "c",     "c",  // U+0100
    "c",     "c",     "c",     "c",
    "c",     "c",     "d",     "d",  // U+0108
    "d",     "d",     "e",     "e",
    "e",     "e",     "e",     "e",  // U+0110
    "e",     "e",     "e",     "e",
    "g",     "g",     "g",     "g",  // U+0118
    "g",     "g",     "g",     "g",
    "h",     "h",     "h",     "h",  // U+0120
    "i",     "i",     "i",     "i",
    "i",     "i",     "i",     "i",  // U+0128
    "i",     "i",     "ij",    "ij",
    "j",     "j",     "k",     "k",  // U+0130
    "k",     "l",     "l",     "l",
    "l",     "l",     "l",     nullptr,  // U+0138
    nullptr, "l",     "l",     "n",
    "n",     "n",     "n",     "n",  // U+0140
    "n",     "n",     "n",     "n",
    "o",     "o",     "o",     "o",  // U+0148
    "o",     "o",     "oe",    "oe",
    "r",     "r",     "r",     "r",  // U+0150
    "r",     "r",     "s",     "s",
    "s",     "s",     "s",     "s",  // U+0158
    "s",     "s",     "t",     "t",
    "t",     "t",     "t",     "t",  // U+0160
    "u",     "u",     "u",     "u",
    "u",     "u",     "u",     "u",  // U+0168
    "u",     "u",     "u",     "u",
    "w",     "w",     "y",     "y",  // U+0170
    "y",     "z",     "z",     "z",
    "z",     "z",     "z",     "s",  // U+0178
    "b",     nullptr, nullptr, nullptr,
    nullptr, nullptr, nullptr, "c",  // U+0180
    "c",     nullptr, nullptr, "d",
    "d",     nullptr, nullptr, nullptr,  // U+0188
    nullptr, "f",     "f",     nullptr,
    nullptr, nullptr, nullptr, "i",  // U+0190
    "k",     "k",     "l",     nullptr,
    nullptr, nullptr, nullptr, nullptr,  // U+0198
    "o",     "o",     nullptr, nullptr,
    "p",     "p",     nullptr, nullptr,  // U+01A0
    nullptr, nullptr, nullptr, nullptr,
    "t",     "t",     nullptr, "u",  // U+01A8
    "u",     nullptr, nullptr, "y",
    "y",     "z",     "z",     nullptr,  // U+01B0
    nullptr, nullptr, nullptr, nullptr,
    nullptr, nullptr, nullptr, nullptr,  // U+01B8
    nullptr, nullptr, nullptr, nullptr,
    "dz",    "dz",    "dz",    "lj",  // U+01C0
    "lj",    "lj",    "nj",    "nj",
    "nj",    "a",     "a",     "i",  // U+01C8
    "i",     "o",     "o",     "u",
    "u",     "u",     "u",     "u",  // U+01D0
    "u",     "u",     "u",     "u",
    "u",     nullptr, "a",     "a",  // U+01D8
    "a",     "a",     nullptr, nullptr,
    "g",     "g",     "g",     "g",  // U+01E0
    "k",     "k",     "o",     "o",
    "o",     "o",     nullptr, nullptr,  // U+01E8
    "j",     "dz",    "dz",    "dz",
    "g",     "g",     nullptr, nullptr,  // U+01F0
    "n",     "n",     "a",     "a",
    nullptr, nullptr, nullptr, nullptr,  // U+01F8
    "a",     "a",     "a",     "a",
    "e",     "e",     "e",     "e",  // U+0200
    "i",     "i",     "i",     "i",
    "o",     "o",     "o",     "o",  // U+0208
    "r",     "r",     "r",     "r",
    "u",     "u",     "u",     "u",  // U+0210
    "s",     "s",     "t",     "t",
    nullptr, nullptr, "h",     "h",  // U+0218
    nullptr, nullptr, nullptr, nullptr,
    nullptr, nullptr, "a",     "a",  // U+0220
    "e",     "e",     "o",     "o",
    "o",     "o",     "o",     "o",  // U+0228
    "o",     "o",     "y",     "y",
    nullptr, nullptr, nullptr, nullptr,  // U+0230
    nullptr, nullptr, nullptr, "c",
    "c",     nullptr, nullptr, "s",  // U+0238
    "z",     nullptr, nullptr, nullptr,
    nullptr, nullptr, "e",     "e",  // U+0240
    "j",     "j",     nullptr, nullptr,
    "r",     "r",     "y",     "y",  // U+0248
};

// Decodes one UTF-8 sequence at text[i]; returns its length, 0 when invalid.
size_t DecodeUtf8(std::string_view text, size_t i, char32_t& cp) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char lead = byte(i);
  size_t length = lead < 0x80           ? 1
                  : (lead >> 5) == 0x6  ? 2
                  : (lead >> 4) == 0xE  ? 3
                  : (lead >> 3) == 0x1E ? 4
                                        : 0;
  if (length == 0 || i + length > text.size()) return 0;
  cp = length == 1 ? lead : lead & (0x7F >> length);
  for (size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  return length;
}

}  // namespace

std::string FoldText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (static_cast<unsigned char>(c) < 0x80) {
      out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a')
                                         : c);
      ++i;
      continue;
    }
    char32_t cp = 0;
    size_t length = DecodeUtf8(text, i, cp);
    if (length == 0) {
      out.push_back(' ');
      ++i;
      continue;
    }
    if (cp >= 0x300 && cp <= 0x36F) {
      // A combining mark: the accent of the letter before it.
    } else if (cp >= kTableFirst && cp <= kTableLast &&
               kLatin[cp - kTableFirst] != nullptr) {
      out += kLatin[cp - kTableFirst];
    } else {
      out.append(text.substr(i, length));
    }
    i += length;
  }
  return out;
}

}  // namespace ticketlog::search
