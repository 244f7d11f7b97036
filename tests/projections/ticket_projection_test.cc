// Counter changes of one command: which keys a ticket's change merges.
#include "projections/ticket_projection.h"

#include <algorithm>
#include <catch2/catch.hpp>

#include "projections/ticket_counts.h"
#include "projections/view_keys.h"
#include "store/coding.h"

namespace ticketlog::projections {
namespace {

TicketView Ticket() {
  TicketView v;
  v.account = "acme";
  v.ticket = "00000000-0000-4000-8000-000000000001";
  v.number = 1;
  v.status = TicketStatus::kOpen;
  v.awaiting = Awaiting::kOperator;
  v.channel = Channel::kEmail;
  v.department = "billing";
  v.created_at_us = 1'700'000'000'000'000;
  v.updated_at_us = v.created_at_us;
  return v;
}

std::string SlotName(size_t slot) {
  if (slot == kFirstResponseSlot) return "first_response";
  if (slot == kResolvedSlot) return "resolved";
  return std::string(Name(static_cast<TicketStatus>(slot / 2))) + "/" +
         std::string(Name(static_cast<Awaiting>(slot % 2)));
}

// The changes as text: a line per cell, "department/operator:" and its
// slot deltas; a line per other counter, "counter" and its delta.
std::string Print(const Counters& counters) {
  std::string out;
  for (const auto& [key, slots] : counters.cells) {
    CountCell cell;
    REQUIRE(DecodeCell(key, EncodeCellSlots(slots), CellPrefix("acme").size(),
                       cell));
    out += cell.department + "/" + cell.operator_id + ":";
    for (size_t slot = 0; slot < kCellSlots; ++slot) {
      if (slots[slot] == 0) continue;
      out += " " + SlotName(slot) + (slots[slot] > 0 ? " +" : " ") +
             std::to_string(slots[slot]);
    }
    out += "\n";
  }
  for (const auto& [key, count] : counters.scalars) {
    out += "counter " + std::to_string(count) + "\n";
  }
  return out;
}

}  // namespace

TEST_CASE("an opened ticket adds one to the slots of its cell",
          "[projections][cells]") {
  CHECK(Print(CounterDeltas(std::nullopt, Ticket())) ==
        "billing/: open/operator +1\n");
}

TEST_CASE(
    "a ticket that stays in its cell changes one cell key, whatever of "
    "status, awaiting, first response and resolution changed",
    "[projections][cells]") {
  TicketView before = Ticket();
  TicketView after = before;
  after.updated_at_us += 1;

  SECTION("a reply: awaiting and the first response") {
    after.awaiting = Awaiting::kCustomer;
    after.first_response_us = 60'000'000;
    CHECK(Print(CounterDeltas(before, after)) ==
          "billing/: open/operator -1 open/customer +1 first_response +1\n");
  }
  SECTION("finished: status and the resolution") {
    after.status = TicketStatus::kFinished;
    after.resolution_us = 120'000'000;
    CHECK(Print(CounterDeltas(before, after)) ==
          "billing/: open/operator -1 finished/operator +1 resolved +1\n");
    // Reopened: no longer resolved, though it keeps its resolution time.
    TicketView reopened = after;
    reopened.status = TicketStatus::kOpen;
    CHECK(Print(CounterDeltas(after, reopened)) ==
          "billing/: open/operator +1 finished/operator -1 resolved -1\n");
  }
  SECTION("a comment that changes no counted field: no counter changes") {
    after.subject = "renamed";
    CHECK(Print(CounterDeltas(before, after)).empty());
  }
  SECTION("one key, one merge operand") {
    after.status = TicketStatus::kPending;
    Counters deltas = CounterDeltas(before, after);
    Entries merges = CounterEntries(deltas);
    REQUIRE(merges.size() == 1);
    CHECK(merges[0].first == CellKey(before));
    CHECK(merges[0].second == EncodeCellSlots({-1, 0, 1}));
  }
}

TEST_CASE(
    "a ticket that changes cells takes its slots out of the old key and "
    "puts them in the new one",
    "[projections][cells]") {
  TicketView before = Ticket();
  before.first_response_us = 60'000'000;
  TicketView after = before;
  after.operator_id = "ana";
  after.awaiting = Awaiting::kCustomer;
  CHECK(Print(CounterDeltas(before, after)) ==
        "billing/: open/operator -1 first_response -1\n"
        "billing/ana: open/customer +1 first_response +1\n");
  CHECK(CounterEntries(CounterDeltas(before, after)).size() == 2);
}

TEST_CASE("labels and breach days stay 8-byte counters beside the cells",
          "[projections][cells]") {
  TicketView before = Ticket();
  TicketView after = before;
  after.labels = {"vip", "vip"};
  Counters deltas = CounterDeltas(before, after);
  CHECK(Print(deltas) == "counter 1\n");
  Entries entries = CounterEntries(deltas);
  REQUIRE(entries.size() == 1);
  CHECK(entries[0].first == CounterKey("acme", Dim::kLabel, "vip"));
  CHECK(entries[0].second == EncodeCount(1));
}

}  // namespace ticketlog::projections

namespace ticketlog::projections {
namespace {

// The list day changes as text: a line per day key, its day number since
// the epoch and its slot deltas.
std::string PrintDays(const Counters& counters) {
  std::string out;
  size_t prefix = ListDaysPrefix("acme").size();
  for (const auto& [key, slots] : counters.days) {
    out += "day " + std::to_string(DecodeListDay(key, prefix) / kUsPerDay) +
           ": updated " + std::to_string(slots[kUpdatedDaySlot]) +
           ", created " + std::to_string(slots[kCreatedDaySlot]) + "\n";
  }
  return out;
}

}  // namespace

TEST_CASE(
    "a ticket counts in the list days of its updated and created times, and "
    "only a command on another day than its last moves it",
    "[projections][cells]") {
  TicketView opened = Ticket();  // 2023-11-14T22:13:20Z: day 19675
  SECTION("an opening: one key, both slots") {
    Counters deltas = CounterDeltas(std::nullopt, opened);
    CHECK(PrintDays(deltas) == "day 19675: updated 1, created 1\n");
    Entries merges = CounterEntries(deltas);
    auto day = std::find_if(merges.begin(), merges.end(), [](const auto& e) {
      return e.first == ListDayKey("acme", 19675 * kUsPerDay);
    });
    REQUIRE(day != merges.end());
    std::string both;
    store::PutSlotCount(both, kUpdatedDaySlot, 1);
    store::PutSlotCount(both, kCreatedDaySlot, 1);
    CHECK(day->second == both);
  }
  SECTION("a reply the same UTC day: no list day changes") {
    TicketView after = opened;
    after.updated_at_us += 100LL * 60 * 1000000;  // 23:53:20
    CHECK(CounterDeltas(opened, after).days.empty());
  }
  SECTION("a reply after midnight UTC: out of one day, into the next") {
    TicketView after = opened;
    after.updated_at_us += 110LL * 60 * 1000000;  // 00:03:20 the next day
    CHECK(PrintDays(CounterDeltas(opened, after)) ==
          "day 19675: updated -1, created 0\n"
          "day 19676: updated 1, created 0\n");
  }
  SECTION("before 1970, days are floored") {
    TicketView old = opened;
    old.created_at_us = -1;
    old.updated_at_us = -1;
    CHECK(PrintDays(CounterDeltas(std::nullopt, old)) ==
          "day -1: updated 1, created 1\n");
  }
}

TEST_CASE(
    "of every key a ticket's command writes, only its record is a ticket key",
    "[projections]") {
  // The engine keeps the records a command puts by this test of the key
  // (engine_commands.cc): list entries, counters and the number index
  // must not pass for records.
  TicketView before = Ticket();
  TicketView after = before;
  after.operator_id = "ana";
  after.customer.contact = "c-1";
  after.labels = {"vip"};
  after.updated_at_us += 86'400'000'000;
  std::vector<store::ViewOp> ops;
  DiffTicketEntries(std::nullopt, before, ops);
  DiffTicketEntries(before, after, ops);
  for (const auto& [key, value] : CounterEntries(CounterDeltas(before, after)))
    ops.push_back({store::ViewOp::Kind::kPut, key, value});
  std::vector<std::string> ticket_keys;
  for (const store::ViewOp& op : ops) {
    if (IsTicketKey(op.key)) ticket_keys.push_back(op.key);
  }
  std::string record = TicketKey(before.account, before.ticket);
  CHECK(ticket_keys == std::vector<std::string>{record, record});
  CHECK(ops.size() > ticket_keys.size() + 4);
  CHECK_FALSE(IsTicketKey(""));
  CHECK_FALSE(IsTicketKey(TicketByNumberKey(before.account, before.number)));
  CHECK_FALSE(IsTicketKey(ContactKey(before.account, "c-1")));
  CHECK_FALSE(IsTicketKey(NumberKey(before.account)));
}

}  // namespace ticketlog::projections
