// The store's column families.
#ifndef TICKETLOG_STORE_FAMILY_H_
#define TICKETLOG_STORE_FAMILY_H_

#include <cstdint>

namespace ticketlog::store {

// Column families. Their names are part of the on-disk format.
enum class Family : uint8_t {
  kLog = 0,  // "log":         be64(position) -> Envelope
  kStreams =
      1,  // "streams":     component(stream) be64(version) -> be64(position)
  kHeads = 2,  // "heads":       stream -> be64(version) be64(position)
  kIdempotency =
      3,  // "idempotency": command key -> be64(position) be64(version) result
  kViews = 4,  // the live views: "views" or "views.1" (meta "views")
  kMeta = 5,   // "meta":        "head" -> be64(position) hash[32],
               //                "views" -> the live views slot
};
// The families above plus the second views slot, "views.1": views are
// rebuilt into the slot that is not live and switched in one write.
inline constexpr int kFamilyCount = 7;

}  // namespace ticketlog::store

#endif  // TICKETLOG_STORE_FAMILY_H_
