// Count cells: keys without status and awaiting, values that count by slot.
#include "projections/ticket_counts.h"

#include <catch2/catch.hpp>

#include "projections/view_keys.h"
#include "store/coding.h"

namespace ticketlog::projections {
namespace {

TicketView Ticket() {
  TicketView v;
  v.account = "acme";
  v.ticket = "00000000-0000-4000-8000-000000000001";
  v.number = 1;
  v.status = TicketStatus::kPending;
  v.awaiting = Awaiting::kCustomer;
  v.channel = Channel::kEmail;
  v.priority = Priority::kHigh;
  v.department = "billing";
  v.operator_id = "ana";
  return v;
}

CountCell Decoded(const std::string& key, const std::string& value) {
  CountCell cell;
  REQUIRE(DecodeCell(key, value, CellPrefix("acme").size(), cell));
  return cell;
}

}  // namespace

TEST_CASE(
    "a cell key holds channel, priority, department and operator, and its "
    "slots status, awaiting, first response and resolution",
    "[projections][cells]") {
  TicketView v = Ticket();
  std::string key = CellKey(v);
  CHECK(key == CellPrefix("acme") + std::string("\x01\x02\0\x07", 4) +
                   "billing" + std::string("\0\x03", 2) + "ana");
  // Status and awaiting stay out of the key.
  TicketView closed = v;
  closed.status = TicketStatus::kClosed;
  closed.awaiting = Awaiting::kOperator;
  CHECK(CellKey(closed) == key);

  v.first_response_us = 60'000'000;
  CellSlots slots = CellSlotsOf(v);
  CHECK(slots == CellSlots{0, 0, 0, 1, 0, 0, 0, 0, 1, 0});
  CHECK(StateSlot(TicketStatus::kPending, Awaiting::kCustomer) == 3);
  // Resolved: finished or closed with a resolution time.
  v.resolution_us = 120'000'000;
  CHECK(CellSlotsOf(v)[kResolvedSlot] == 0);
  v.status = TicketStatus::kFinished;
  CHECK(CellSlotsOf(v) == CellSlots{0, 0, 0, 0, 0, 1, 0, 0, 1, 1});
}

TEST_CASE(
    "cell values are sparse slot vectors: zero slots left out, negative "
    "counts kept, all zero empty",
    "[projections][cells]") {
  CellSlots slots{};
  CHECK(EncodeCellSlots(slots).empty());
  slots[1] = 2;
  slots[6] = -1;
  slots[kResolvedSlot] = 5;
  std::string value = EncodeCellSlots(slots);
  CHECK(value.size() == 3 * store::kSlotPairSize);
  CHECK(value[0] == 1);
  CHECK(value[9] == 6);
  CHECK(value[18] == 9);
  std::string key = CellKey(Ticket());
  CountCell cell = Decoded(key, value);
  CHECK(cell.slots == slots);
  CHECK(cell.channel == Channel::kEmail);
  CHECK(cell.priority == Priority::kHigh);
  CHECK(cell.department == "billing");
  CHECK(cell.operator_id == "ana");
  CHECK(Decoded(key, "").slots == CellSlots{});

  CountCell refused;
  size_t prefix = CellPrefix("acme").size();
  CHECK_FALSE(DecodeCell(key, store::BigEndian64(1), prefix, refused));
  std::string unknown_slot;
  store::PutSlotCount(unknown_slot, kCellSlots, 1);
  CHECK_FALSE(DecodeCell(key, unknown_slot, prefix, refused));
  CHECK_FALSE(DecodeCell(key + "x", value, prefix, refused));
}

TEST_CASE("status and awaiting filters select the slots of a matching cell",
          "[projections][cells]") {
  CountCell cell;
  cell.department = "billing";
  cell.operator_id = "ana";
  cell.channel = Channel::kChat;
  cell.slots = {1, 2, 4, 8, 16, 32, 64, 128, 1000, 2000};
  // First responses and resolutions are not tickets by state.
  CHECK(CellTickets(cell) == 255);
  CHECK(CellTickets(cell, {TicketStatus::kPending}) == 12);
  CHECK(CellTickets(cell, {TicketStatus::kOpen, TicketStatus::kClosed},
                    Awaiting::kCustomer) == 2 + 128);

  ListQuery q;
  q.account = "acme";
  CHECK(MatchingTickets(q, cell) == 255);
  q.statuses = {TicketStatus::kFinished};
  q.awaiting = Awaiting::kOperator;
  CHECK(MatchingTickets(q, cell) == 16);
  q.operator_id = "ana";
  q.channel = Channel::kChat;
  CHECK(MatchingTickets(q, cell) == 16);
  q.department = "support";
  CHECK(MatchingTickets(q, cell) == 0);
  q.department.reset();
  q.unassigned = true;
  CHECK(MatchingTickets(q, cell) == 0);
}

}  // namespace ticketlog::projections
