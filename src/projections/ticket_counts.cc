#include "projections/ticket_counts.h"

#include <algorithm>

#include "projections/view_keys.h"
#include "store/coding.h"

namespace ticketlog::projections {

bool Resolved(const TicketView& v) {
  return v.resolution_us && (v.status == TicketStatus::kFinished ||
                             v.status == TicketStatus::kClosed);
}

std::string CellPrefix(std::string_view account) {
  std::string key = AccountPrefix(Prefix::kCounter, account);
  key.push_back(static_cast<char>(Dim::kCells));
  return key;
}

std::string CellKey(const TicketView& v) {
  std::string key = CellPrefix(v.account);
  key.push_back(static_cast<char>(v.channel));
  key.push_back(static_cast<char>(v.priority));
  store::PutComponent(key, v.department);
  store::PutComponent(key, v.operator_id);
  return key;
}

CellSlots CellSlotsOf(const TicketView& v) {
  CellSlots slots{};
  slots[StateSlot(v.status, v.awaiting)] = 1;
  if (v.first_response_us) slots[kFirstResponseSlot] = 1;
  if (Resolved(v)) slots[kResolvedSlot] = 1;
  return slots;
}

std::string EncodeCellSlots(const CellSlots& slots) {
  return store::EncodeSlotCounts(slots);
}

bool DecodeCell(std::string_view key, std::string_view value, size_t prefix,
                CountCell& cell) {
  if (key.size() < prefix + 2) return false;
  size_t pos = prefix;
  cell.channel = static_cast<Channel>(key[pos++]);
  cell.priority = static_cast<Priority>(key[pos++]);
  auto component = [&](std::string& out) {
    if (pos + 2 > key.size()) return false;
    size_t n = (static_cast<unsigned char>(key[pos]) << 8) |
               static_cast<unsigned char>(key[pos + 1]);
    if (pos + 2 + n > key.size()) return false;
    out.assign(key.substr(pos + 2, n));
    pos += 2 + n;
    return true;
  };
  if (!component(cell.department) || !component(cell.operator_id) ||
      pos != key.size()) {
    return false;
  }
  cell.slots.fill(0);
  bool known = true;
  bool decoded = store::ForEachSlotCount(value, [&](uint8_t slot, int64_t n) {
    if (slot < kCellSlots) {
      cell.slots[slot] = n;
    } else {
      known = false;
    }
  });
  return decoded && known;
}

int64_t CellTickets(const CountCell& cell,
                    const std::vector<TicketStatus>& statuses,
                    std::optional<Awaiting> awaiting) {
  int64_t total = 0;
  for (size_t slot = 0; slot < kStateSlots; ++slot) {
    auto status = static_cast<TicketStatus>(slot / 2);
    if (!statuses.empty() &&
        std::find(statuses.begin(), statuses.end(), status) == statuses.end()) {
      continue;
    }
    if (awaiting && static_cast<size_t>(*awaiting) != slot % 2) continue;
    total += cell.slots[slot];
  }
  return total;
}

bool CellsAnswer(const ListQuery& q) {
  return !q.customer && !q.label && !q.created_from_us && !q.created_to_us &&
         !q.updated_from_us && !q.updated_to_us;
}

int64_t MatchingTickets(const ListQuery& q, const CountCell& cell) {
  if (q.department && cell.department != *q.department) return 0;
  if (q.operator_id && cell.operator_id != *q.operator_id) return 0;
  if (q.unassigned && !cell.operator_id.empty()) return 0;
  if (q.channel && cell.channel != *q.channel) return 0;
  if (q.priority && cell.priority != *q.priority) return 0;
  return CellTickets(cell, q.statuses, q.awaiting);
}

}  // namespace ticketlog::projections
