// Byte coding of keys and values, both directions: big-endian integers
// (fixed-width integers sort numerically as bytes), length-prefixed
// components and slot vectors.
#ifndef TICKETLOG_STORE_CODING_H_
#define TICKETLOG_STORE_CODING_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace ticketlog::store {

// Writes v as 8 (4) big-endian bytes at `at`, which must have room for
// them: for a length filled in once known, or a fixed buffer.
inline void WriteBigEndian64(char* at, uint64_t v) {
  for (int i = 0; i < 8; ++i) {
    at[i] = static_cast<char>((v >> (56 - 8 * i)) & 0xFF);
  }
}

inline void WriteBigEndian32(char* at, uint32_t v) {
  for (int i = 0; i < 4; ++i) {
    at[i] = static_cast<char>((v >> (24 - 8 * i)) & 0xFF);
  }
}

inline void PutBigEndian64(std::string& out, uint64_t v) {
  char bytes[8];
  WriteBigEndian64(bytes, v);
  out.append(bytes, sizeof bytes);
}

inline void PutBigEndian32(std::string& out, uint32_t v) {
  char bytes[4];
  WriteBigEndian32(bytes, v);
  out.append(bytes, sizeof bytes);
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

// A slot vector: signed counts by slot number (0-255), stored sparse as
// `slot be64(count)` pairs (count in two's complement) in increasing slot
// order, zero counts left out, so that all zero is the empty string. Its
// length is a multiple of kSlotPairSize; an 8-byte counter's never is.
inline constexpr size_t kSlotPairSize = 9;

// Appends one pair; the caller appends slots in increasing order and leaves
// out zero counts.
inline void PutSlotCount(std::string& out, uint8_t slot, int64_t count) {
  out.push_back(static_cast<char>(slot));
  PutBigEndian64(out, static_cast<uint64_t>(count));
}

// The slot vector of `counts`: count i at slot i, zero counts left out.
// Slots are one byte: counts past the 256th have no slot and are not
// written (the views' slot vectors have at most 10).
inline std::string EncodeSlotCounts(std::span<const int64_t> counts) {
  std::string out;
  for (size_t slot = 0; slot < counts.size() && slot < 256; ++slot) {
    if (counts[slot] != 0) {
      PutSlotCount(out, static_cast<uint8_t>(slot), counts[slot]);
    }
  }
  return out;
}

// Calls fn(slot, count) for each pair of `bytes` in order. False when
// `bytes` is not a slot vector: at once when its length is not a multiple
// of kSlotPairSize; after calling fn for the pairs before the fault when
// its slots do not increase.
template <typename Fn>
bool ForEachSlotCount(std::string_view bytes, Fn&& fn) {
  if (bytes.size() % kSlotPairSize != 0) return false;
  int previous = -1;
  for (size_t pos = 0; pos < bytes.size(); pos += kSlotPairSize) {
    int slot = static_cast<unsigned char>(bytes[pos]);
    if (slot <= previous) return false;
    previous = slot;
    fn(static_cast<uint8_t>(slot),
       static_cast<int64_t>(GetBigEndian64(bytes.substr(pos + 1))));
  }
  return true;
}

}  // namespace ticketlog::store

#endif  // TICKETLOG_STORE_CODING_H_
