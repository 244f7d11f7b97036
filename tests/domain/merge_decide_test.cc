// DecideMerge: a merge's refusals, in the deciders' order, and the events of
// both tickets.
#include <catch2/catch.hpp>
#include <cctype>
#include <optional>
#include <string>
#include <vector>

#include "domain/decide.h"
#include "ticketlog/commands.h"
#include "ticketlog/events.h"
#include "ticketlog/status.h"

using namespace ticketlog;
using namespace ticketlog::domain;

namespace {

constexpr TimeUs kOpenedAt = 1'700'000'000'000'000;
constexpr TimeUs kNow = kOpenedAt + 60'000'000;
const std::string kSource = "6ba7b810-9dad-11d1-80b4-00c04fd430c8";
const std::string kTarget = "6ba7b811-9dad-11d1-80b4-00c04fd430c8";

TicketView View(const std::string& ticket, uint64_t number) {
  TicketView view;
  view.ticket = ticket;
  view.number = number;
  view.account = "acme";
  view.subject = "Printer on fire";
  view.message_count = 2;
  view.created_at_us = kOpenedAt;
  view.updated_at_us = kOpenedAt;
  view.version = 3;
  return view;
}

Message Incoming(uint32_t seq, std::string content) {
  Message message;
  message.seq = seq;
  message.author_id = "contact-1";
  message.content = std::move(content);
  return message;
}

StatusOr<MergeEvents> Decide(const std::optional<TicketView>& source,
                             const std::optional<TicketView>& target,
                             Merge merge = Merge{kSource, kTarget},
                             TimeUs now = kNow) {
  return DecideMerge(source, target, merge,
                     {Incoming(1, "first"), Incoming(2, "second")}, now);
}

Code CodeOf(const StatusOr<MergeEvents>& decided) {
  return decided.ok() ? Code::kOk : decided.status().code();
}

}  // namespace

TEST_CASE("merge finishes and closes the source and copies its messages") {
  auto decided = Decide(View(kSource, 1), View(kTarget, 2));
  REQUIRE(decided.ok());
  REQUIRE(decided->source.size() == 3);
  CHECK(std::get<TicketMergedInto>(decided->source[0]) ==
        TicketMergedInto{kTarget, 2});
  CHECK(std::get<TicketFinished>(decided->source[1]).resolution == "merged");
  CHECK(std::holds_alternative<TicketClosed>(decided->source[2]));
  REQUIRE(decided->target.size() == 1);
  const auto& from = std::get<TicketMergedFrom>(decided->target[0]);
  CHECK(from.ticket == kSource);
  CHECK(from.number == 1);
  REQUIRE(from.messages.size() == 2);
  // Numbered after the target's own two messages, marked with their origin.
  CHECK(from.messages[0].seq == 3);
  CHECK(from.messages[0].merged_from == kSource);
  CHECK(from.messages[0].merged_seq == 1);
  CHECK(from.messages[0].content == "first");
  CHECK(from.messages[1].seq == 4);
  CHECK(from.messages[1].merged_seq == 2);
}

TEST_CASE("merge stops a running custom status of the source first") {
  TicketView source = View(kSource, 1);
  source.status = TicketStatus::kPending;
  source.custom_status = "waiting_vendor";
  source.status_started_at_us = kOpenedAt;
  auto decided = Decide(source, View(kTarget, 2));
  REQUIRE(decided.ok());
  REQUIRE(decided->source.size() == 4);
  CHECK(std::get<StatusStopped>(decided->source[0]) ==
        StatusStopped{"waiting_vendor", kNow - kOpenedAt});
}

TEST_CASE("merge refuses malformed ids and a ticket merged into itself") {
  CHECK(CodeOf(Decide(View(kSource, 1), View(kTarget, 2),
                      Merge{"nope", kTarget})) == Code::kInvalidArgument);
  auto bad_into =
      Decide(View(kSource, 1), View(kTarget, 2), Merge{kSource, "nope"});
  CHECK(CodeOf(bad_into) == Code::kInvalidArgument);
  CHECK(bad_into.status().message().starts_with("into:"));
  // Spelled differently, the same ticket.
  std::string upper = kSource;
  for (char& c : upper) c = static_cast<char>(std::toupper(c));
  auto itself = Decide(View(kSource, 1), std::nullopt, Merge{kSource, upper});
  CHECK(CodeOf(itself) == Code::kInvalidArgument);
  CHECK(itself.status().message().starts_with("into:"));
}

TEST_CASE("merge refuses a missing ticket on either side") {
  CHECK(CodeOf(Decide(std::nullopt, View(kTarget, 2))) == Code::kNotFound);
  auto no_target = Decide(View(kSource, 1), std::nullopt);
  CHECK(CodeOf(no_target) == Code::kNotFound);
  CHECK(no_target.status().message().starts_with("into:"));
}

TEST_CASE("merge refuses a closed source or target") {
  TicketView closed_source = View(kSource, 1);
  closed_source.status = TicketStatus::kClosed;
  CHECK(CodeOf(Decide(closed_source, View(kTarget, 2))) == Code::kTicketClosed);
  TicketView closed_target = View(kTarget, 2);
  closed_target.status = TicketStatus::kClosed;
  auto refused = Decide(View(kSource, 1), closed_target);
  CHECK(CodeOf(refused) == Code::kTicketClosed);
  CHECK(refused.status().message().starts_with("into:"));
}

TEST_CASE("merge accepts finished tickets on either side") {
  TicketView source = View(kSource, 1);
  source.status = TicketStatus::kFinished;
  TicketView target = View(kTarget, 2);
  target.status = TicketStatus::kFinished;
  CHECK(Decide(source, target).ok());
}

TEST_CASE("merge refuses a time before either ticket's last event") {
  TicketView target = View(kTarget, 2);
  target.updated_at_us = kNow + 1;
  CHECK(CodeOf(Decide(View(kSource, 1), target)) == Code::kInvalidArgument);
}

TEST_CASE("DecideTicket sends a merge to DecideMerge") {
  TicketContext context;
  DirectoryState directory;
  context.directory = &directory;
  auto decided =
      DecideTicket(View(kSource, 1), Merge{kSource, kTarget}, context);
  REQUIRE_FALSE(decided.ok());
  CHECK(decided.status().code() == Code::kInvalidArgument);
}
