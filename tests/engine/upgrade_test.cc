// The upgrade path: a store written by the first release (views format 1,
// tests/data/format1-store, made by that release's `ticketlog apply`) opens
// in this version. A reader refuses it and says how to upgrade; the first
// writer rebuilds its views in the current format, leaving the log as it
// was.
#include <catch2/catch.hpp>
#include <filesystem>

#include "support/temp_dir.h"
#include "ticketlog/ticketlog.h"

namespace ticketlog::testing {
namespace {

constexpr char kRefund[] = "0b8a6f56-5a3c-4f0e-9d6e-3f1c2a7b9e10";
// `ticketlog head` of the store as the first release left it.
constexpr char kHeadHash[] =
    "1d1e4e039ff30d164377ff545b16c6fd6298f27e2c619f61f500186c3f722c90";

Options CopyOfFormat1Store(const TempDir& dir) {
  Options options;
  options.path = dir.Sub("db");
  std::filesystem::copy(std::string(TICKETLOG_TEST_DATA_DIR) + "/format1-store",
                        options.path);
  return options;
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

}  // namespace ticketlog::testing
