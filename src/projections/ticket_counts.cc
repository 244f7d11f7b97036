#include "projections/ticket_counts.h"

#include <algorithm>

#include "projections/view_keys.h"
#include "store/coding.h"

namespace ticketlog::projections {

std::string CellPrefix(std::string_view account) {
  std::string key = AccountPrefix(Prefix::kCounter, account);
  key.push_back(static_cast<char>(Dim::kCells));
  return key;
}

std::string CellKey(const TicketView& v) {
  std::string key = CellPrefix(v.account);
  key.push_back(static_cast<char>(v.status));
  key.push_back(static_cast<char>(v.channel));
  key.push_back(static_cast<char>(v.priority));
  key.push_back(static_cast<char>(v.awaiting));
  store::PutComponent(key, v.department);
  store::PutComponent(key, v.operator_id);
  return key;
}

bool DecodeCell(std::string_view key, std::string_view value, size_t prefix,
                CountCell& cell) {
  if (key.size() < prefix + 4 || value.size() != 8) return false;
  size_t pos = prefix;
  cell.status = static_cast<TicketStatus>(key[pos++]);
  cell.channel = static_cast<Channel>(key[pos++]);
  cell.priority = static_cast<Priority>(key[pos++]);
  cell.awaiting = static_cast<Awaiting>(key[pos++]);
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
  cell.count = DecodeCount(value);
  return true;
}

bool CellsAnswer(const ListQuery& q) {
  return !q.customer && !q.label && !q.created_from_us && !q.created_to_us &&
         !q.updated_from_us && !q.updated_to_us;
}

bool CellMatches(const ListQuery& q, const CountCell& cell) {
  if (!q.statuses.empty() && std::find(q.statuses.begin(), q.statuses.end(),
                                       cell.status) == q.statuses.end()) {
    return false;
  }
  if (q.department && cell.department != *q.department) return false;
  if (q.operator_id && cell.operator_id != *q.operator_id) return false;
  if (q.unassigned && !cell.operator_id.empty()) return false;
  if (q.channel && cell.channel != *q.channel) return false;
  if (q.priority && cell.priority != *q.priority) return false;
  if (q.awaiting && cell.awaiting != *q.awaiting) return false;
  return true;
}

}  // namespace ticketlog::projections
