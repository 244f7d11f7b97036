#include "base/normalize.h"

#include <algorithm>

namespace ticketlog::base {
namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
         c == '\v';
}

void AppendUtf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Lower case of one code point of U+0000..U+017F.
char32_t LowerCodePoint(char32_t cp) {
  if (cp >= 'A' && cp <= 'Z') return cp + 32;
  // Latin-1: À..Þ except × (U+00D7).
  if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) return cp + 32;
  // Latin Extended-A pairs capital/small, even/odd, except the runs that
  // pair odd/even (U+0139..U+0148, U+0179..U+017E) and U+0130/U+0131/U+0138.
  if ((cp >= 0x100 && cp <= 0x137 && cp != 0x130) ||
      (cp >= 0x14A && cp <= 0x177)) {
    return cp % 2 == 0 ? cp + 1 : cp;
  }
  if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E)) {
    return cp % 2 == 1 ? cp + 1 : cp;
  }
  if (cp == 0x178) return 0xFF;  // Ÿ
  return cp;
}

}  // namespace

std::string_view Trim(std::string_view text) {
  while (!text.empty() && IsSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsSpace(text.back())) text.remove_suffix(1);
  return text;
}

std::string LowerCase(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x80) {
      out.push_back(static_cast<char>(LowerCodePoint(byte)));
      ++i;
    } else if ((byte & 0xE0) == 0xC0 && i + 1 < text.size()) {
      char32_t cp = (char32_t(byte & 0x1F) << 6) |
                    (static_cast<unsigned char>(text[i + 1]) & 0x3F);
      AppendUtf8(out, LowerCodePoint(cp));
      i += 2;
    } else {
      // Code points past U+017F (and any byte of a longer sequence) have no
      // lower case here: copied as they are.
      out.push_back(text[i]);
      ++i;
    }
  }
  return out;
}

std::string NormalizeEmail(std::string_view email) {
  return LowerCase(Trim(email));
}

std::string NormalizePhone(std::string_view phone) {
  std::string_view trimmed = Trim(phone);
  std::string out;
  bool digits = false;
  for (char c : trimmed) {
    if (c >= '0' && c <= '9') {
      out.push_back(c);
      digits = true;
    } else if (c == '+' && out.empty()) {
      // Leading once the separators before it are dropped: "(+55) 11 ...".
      out.push_back('+');
    }
  }
  return digits ? out : std::string(trimmed);
}

bool LooksLikeEmail(std::string_view text) {
  return text.find('@') != std::string_view::npos;
}

bool LooksLikePhone(std::string_view text) {
  bool digits = false;
  bool plus = false;
  for (char c : Trim(text)) {
    if (c >= '0' && c <= '9') {
      digits = true;
    } else if (c == '+' && !digits && !plus) {
      plus = true;
    } else if (c != ' ' && c != '.' && c != '-' && c != '(' && c != ')') {
      return false;
    }
  }
  return digits;
}

std::string NormalizeLabel(std::string_view label) {
  return LowerCase(Trim(label));
}

std::vector<std::string> NormalizeLabels(
    const std::vector<std::string>& labels) {
  std::vector<std::string> out;
  out.reserve(labels.size());
  for (const auto& label : labels) {
    std::string normal = NormalizeLabel(label);
    if (normal.empty()) continue;
    if (std::find(out.begin(), out.end(), normal) == out.end()) {
      out.push_back(std::move(normal));
    }
  }
  return out;
}

}  // namespace ticketlog::base
