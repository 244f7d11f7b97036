#include "projections/ticket_projection.h"

#include <algorithm>
#include <limits>

#include "domain/sla.h"
#include "projections/ticket_counts.h"
#include "projections/view_keys.h"
#include "schema/codec.h"
#include "schema/event_message.h"
#include "store/coding.h"

namespace ticketlog::projections {
namespace {

constexpr size_t kUuidLength = 36;

// The selective lists a ticket appears in besides the two kAll lists: few
// tickets share a customer, an operator, a department or a label, so a query
// on one of them reads its own list rather than filtering the whole
// account. These lists are in created-time order only and their entries
// carry no value, so that no command but one that changes the membership
// rewrites them.
std::vector<std::pair<Dim, std::string>> SelectiveLists(const TicketView& v) {
  std::vector<std::pair<Dim, std::string>> out = {
      {Dim::kDepartment, v.department},
      {Dim::kOperator, v.operator_id},
      {Dim::kCustomer, v.customer.contact},
  };
  // Labels may repeat in a command; a ticket is in each label's list once.
  std::vector<std::string> labels = v.labels;
  std::sort(labels.begin(), labels.end());
  labels.erase(std::unique(labels.begin(), labels.end()), labels.end());
  for (auto& label : labels) out.emplace_back(Dim::kLabel, std::move(label));
  return out;
}

}  // namespace

// Layout (ticket_projection.h): ticket[36] flags status channel priority
// be64(created) [awaiting be64(updated) when hot] [be64(breach time) when
// it has one] comp(department) comp(operator) comp(contact) comp(label)*.
namespace {

// EncodeIndexRecord with the ticket's breach time already worked out.
std::string EncodeRecord(const TicketView& v, bool hot,
                         std::optional<TimeUs> breach_at) {
  std::string out;
  out.reserve(104 + v.department.size() + v.operator_id.size());
  out.append(v.ticket);
  out.push_back(static_cast<char>((hot ? kRecordHot : 0) |
                                  (breach_at ? kRecordHasBreach : 0)));
  out.push_back(static_cast<char>(v.status));
  out.push_back(static_cast<char>(v.channel));
  out.push_back(static_cast<char>(v.priority));
  store::PutBigEndian64(out, static_cast<uint64_t>(v.created_at_us));
  if (hot) {
    out.push_back(static_cast<char>(v.awaiting));
    store::PutBigEndian64(out, static_cast<uint64_t>(v.updated_at_us));
  }
  if (breach_at) store::PutBigEndian64(out, static_cast<uint64_t>(*breach_at));
  store::PutComponent(out, v.department);
  store::PutComponent(out, v.operator_id);
  store::PutComponent(out, v.customer.contact);
  for (const auto& label : v.labels) store::PutComponent(out, label);
  return out;
}

}  // namespace

std::string EncodeIndexRecord(const TicketView& v, bool hot) {
  return EncodeRecord(v, hot, domain::SlaMarksOf(v).breach_at_us);
}

bool DecodeIndexRecord(std::string_view bytes, IndexRecord& r) {
  constexpr size_t kFixed = kUuidLength + 4 + 8;
  constexpr size_t kHot = 1 + 8;
  if (bytes.size() < kFixed) return false;
  r.ticket.assign(bytes.substr(0, kUuidLength));
  size_t pos = kUuidLength;
  char flags = bytes[pos++];
  if ((flags & ~(kRecordHot | kRecordHasBreach)) != 0) return false;
  r.hot = (flags & kRecordHot) != 0;
  r.status = static_cast<TicketStatus>(bytes[pos++]);
  r.channel = static_cast<Channel>(bytes[pos++]);
  r.priority = static_cast<Priority>(bytes[pos++]);
  r.created_at_us =
      static_cast<TimeUs>(store::GetBigEndian64(bytes.substr(pos)));
  pos += 8;
  if (r.hot) {
    if (bytes.size() < pos + kHot) return false;
    r.awaiting = static_cast<Awaiting>(bytes[pos++]);
    r.updated_at_us =
        static_cast<TimeUs>(store::GetBigEndian64(bytes.substr(pos)));
    pos += 8;
  }
  r.sla_breach_at_us.reset();
  if ((flags & kRecordHasBreach) != 0) {
    if (bytes.size() < pos + 8) return false;
    r.sla_breach_at_us =
        static_cast<TimeUs>(store::GetBigEndian64(bytes.substr(pos)));
    pos += 8;
  }
  auto component = [&](std::string& out) {
    if (pos + 2 > bytes.size()) return false;
    size_t n = (static_cast<unsigned char>(bytes[pos]) << 8) |
               static_cast<unsigned char>(bytes[pos + 1]);
    if (pos + 2 + n > bytes.size()) return false;
    out.assign(bytes.substr(pos + 2, n));
    pos += 2 + n;
    return true;
  };
  if (!component(r.department) || !component(r.operator_id) ||
      !component(r.contact)) {
    return false;
  }
  r.labels.clear();
  while (pos < bytes.size()) {
    if (!component(r.labels.emplace_back())) return false;
  }
  return true;
}

namespace {

// Every entry but the ticket record itself. A reply changes the ticket's
// updated time and awaiting only: it moves its one updated-time entry and
// leaves every other entry as it was.
void AppendDerivedEntries(const TicketView& v, Entries& out) {
  domain::SlaMarks marks = domain::SlaMarksOf(v);
  std::string hot = EncodeRecord(v, true, marks.breach_at_us);
  out.emplace_back(
      IndexKey(IndexPrefix(v.account, Dim::kAll, "", SortField::kUpdated),
               v.updated_at_us, v.number),
      hot);
  out.emplace_back(
      IndexKey(IndexPrefix(v.account, Dim::kAll, "", SortField::kCreated),
               v.created_at_us, v.number),
      EncodeRecord(v, false, marks.breach_at_us));
  for (const auto& [dim, value] : SelectiveLists(v)) {
    out.emplace_back(
        IndexKey(IndexPrefix(v.account, dim, value, SortField::kCreated),
                 v.created_at_us, v.number),
        std::string());
  }
  if (v.first_response_us) {
    out.emplace_back(
        DurationKey(v.account, 'f', *v.first_response_us, v.ticket), "");
  }
  if (Resolved(v)) {
    out.emplace_back(DurationKey(v.account, 'r', *v.resolution_us, v.ticket),
                     "");
  }
  // SLA entries carry the hot record, so that a list filters them like the
  // updated-time list's entries without reading views. Only tickets under a
  // policy have them.
  if (marks.breach_at_us) {
    out.emplace_back(IndexKey(SlaPrefix(v.account, SlaIndex::kBreach),
                              *marks.breach_at_us, v.number),
                     hot);
  }
  if (marks.paused_at_risk) {
    out.emplace_back(IndexKey(SlaPrefix(v.account, SlaIndex::kPausedAtRisk),
                              marks.breach_at_us.value_or(
                                  std::numeric_limits<TimeUs>::max()),
                              v.number),
                     std::move(hot));
  }
}

}  // namespace

void AppendTicketEntries(const TicketView& v, Entries& out) {
  out.emplace_back(TicketKey(v.account, v.ticket), schema::EncodeTicketView(v));
  out.emplace_back(TicketByNumberKey(v.account, v.number), v.ticket);
  AppendDerivedEntries(v, out);
}

void AddTicketCounters(const TicketView& v, Counters& out) {
  CellSlots& cell = out.cells[CellKey(v)];
  CellSlots slots = CellSlotsOf(v);
  for (size_t slot = 0; slot < kCellSlots; ++slot) cell[slot] += slots[slot];
  std::vector<std::string> labels = v.labels;
  std::sort(labels.begin(), labels.end());
  labels.erase(std::unique(labels.begin(), labels.end()), labels.end());
  for (const auto& label : labels) {
    out.scalars[CounterKey(v.account, Dim::kLabel, label)] += 1;
  }
  // The breach index's entries per day, of the account and of the
  // ticket's department, so that a list of the breached tickets counts
  // them without reading each (list_query.cc).
  if (auto breach_at = domain::SlaMarksOf(v).breach_at_us) {
    TimeUs day = UtcDay(*breach_at);
    out.scalars[BreachDayKey(v.account, nullptr, day)] += 1;
    out.scalars[BreachDayKey(v.account, &v.department, day)] += 1;
  }
  // The list days, which a page by number sums to find its first ticket.
  out.days[ListDayKey(v.account, UtcDay(v.updated_at_us))][kUpdatedDaySlot] +=
      1;
  out.days[ListDayKey(v.account, UtcDay(v.created_at_us))][kCreatedDaySlot] +=
      1;
}

namespace {

// Takes `old_counts` out of `into`, slot by slot, and drops the keys whose
// slots all end at zero.
template <typename Slots>
void SubtractSlots(std::map<std::string, Slots>& into,
                   const std::map<std::string, Slots>& old_counts) {
  for (const auto& [key, slots] : old_counts) {
    Slots& delta = into[key];
    for (size_t slot = 0; slot < slots.size(); ++slot)
      delta[slot] -= slots[slot];
  }
  std::erase_if(into, [](const auto& entry) {
    return std::all_of(entry.second.begin(), entry.second.end(),
                       [](int64_t n) { return n == 0; });
  });
}

}  // namespace

void DiffTicketEntries(const std::optional<TicketView>& before,
                       const TicketView& after,
                       std::vector<store::ViewOp>& ops) {
  // The ticket record changes with every event (its version does): put it
  // without comparing.
  ops.push_back({store::ViewOp::Kind::kPut,
                 TicketKey(after.account, after.ticket),
                 schema::EncodeTicketView(after)});
  // A ticket's number never changes: its entry is written once.
  if (!before) {
    ops.push_back({store::ViewOp::Kind::kPut,
                   TicketByNumberKey(after.account, after.number),
                   after.ticket});
  }
  Entries old_entries;
  if (before) AppendDerivedEntries(*before, old_entries);
  Entries new_entries;
  AppendDerivedEntries(after, new_entries);
  std::sort(old_entries.begin(), old_entries.end());
  std::sort(new_entries.begin(), new_entries.end());
  auto o = old_entries.begin();
  auto n = new_entries.begin();
  while (o != old_entries.end() || n != new_entries.end()) {
    if (n == new_entries.end() ||
        (o != old_entries.end() && o->first < n->first)) {
      ops.push_back({store::ViewOp::Kind::kDelete, std::move(o->first), {}});
      ++o;
    } else if (o == old_entries.end() || n->first < o->first) {
      ops.push_back({store::ViewOp::Kind::kPut, std::move(n->first),
                     std::move(n->second)});
      ++n;
    } else {
      if (o->second != n->second) {
        ops.push_back({store::ViewOp::Kind::kPut, std::move(n->first),
                       std::move(n->second)});
      }
      ++o;
      ++n;
    }
  }
}

Counters CounterDeltas(const std::optional<TicketView>& before,
                       const TicketView& after) {
  Counters deltas;
  AddTicketCounters(after, deltas);
  if (before) {
    Counters old_counts;
    AddTicketCounters(*before, old_counts);
    for (const auto& [key, count] : old_counts.scalars) {
      deltas.scalars[key] -= count;
    }
    SubtractSlots(deltas.cells, old_counts.cells);
    SubtractSlots(deltas.days, old_counts.days);
  }
  std::erase_if(deltas.scalars,
                [](const auto& entry) { return entry.second == 0; });
  return deltas;
}

Entries CounterEntries(const Counters& counters) {
  Entries out;
  out.reserve(counters.scalars.size() + counters.cells.size() +
              counters.days.size());
  for (const auto& [key, count] : counters.scalars) {
    if (count != 0) out.emplace_back(key, EncodeCount(count));
  }
  for (const auto& [key, slots] : counters.cells) {
    std::string value = EncodeCellSlots(slots);
    if (!value.empty()) out.emplace_back(key, std::move(value));
  }
  for (const auto& [key, slots] : counters.days) {
    std::string value = store::EncodeSlotCounts(slots);
    if (!value.empty()) out.emplace_back(key, std::move(value));
  }
  return out;
}

std::vector<const Message*> MessagesOf(const EventPayload& payload) {
  std::vector<const Message*> messages;
  if (const Message* own = schema::OwnMessage(payload)) {
    messages.push_back(own);
  } else if (const auto* merged = std::get_if<TicketMergedFrom>(&payload)) {
    for (const Message& message : merged->messages) {
      messages.push_back(&message);
    }
  }
  return messages;
}

std::string MessagesPayload(const EventPayload& payload) {
  std::string out;
  AppendMessagesPayload(payload, out);
  return out;
}

void AppendMessagesPayload(const EventPayload& payload, std::string& out) {
  auto add = [&out](const Message& message) {
    // be32(length), then the bytes: the length is filled in once known.
    size_t at = out.size();
    out.append(4, '\0');
    schema::AppendEncodedMessage(message, out);
    store::WriteBigEndian32(&out[at],
                            static_cast<uint32_t>(out.size() - at - 4));
  };
  if (const Message* own = schema::OwnMessage(payload)) {
    add(*own);
  } else if (const auto* merged = std::get_if<TicketMergedFrom>(&payload)) {
    for (const Message& message : merged->messages) add(message);
  }
}

Status SplitMessagesPayload(std::string_view payload,
                            std::vector<std::string_view>& out) {
  while (!payload.empty()) {
    uint32_t length =
        payload.size() >= 4 ? store::GetBigEndian32(payload) : UINT32_MAX;
    if (payload.size() < 4 || payload.size() - 4 < length) {
      return Status::Corruption(
          "a stream index entry's messages are cut short");
    }
    out.push_back(payload.substr(4, length));
    payload.remove_prefix(4 + length);
  }
  return Status::OK();
}

Status DecodeMessagesPayload(std::string_view payload,
                             std::vector<Message>& out) {
  std::vector<std::string_view> parts;
  TICKETLOG_RETURN_IF_ERROR(SplitMessagesPayload(payload, parts));
  for (std::string_view part : parts) {
    TICKETLOG_RETURN_IF_ERROR(schema::DecodeMessage(part, out.emplace_back()));
  }
  return Status::OK();
}

}  // namespace ticketlog::projections
