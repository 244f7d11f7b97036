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

}  // namespace ticketlog::testing
