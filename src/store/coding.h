// Byte coding of keys and values, both directions: big-endian integers
// (fixed-width integers sort numerically as bytes) and length-prefixed
// components.
#ifndef TICKETLOG_STORE_CODING_H_
#define TICKETLOG_STORE_CODING_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace ticketlog::store {

inline void PutBigEndian64(std::string& out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((v >> shift) & 0xFF));
  }
}

inline void PutBigEndian32(std::string& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((v >> shift) & 0xFF));
  }
}

// Requires bytes.size() >= 8.
inline uint64_t GetBigEndian64(std::string_view bytes) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) {
    v = (v << 8) | static_cast<unsigned char>(bytes[i]);
  }
  return v;
}

inline uint32_t GetBigEndian32(std::string_view bytes) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) {
    v = (v << 8) | static_cast<unsigned char>(bytes[i]);
  }
  return v;
}

inline std::string BigEndian64(uint64_t v) {
  std::string out;
  PutBigEndian64(out, v);
  return out;
}

// A length-prefixed component: sorts by length first, then bytes; keeps
// variable-length parts of a key unambiguous. Requires part.size() < 65536.
inline void PutComponent(std::string& out, std::string_view part) {
  out.push_back(static_cast<char>((part.size() >> 8) & 0xFF));
  out.push_back(static_cast<char>(part.size() & 0xFF));
  out.append(part);
}

}  // namespace ticketlog::store

#endif  // TICKETLOG_STORE_CODING_H_
