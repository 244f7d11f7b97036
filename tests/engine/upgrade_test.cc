// The upgrade path: stores written by earlier releases open in this
// version. tests/data/format1-store was made by the first release's
// `ticketlog apply` (views format 1), tests/data/format4-store by the
// `ticketlog apply tests/data/format4-store.jsonl` of views format 4 (count
// cells keyed by status and awaiting, `C F` and `C R` counters; its search
// index, lock and older options file left out), tests/data/format5-store
// likewise from format5-store.jsonl by views format 5 (no list days: 120
// tickets opened over 8 days, 41 replies up to two days later, some on a
// later day than their ticket's opening). A reader refuses them and
// says how to upgrade; the first writer rebuilds the views in the current
// format, leaving the log as it was.
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "support/temp_dir.h"
#include "ticketlog/ticketlog.h"

namespace ticketlog::testing {
namespace {

constexpr char kRefund[] = "0b8a6f56-5a3c-4f0e-9d6e-3f1c2a7b9e10";
// `ticketlog head` of the store as the first release left it.
constexpr char kHeadHash[] =
    "1d1e4e039ff30d164377ff545b16c6fd6298f27e2c619f61f500186c3f722c90";

Options CopyOfStore(const TempDir& dir, const std::string& name) {
  Options options;
  options.path = dir.Sub("db");
  std::filesystem::copy(std::string(TICKETLOG_TEST_DATA_DIR) + "/" + name,
                        options.path);
  return options;
}

Options CopyOfFormat1Store(const TempDir& dir) {
  return CopyOfStore(dir, "format1-store");
}

// The tickets of tests/data/format4-store.jsonl.
constexpr char kFire[] = "6f1c0b2e-8d4a-4e7b-9a51-3c2d1e0f9a8b";
constexpr char kReopened[] = "0b8a6f56-5a3c-4f0e-9d6e-3f1c2a7b9e10";
constexpr char kTransferred[] = "9d2e4c1a-7b3f-4a8e-b1c2-5d6e7f8a9b0c";
constexpr char kFormat4HeadHash[] =
    "27560b1738a10250f45fc31d4cce654b96bcd207405040ea51a46706fe6118b6";

// The counts of tests/data/format4-store.jsonl's tickets: kFire closed
// (support, ana, chat, high, first response after 10 minutes, resolved in
// 2 hours), kReopened open (billing, bruno, email, first response after 30
// minutes, resolved then reopened), kTransferred open (billing, ana, web,
// no response).
void CheckFormat4Counts(Engine& engine, uint64_t tickets) {
  auto stats = engine.GetStats("acme");
  REQUIRE(stats.ok());
  CHECK(stats->tickets == tickets);
  CHECK(stats->by_status[TicketStatus::kOpen] == tickets - 1);
  CHECK(stats->by_status[TicketStatus::kClosed] == 1);
  CHECK(stats->by_department["billing"] == 2);
  CHECK(stats->by_operator["ana"] == 1);
  CHECK(stats->by_operator["bruno"] == 1);
  CHECK(stats->median_first_response_us == 1200LL * 1000000);
  CHECK(stats->median_resolution_us == 7200LL * 1000000);
  ListQuery open;
  open.account = "acme";
  open.statuses = {TicketStatus::kOpen};
  open.department = "billing";
  auto page = engine.List(open);
  REQUIRE(page.ok());
  CHECK(page->total == 2);
  open.operator_id = "ana";
  open.awaiting = Awaiting::kOperator;
  page = engine.List(open);
  REQUIRE(page.ok());
  CHECK(page->total == 1);
  REQUIRE(page->items.size() == 1);
  CHECK(page->items[0].ticket == kTransferred);
}

}  // namespace

TEST_CASE("a reader refuses a store of views format 1 and says how to upgrade",
          "[engine][upgrade]") {
  TempDir dir;
  Options options = CopyOfFormat1Store(dir);
  options.read_only = true;
  auto engine = Engine::Open(options);
  REQUIRE_FALSE(engine.ok());
  CHECK(engine.status().code() == Code::kIoError);
  CHECK(engine.status().message().find("open the store once for writing") !=
        std::string::npos);
}

TEST_CASE("a writer rebuilds the views of a format 1 store and keeps its log",
          "[engine][upgrade]") {
  TempDir dir;
  Options options = CopyOfFormat1Store(dir);
  {
    auto engine = Engine::Open(options);
    REQUIRE(engine.ok());
    auto head = (*engine)->Head();
    REQUIRE(head.ok());
    CHECK(head->position == 8);
    CHECK(head->hash == kHeadHash);
    auto view = (*engine)->GetTicket("acme", kRefund);
    REQUIRE(view.ok());
    CHECK(view->status == TicketStatus::kFinished);
    CHECK(view->operator_id == "ana");
    CHECK(view->labels == std::vector<std::string>{"vip"});
    ListQuery open;
    open.account = "acme";
    open.statuses = {TicketStatus::kOpen};
    auto page = (*engine)->List(open);
    REQUIRE(page.ok());
    CHECK(page->total == 1);
    auto stats = (*engine)->GetStats("acme");
    REQUIRE(stats.ok());
    CHECK(stats->tickets == 2);
    CHECK(stats->by_status[TicketStatus::kFinished] == 1);
    // Messages of the first release take their event's id and time.
    auto messages = (*engine)->GetMessages("acme", kRefund, 1);
    REQUIRE(messages.ok());
    REQUIRE_FALSE(messages->items.empty());
    auto history = (*engine)->History("acme", kRefund);
    REQUIRE(history.ok());
    CHECK(messages->items[0].id == history->front().event_id);
    CHECK(messages->items[0].at_us == history->front().occurred_at_us);
    auto report = (*engine)->Verify(LogHead{8, kHeadHash});
    REQUIRE(report.ok());
    INFO((report->problems.empty() ? "" : report->problems.front()));
    CHECK(report->ok());
    // Numbers go on from the old views'.
    Command next;
    next.account = "acme";
    OpenTicket ticket;
    ticket.subject = "After the upgrade";
    ticket.department = "support";
    ticket.customer.id = "c-3";
    ticket.message = OpeningMessage{"Hello.", MessageKind::kIncoming};
    next.body = ticket;
    auto opened = (*engine)->Execute(next);
    REQUIRE(opened.ok());
    CHECK(opened->number == 3);
  }
  // Upgraded once: readers open it now.
  options.read_only = true;
  auto reader = Engine::Open(options);
  REQUIRE(reader.ok());
  CHECK((*reader)->GetStats("acme")->tickets == 3);
}

TEST_CASE(
    "a writer moves the messages of a format 4 store into its stream index",
    "[engine][upgrade]") {
  // tests/data/format4-messages-store: the commands of
  // format4-messages-store.jsonl (a merge among them), applied
  // by the release of views format 4, which kept messages as view keys.
  constexpr char kTarget[] = "a4a4a4a4-0000-4000-8000-000000000001";
  constexpr char kSource[] = "a4a4a4a4-0000-4000-8000-000000000002";
  TempDir dir;
  Options options;
  options.path = dir.Sub("db");
  std::filesystem::copy(
      std::string(TICKETLOG_TEST_DATA_DIR) + "/format4-messages-store",
      options.path);
  auto contents = [](const MessagePage& page) {
    std::vector<std::string> out;
    for (const Message& m : page.items) out.push_back(m.content);
    return out;
  };
  {
    auto engine = Engine::Open(options);
    REQUIRE(engine.ok());
    auto target = (*engine)->GetMessages("acme", kTarget, 1);
    INFO(target.status().ToString());
    REQUIRE(target.ok());
    CHECK(target->total == 6);
    CHECK(contents(*target) ==
          std::vector<std::string>{
              "The printer is jammed.", "Did you open tray 2?",
              "Internal: model X200.", "Still jammed, same printer.",
              "Fixed: a torn label.", "Closing: fixed."});
    CHECK(target->items[2].author_name == "Ana Lima");
    CHECK(target->items[3].merged_from == kSource);
    auto source = (*engine)->GetMessages("acme", kSource, 1);
    REQUIRE(source.ok());
    CHECK(contents(*source) ==
          std::vector<std::string>{"Still jammed, same printer."});
    auto report = (*engine)->Verify(std::nullopt);
    REQUIRE(report.ok());
    INFO((report->problems.empty() ? "" : report->problems.front()));
    CHECK(report->ok());
    // New messages go on after the moved ones.
    Command reply;
    reply.account = "acme";
    Reply body;
    body.ticket = kTarget;
    body.content = "It jammed again.";
    reply.body = body;
    REQUIRE((*engine)->Execute(reply).ok());
    target = (*engine)->GetMessages("acme", kTarget, 1);
    REQUIRE(target.ok());
    REQUIRE(target->items.size() == 7);
    CHECK(target->items[6].content == "It jammed again.");
  }
  options.read_only = true;
  auto reader = Engine::Open(options);
  REQUIRE(reader.ok());
  auto target = (*reader)->GetMessages("acme", kTarget, 1);
  REQUIRE(target.ok());
  CHECK(target->items.size() == 7);
}

TEST_CASE("a reader refuses a store of views format 4 and says how to upgrade",
          "[engine][upgrade]") {
  TempDir dir;
  Options options = CopyOfStore(dir, "format4-store");
  options.read_only = true;
  auto engine = Engine::Open(options);
  REQUIRE_FALSE(engine.ok());
  CHECK(engine.status().code() == Code::kIoError);
  CHECK(engine.status().message().find("are in format 4") != std::string::npos);
}

TEST_CASE(
    "a writer rebuilds the count cells of a format 4 store in the current "
    "format, and commands go on merging into them",
    "[engine][upgrade]") {
  TempDir dir;
  Options options = CopyOfStore(dir, "format4-store");
  {
    auto engine = Engine::Open(options);
    REQUIRE(engine.ok());
    auto head = (*engine)->Head();
    REQUIRE(head.ok());
    CHECK(head->position == 20);
    CHECK(head->hash == kFormat4HeadHash);
    CheckFormat4Counts(**engine, 3);
    auto report = (*engine)->Verify(LogHead{20, kFormat4HeadHash});
    REQUIRE(report.ok());
    INFO((report->problems.empty() ? "" : report->problems.front()));
    CHECK(report->ok());

    // A command after the upgrade merges into a rebuilt cell: the reopened
    // ticket finished again counts as resolved once more.
    Command finish;
    finish.account = "acme";
    finish.body = Finish{.ticket = kReopened,
                         .content = "Refunded again.",
                         .resolution = "refunded"};
    REQUIRE((*engine)->Execute(finish).ok());
    auto stats = (*engine)->GetStats("acme");
    REQUIRE(stats.ok());
    CHECK(stats->by_status[TicketStatus::kFinished] == 1);
    CHECK(stats->by_status[TicketStatus::kOpen] == 1);
    CHECK(stats->median_resolution_us.has_value());
    auto again = (*engine)->Verify(std::nullopt);
    REQUIRE(again.ok());
    INFO((again->problems.empty() ? "" : again->problems.front()));
    CHECK(again->ok());
    auto view = (*engine)->GetTicket("acme", kFire);
    REQUIRE(view.ok());
    CHECK(view->status == TicketStatus::kClosed);
  }
  // Upgraded once: readers open it now.
  options.read_only = true;
  auto reader = Engine::Open(options);
  REQUIRE(reader.ok());
  CHECK((*reader)->GetStats("acme")->by_status[TicketStatus::kFinished] == 1);
}

namespace {

constexpr char kFormat5HeadHash[] =
    "3d595bb17969360847255b191285c664bcc6e2e896f0c4efbbfe4a787ce68527";

// Every page by number of the unfiltered list of `tickets` tickets, in
// both sorts and orders, is the page the walk by cursor gives.
void CheckPagesByNumber(Engine& engine, uint64_t tickets) {
  for (SortBy sort : {SortBy::kUpdated, SortBy::kCreated}) {
    for (SortOrder order : {SortOrder::kDesc, SortOrder::kAsc}) {
      INFO((sort == SortBy::kUpdated ? "updated " : "created ")
           << (order == SortOrder::kDesc ? "desc" : "asc"));
      ListQuery q;
      q.account = "acme";
      q.sort = sort;
      q.order = order;
      std::vector<ListPage> walk;
      ListQuery next = q;
      for (int guard = 0; guard < 10; ++guard) {
        auto page = engine.List(next);
        REQUIRE(page.ok());
        walk.push_back(*page);
        if (page->next_cursor.empty()) break;
        next.cursor = page->next_cursor;
      }
      REQUIRE(walk.size() == (tickets + kPageSize - 1) / kPageSize);
      for (uint32_t number = 2; number <= walk.size() + 1; ++number) {
        INFO("page " << number);
        q.page = number;
        auto page = engine.List(q);
        REQUIRE(page.ok());
        CHECK(page->total == tickets);
        std::vector<std::string> got;
        for (const auto& v : page->items) got.push_back(v.ticket);
        std::vector<std::string> want;
        if (number <= walk.size()) {
          for (const auto& v : walk[number - 1].items) {
            want.push_back(v.ticket);
          }
          CHECK(page->next_cursor == walk[number - 1].next_cursor);
        }
        CHECK(got == want);
      }
    }
  }
}

}  // namespace

TEST_CASE(
    "a writer adds the list days to a format 5 store, and pages by number are "
    "the cursor walk's before and after later commands",
    "[engine][upgrade]") {
  TempDir dir;
  Options options = CopyOfStore(dir, "format5-store");
  options.read_only = true;
  auto refused = Engine::Open(options);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().message().find("are in format 5") !=
        std::string::npos);
  options.read_only = false;
  {
    auto engine = Engine::Open(options);
    REQUIRE(engine.ok());
    auto head = (*engine)->Head();
    REQUIRE(head.ok());
    CHECK(head->position == 163);
    CHECK(head->hash == kFormat5HeadHash);
    auto report = (*engine)->Verify(LogHead{163, kFormat5HeadHash});
    REQUIRE(report.ok());
    INFO((report->problems.empty() ? "" : report->problems.front()));
    CHECK(report->ok());
    CheckPagesByNumber(**engine, 120);

    // Commands after the upgrade merge into the rebuilt days: a reply
    // moves the oldest-updated ticket to a later day, a new ticket opens
    // on one.
    ListQuery oldest;
    oldest.account = "acme";
    oldest.order = SortOrder::kAsc;
    auto first = (*engine)->List(oldest);
    REQUIRE(first.ok());
    REQUIRE(!first->items.empty());
    Command reply;
    reply.account = "acme";
    reply.at_us = 1717200000LL * 1000000;  // 2024-06-01, after the log
    reply.body =
        Reply{first->items[0].ticket, ActorKind::kCustomer, "Still there?", {}};
    REQUIRE((*engine)->Execute(reply).ok());
    Command open;
    open.account = "acme";
    open.at_us = *reply.at_us + 3600LL * 1000000;
    OpenTicket body;
    body.ticket = "7d0a9a52-6a61-4c43-9a0e-2b8e5f0c1d21";
    body.subject = "New";
    body.department = "support";
    body.customer.id = "c-new";
    body.message = OpeningMessage{"Hello.", MessageKind::kIncoming, false, {}};
    open.body = body;
    REQUIRE((*engine)->Execute(open).ok());
    CheckPagesByNumber(**engine, 121);
    auto again = (*engine)->Verify(std::nullopt);
    REQUIRE(again.ok());
    INFO((again->problems.empty() ? "" : again->problems.front()));
    CHECK(again->ok());
  }
  // Upgraded once: readers open it now.
  options.read_only = true;
  auto reader = Engine::Open(options);
  REQUIRE(reader.ok());
  CheckPagesByNumber(**reader, 121);
}

}  // namespace ticketlog::testing
