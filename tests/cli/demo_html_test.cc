// The demo's HTML report (src/cli/demo_html.cc): the backlog replayed from
// events, its periods, and the page the tool writes. The page is opened in
// a real browser by demo_html_browser_test.sh.
#include "cli/demo_html.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "tool_runner.h"

namespace ticketlog::testing {
namespace {

constexpr TimeUs kDay = 24LL * 3600 * 1000000;
constexpr TimeUs kJan1 = 1704067200LL * 1000000;  // 2024-01-01T00:00:00Z

Event At(const std::string& account, TimeUs at, EventPayload payload) {
  Event event;
  event.account = account;
  event.occurred_at_us = at;
  event.payload = std::move(payload);
  return event;
}

std::string Text(const std::vector<cli::BacklogPoint>& points) {
  std::ostringstream out;
  for (const auto& p : points) {
    out << (p.day_end_us - kJan1) / kDay << ":" << p.open << " ";
  }
  return out.str();
}

TEST_CASE("the backlog counts open tickets at each day's end", "[demo]") {
  std::vector<Event> events = {
      At("acme", kJan1 + 1, TicketOpened{}),
      At("acme", kJan1 + 2, TicketOpened{}),
      At("other", kJan1 + 3, TicketOpened{}),
      At("acme", kJan1 + kDay + 5, TicketFinished{}),
      At("acme", kJan1 + 3 * kDay, TicketReopened{}),
      At("acme", kJan1 + 3 * kDay + 1, TicketClosed{}),
  };
  CHECK(Text(cli::Backlog(events, "acme")) == "1:2 2:1 3:1 4:2 ");
  CHECK(Text(cli::Backlog(events, "other")) == "1:1 ");
  CHECK(cli::Backlog(events, "nobody").empty());
}

TEST_CASE("a long flat stretch separates two periods", "[demo]") {
  std::vector<Event> events = {At("a", kJan1, TicketOpened{}),
                               At("a", kJan1 + kDay, TicketFinished{}),
                               At("a", kJan1 + 400 * kDay, TicketOpened{}),
                               At("a", kJan1 + 401 * kDay, TicketOpened{})};
  auto backlog = cli::Backlog(events, "a");
  REQUIRE(backlog.size() == 402);
  auto periods = cli::SplitAtGaps(backlog);
  REQUIRE(periods.size() == 2);
  CHECK(periods[0].front().open == 1);
  CHECK(periods[0].size() < 100);
  CHECK(periods[1].back().open == 2);
  CHECK(periods[1].size() < 5);
  // A backlog that keeps moving is one period.
  std::vector<cli::BacklogPoint> moving;
  for (int i = 0; i < 200; ++i) moving.push_back({kJan1 + i * kDay, i % 7});
  CHECK(cli::SplitAtGaps(moving).size() == 1);
}

TEST_CASE("demo --html writes a self-contained page with its charts",
          "[tool][demo]") {
  ToolRunner tool;
  std::string page = tool.Sub("report.html");
  ToolRun demo = tool.Run({"demo", "--tickets", "12", "--html", page});
  INFO(demo.out + demo.err);
  REQUIRE(demo.status == 0);
  CHECK(demo.out.find("7. Report: " + page) != std::string::npos);
  std::ifstream in(page);
  std::string html((std::istreambuf_iterator<char>(in)),
                   std::istreambuf_iterator<char>());
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(html.find("Backlog over time") != std::string::npos);
  CHECK(html.find("<h3>globex, 2024-") != std::string::npos);
  CHECK(html.find("One ticket's timeline") != std::string::npos);
  CHECK(html.find("class=\"status-closed\"") != std::string::npos);
  CHECK(html.find("servicenow_mod_count = ") != std::string::npos);
  // Nothing to fetch: no script, no link, no remote or file reference.
  for (const char* outside :
       {"<script", "<link", "<img", "http:", "https:", "src=", "url("}) {
    INFO(outside);
    CHECK(html.find(outside) == std::string::npos);
  }
  // A path that cannot be written is a usage error, after the tour.
  ToolRun bad =
      tool.Run({"demo", "--tickets", "1", "--html", tool.Sub("no/such/x")});
  CHECK(bad.status == 2);
  CHECK(bad.err.find("cannot write") != std::string::npos);
}

}  // namespace
}  // namespace ticketlog::testing
