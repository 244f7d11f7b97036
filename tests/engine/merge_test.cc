// Merge through the public API: both tickets' views, their messages and
// history, refusals that write nothing, and rebuild.
#include <catch2/catch.hpp>
#include <string>
#include <utility>
#include <vector>

#include "support/engine_fixture.h"

using namespace ticketlog;
using namespace ticketlog::testing;

namespace {

// Two tickets of acme: the source (a reply, then a custom status running)
// and the target.
struct Pair {
  std::string source, target;
};

Pair OpenPair(EngineFixture& f) {
  f.DefineDirectory("acme");
  Pair pair;
  pair.target =
      f.Open("acme", kT0 + kMinute, "c-1", Channel::kApi, "ana").ticket;
  pair.source =
      f.Open("acme", kT0 + 2 * kMinute, "c-1", Channel::kApi, "ana").ticket;
  f.Must("acme", Reply{pair.source, ActorKind::kOperator, "On it."},
         kT0 + 3 * kMinute);
  f.Must("acme", StartStatus{pair.source, "waiting_vendor"}, kT0 + 4 * kMinute);
  return pair;
}

}  // namespace

TEST_CASE("a merge closes the source and gives the target its messages") {
  EngineFixture f;
  Pair pair = OpenPair(f);
  CommandResult merged =
      f.Must("acme", Merge{pair.source, pair.target}, kT0 + 10 * kMinute);
  CHECK(merged.ticket == pair.target);
  CHECK(merged.number == 1);
  CHECK(merged.version == 2);
  CHECK(merged.events_appended == 5);
  CHECK(merged.position == f.HeadPosition());

  auto source = f.engine().GetTicket("acme", pair.source);
  REQUIRE(source.ok());
  CHECK(source->status == TicketStatus::kClosed);
  CHECK(source->resolution == "merged");
  CHECK(source->merged_into == pair.target);
  CHECK(source->custom_status.empty());
  CHECK(source->status_durations_us.at("waiting_vendor") == 6 * kMinute);
  CHECK(source->closed_at_us == kT0 + 10 * kMinute);

  auto target = f.engine().GetTicket("acme", pair.target);
  REQUIRE(target.ok());
  CHECK(target->status == TicketStatus::kOpen);
  CHECK(target->merged_from == std::vector<std::string>{pair.source});
  CHECK(target->message_count == 3);
  CHECK(target->version == 2);

  auto messages = f.engine().GetMessages("acme", pair.target, 1);
  REQUIRE(messages.ok());
  REQUIRE(messages->items.size() == 3);
  CHECK(messages->items[0].merged_from.empty());
  CHECK(messages->items[1].seq == 2);
  CHECK(messages->items[1].merged_from == pair.source);
  CHECK(messages->items[1].merged_seq == 1);
  CHECK(messages->items[2].content == "On it.");
  CHECK(messages->items[2].merged_seq == 2);

  auto source_history = f.engine().History("acme", pair.source);
  REQUIRE(source_history.ok());
  std::string types;
  for (const Event& e : *source_history) {
    types += std::string(EventTypeName(e.payload)) + " ";
  }
  CHECK(types ==
        "TicketOpened MessageAdded StatusStarted StatusStopped "
        "TicketMergedInto TicketFinished TicketClosed ");
  auto target_history = f.engine().History("acme", pair.target);
  REQUIRE(target_history.ok());
  REQUIRE(target_history->size() == 2);
  CHECK(std::get<TicketMergedFrom>(target_history->back().payload).ticket ==
        pair.source);
}

TEST_CASE("a merged source refuses a customer reply as closed") {
  EngineFixture f;
  Pair pair = OpenPair(f);
  f.Must("acme", Merge{pair.source, pair.target}, kT0 + 10 * kMinute);
  auto reply = f.Run("acme", Reply{pair.source, ActorKind::kCustomer, "hi?"},
                     kT0 + 11 * kMinute);
  CHECK(reply.status().code() == Code::kTicketClosed);
}

TEST_CASE("refused merges write nothing") {
  EngineFixture f;
  Pair pair = OpenPair(f);
  f.DefineDirectory("globex");
  std::string other =
      f.Open("globex", kT0 + kMinute, "c-9").ticket;  // another account
  uint64_t head = f.HeadPosition();
  const std::string missing = "00000000-0000-4000-8000-000000000000";
  struct Case {
    Merge merge;
    std::string account;
    Code code;
  } cases[] = {
      {{pair.source, pair.source}, "acme", Code::kInvalidArgument},
      {{pair.source, "not-a-uuid"}, "acme", Code::kInvalidArgument},
      {{pair.source, missing}, "acme", Code::kNotFound},
      {{missing, pair.target}, "acme", Code::kNotFound},
      {{pair.source, other}, "acme", Code::kNotFound},
      {{other, pair.source}, "globex", Code::kNotFound},
  };
  for (const Case& c : cases) {
    auto refused = f.Run(c.account, c.merge, kT0 + 10 * kMinute);
    INFO(c.merge.ticket << " into " << c.merge.into);
    CHECK(refused.status().code() == c.code);
  }
  // Too early for the source's last event.
  CHECK(f.Run("acme", Merge{pair.source, pair.target}, kT0 + 3 * kMinute)
            .status()
            .code() == Code::kInvalidArgument);
  // A stale expected version of the source.
  CHECK(
      f.Run("acme", Merge{pair.source, pair.target}, kT0 + 10 * kMinute, "", 1)
          .status()
          .code() == Code::kConflict);
  CHECK(f.HeadPosition() == head);

  f.Must("acme", Merge{pair.source, pair.target}, kT0 + 10 * kMinute);
  head = f.HeadPosition();
  // Either side closed.
  CHECK(f.Run("acme", Merge{pair.source, pair.target}, kT0 + 11 * kMinute)
            .status()
            .code() == Code::kTicketClosed);
  CHECK(f.Run("acme", Merge{pair.target, pair.source}, kT0 + 11 * kMinute)
            .status()
            .code() == Code::kTicketClosed);
  CHECK(f.HeadPosition() == head);
}

TEST_CASE("a repeated merge command id returns the first result") {
  EngineFixture f;
  Pair pair = OpenPair(f);
  auto first = f.Run("acme", Merge{pair.source, pair.target},
                     kT0 + 10 * kMinute, "merge-1");
  REQUIRE(first.ok());
  auto again = f.Run("acme", Merge{pair.source, pair.target},
                     kT0 + 10 * kMinute, "merge-1");
  REQUIRE(again.ok());
  CHECK(again->ticket == first->ticket);
  CHECK(again->version == first->version);
  CHECK(again->position == first->position);
  CHECK(again->events_appended == 0);
}

TEST_CASE("merged views rebuild byte for byte and verify") {
  EngineFixture f;
  Pair pair = OpenPair(f);
  f.Must("acme", Merge{pair.source, pair.target}, kT0 + 10 * kMinute);
  f.Must("acme", Reply{pair.target, ActorKind::kCustomer, "Thanks"},
         kT0 + 11 * kMinute);
  auto before = f.engine().GetTicket("acme", pair.target);
  REQUIRE(before.ok());
  auto verified = f.engine().Verify();
  REQUIRE(verified.ok());
  CHECK(verified->problems.empty());
  REQUIRE(f.engine().Rebuild().ok());
  auto after = f.engine().GetTicket("acme", pair.target);
  REQUIRE(after.ok());
  CHECK(*after == *before);
  CHECK(after->message_count == 4);
  auto messages = f.engine().GetMessages("acme", pair.target, 1);
  REQUIRE(messages.ok());
  CHECK(messages->items.back().seq == 4);
  verified = f.engine().Verify();
  REQUIRE(verified.ok());
  CHECK(verified->problems.empty());
}

TEST_CASE("a merge target lists its own and the merged messages by time") {
  EngineFixture f;
  Pair pair = OpenPair(f);  // target's message at 1 min; source's at 2, 3
  f.Must("acme", Reply{pair.target, ActorKind::kOperator, "Looking."},
         kT0 + 5 * kMinute);
  f.Must("acme", Merge{pair.source, pair.target}, kT0 + 10 * kMinute);
  f.Must("acme", Reply{pair.target, ActorKind::kCustomer, "Thanks"},
         kT0 + 11 * kMinute);
  auto messages = f.engine().GetMessages("acme", pair.target, 1);
  REQUIRE(messages.ok());
  CHECK(messages->total == 5);
  std::vector<std::pair<TimeUs, uint32_t>> order;
  for (const auto& m : messages->items) order.push_back({m.at_us, m.seq});
  // Seqs: 1 and 2 the target's own, 3 and 4 the copies, 5 the reply after.
  CHECK(order ==
        std::vector<std::pair<TimeUs, uint32_t>>{{kT0 + kMinute, 1},
                                                 {kT0 + 2 * kMinute, 3},
                                                 {kT0 + 3 * kMinute, 4},
                                                 {kT0 + 5 * kMinute, 2},
                                                 {kT0 + 11 * kMinute, 5}});
  CHECK(messages->items[1].merged_from == pair.source);
  CHECK(f.engine().GetMessages("acme", pair.target, 2)->items.empty());
}
