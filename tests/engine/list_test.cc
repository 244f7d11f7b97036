#include <catch2/catch.hpp>
#include <set>

#include "support/engine_fixture.h"

using namespace ticketlog;
using ticketlog::testing::EngineFixture;
using ticketlog::testing::kMinute;
using ticketlog::testing::kT0;

namespace {

std::vector<uint64_t> Numbers(const ListPage& page) {
  std::vector<uint64_t> out;
  for (const auto& item : page.items) out.push_back(item.number);
  return out;
}

}  // namespace

TEST_CASE("120 tickets list as pages of 50, 50 and 20 in a stable order",
          "[engine][list]") {
  EngineFixture f;
  f.DefineDirectory("acme");
  // Pairs of tickets share their time: ties are broken by number.
  for (int i = 0; i < 120; ++i) f.Open("acme", kT0 + (i / 2 + 1) * kMinute);

  ListQuery query;
  query.account = "acme";
  std::vector<uint64_t> by_page;
  for (uint32_t page = 1; page <= 4; ++page) {
    query.page = page;
    auto result = f.engine().List(query);
    REQUIRE(result.ok());
    CHECK(result->total == 120);
    CHECK(result->page == page);
    size_t expected_size = page == 1 ? 50 : page == 2 ? 50 : page == 3 ? 20 : 0;
    CHECK(result->items.size() == expected_size);
    CHECK(result->next_cursor.empty() == (page >= 3));
    for (auto n : Numbers(*result)) by_page.push_back(n);
  }
  // Newest first; within a tie, the higher number first.
  REQUIRE(by_page.size() == 120);
  for (size_t i = 0; i < 120; ++i) CHECK(by_page[i] == 120 - i);

  query.order = SortOrder::kAsc;
  query.page = 1;
  auto asc = f.engine().List(query);
  CHECK(Numbers(*asc).front() == 1);
  CHECK(Numbers(*asc).back() == 50);

  SECTION("a walk by cursor yields the same tickets as a walk by page") {
    ListQuery walk;
    walk.account = "acme";
    std::vector<uint64_t> by_cursor;
    uint32_t pages = 0;
    while (true) {
      auto result = f.engine().List(walk);
      REQUIRE(result.ok());
      CHECK(result->page == pages + 1);
      CHECK(result->total == 120);
      ++pages;
      for (auto n : Numbers(*result)) by_cursor.push_back(n);
      if (result->next_cursor.empty()) break;
      walk.cursor = result->next_cursor;
    }
    CHECK(pages == 3);
    CHECK(by_cursor == by_page);
  }

  SECTION("a page past the end is empty") {
    query.order = SortOrder::kDesc;
    query.page = 9;
    auto result = f.engine().List(query);
    REQUIRE(result.ok());
    CHECK(result->items.empty());
    CHECK(result->total == 120);
  }

  SECTION("a cursor of another query is refused") {
    query.page = 1;
    auto first = f.engine().List(query);
    ListQuery other;
    other.account = "acme";
    other.statuses = {TicketStatus::kOpen};
    other.cursor = first->next_cursor;
    CHECK(f.engine().List(other).status().code() == Code::kInvalidArgument);
    other.cursor = "zz";
    CHECK(f.engine().List(other).status().code() == Code::kInvalidArgument);
  }
}

TEST_CASE("list filters combine", "[engine][list]") {
  EngineFixture f;
  f.DefineDirectory("acme");
  std::vector<std::string> tickets;
  for (int i = 0; i < 30; ++i) {
    Channel channel = i % 3 == 0 ? Channel::kChat : Channel::kEmail;
    std::string op = i % 2 == 0 ? "ana" : "";
    tickets.push_back(f.Open("acme", kT0 + (i + 1) * kMinute,
                             "c-" + std::to_string(i % 5), channel, op)
                          .ticket);
  }
  // Tickets 0, 6, 12, ... (chat, ana): finish every other one.
  for (int i = 0; i < 30; i += 12) {
    f.Must("acme", Finish{tickets[i], "done", "solved"}, kT0 + 100 * kMinute);
  }
  Update labelled;
  labelled.ticket = tickets[6];
  labelled.labels = std::vector<std::string>{"vip", "printer"};
  labelled.priority = Priority::kUrgent;
  f.Must("acme", labelled, kT0 + 101 * kMinute);

  ListQuery q;
  q.account = "acme";
  q.channel = Channel::kChat;
  CHECK(f.engine().List(q)->total == 10);
  q.operator_id = "ana";
  CHECK(f.engine().List(q)->total == 5);  // i = 0, 6, 12, 18, 24
  q.statuses = {TicketStatus::kFinished};
  CHECK(f.engine().List(q)->total == 3);  // i = 0, 12, 24
  q.statuses = {TicketStatus::kOpen, TicketStatus::kPending};
  auto open = f.engine().List(q);
  CHECK(open->total == 2);  // i = 6, 18
  for (const auto& item : open->items) {
    CHECK(item.channel == Channel::kChat);
    CHECK(item.operator_id == "ana");
  }

  ListQuery unassigned;
  unassigned.account = "acme";
  unassigned.unassigned = true;
  CHECK(f.engine().List(unassigned)->total == 15);
  unassigned.customer = "c-1";  // i = 1, 11, 21 are unassigned
  CHECK(f.engine().List(unassigned)->total == 3);

  ListQuery label;
  label.account = "acme";
  label.label = "vip";
  auto vip = f.engine().List(label);
  REQUIRE(vip->items.size() == 1);
  CHECK(vip->items[0].ticket == tickets[6]);
  label.priority = Priority::kUrgent;
  CHECK(f.engine().List(label)->total == 1);
  label.priority = Priority::kLow;
  CHECK(f.engine().List(label)->total == 0);

  ListQuery awaiting;
  awaiting.account = "acme";
  awaiting.awaiting = Awaiting::kCustomer;
  CHECK(f.engine().List(awaiting)->total == 3);  // the finished ones

  ListQuery range;
  range.account = "acme";
  range.created_from_us = kT0 + 5 * kMinute;
  range.created_to_us = kT0 + 10 * kMinute;
  range.sort = SortBy::kCreated;
  auto window = f.engine().List(range);
  CHECK(window->total == 5);  // i = 4..8
  CHECK(Numbers(*window) == std::vector<uint64_t>{9, 8, 7, 6, 5});
  range.order = SortOrder::kAsc;
  CHECK(Numbers(*f.engine().List(range)) ==
        std::vector<uint64_t>{5, 6, 7, 8, 9});
  range.sort = SortBy::kUpdated;  // the range is on created; sorted by updated
  CHECK(f.engine().List(range)->total == 5);
}

TEST_CASE("a cursor walk over a filtered list matches the page walk",
          "[engine][list]") {
  EngineFixture f;
  f.DefineDirectory("acme");
  for (int i = 0; i < 130; ++i) {
    f.Open("acme", kT0 + (i / 3 + 1) * kMinute, "c",
           i % 2 ? Channel::kChat : Channel::kWeb, i % 4 == 0 ? "ana" : "");
  }
  ListQuery q;
  q.account = "acme";
  q.channel = Channel::kChat;
  q.unassigned = true;  // two filters: totals come from the scan
  q.sort = SortBy::kCreated;
  q.order = SortOrder::kAsc;
  std::vector<uint64_t> by_page;
  uint64_t total = 0;
  for (uint32_t p = 1; p <= 2; ++p) {
    q.page = p;
    auto r = f.engine().List(q);
    total = r->total;
    for (auto n : Numbers(*r)) by_page.push_back(n);
  }
  CHECK(total == 65);
  CHECK(by_page.size() == 65);
  std::vector<uint64_t> by_cursor;
  q.page = 1;
  while (true) {
    auto r = f.engine().List(q);
    REQUIRE(r.ok());
    CHECK(r->total == 65);
    for (auto n : Numbers(*r)) by_cursor.push_back(n);
    if (r->next_cursor.empty()) break;
    q.cursor = r->next_cursor;
  }
  CHECK(by_cursor == by_page);
}

TEST_CASE("chats are the list restricted to channel chat", "[engine][list]") {
  EngineFixture f;
  f.DefineDirectory("acme");
  f.Open("acme", kT0 + 1, "c", Channel::kChat);
  f.Open("acme", kT0 + 2, "c", Channel::kEmail);
  ListQuery chats;
  chats.account = "acme";
  chats.channel = Channel::kChat;
  auto page = f.engine().List(chats);
  REQUIRE(page->items.size() == 1);
  CHECK(page->items[0].channel == Channel::kChat);
}

TEST_CASE("stats count by status, department and operator load",
          "[engine][stats]") {
  EngineFixture f;
  f.DefineDirectory("acme");
  auto a = f.Open("acme", kT0 + kMinute, "c", Channel::kApi, "ana").ticket;
  auto b = f.Open("acme", kT0 + 2 * kMinute, "c", Channel::kApi, "ana").ticket;
  auto c = f.Open("acme", kT0 + 3 * kMinute).ticket;
  f.Must("acme", Reply{a, ActorKind::kOperator, "hi"}, kT0 + 5 * kMinute);
  f.Must("acme", Reply{b, ActorKind::kOperator, "hi"}, kT0 + 12 * kMinute);
  f.Must("acme", Finish{a, "done", "solved"}, kT0 + 21 * kMinute);
  f.Must("acme", Transfer{c, "billing", "bruno"}, kT0 + 22 * kMinute);
  auto stats = f.engine().GetStats("acme");
  REQUIRE(stats.ok());
  CHECK(stats->tickets == 3);
  CHECK(stats->by_status[TicketStatus::kOpen] == 2);
  CHECK(stats->by_status[TicketStatus::kFinished] == 1);
  CHECK(stats->by_department["support"] == 2);
  CHECK(stats->by_department["billing"] == 1);
  CHECK(stats->by_operator["ana"] == 1);
  CHECK(stats->by_operator["bruno"] == 1);
  // First responses: 4 and 10 minutes.
  CHECK(stats->median_first_response_us == 7 * kMinute);
  CHECK(stats->median_resolution_us == 20 * kMinute);
}

TEST_CASE(
    "pages by number of an unfiltered list with merged, closed and "
    "replied-to tickets match the cursor walk in every sort and order",
    "[engine][list]") {
  // Merged and closed tickets stay in the account's lists, so the list
  // holds as many entries as the account's last number: pages found from
  // either end of the list through its days are those of the walk.
  EngineFixture f;
  f.DefineDirectory("acme");
  f.DefineDirectory("other");
  std::vector<std::string> tickets;
  for (int i = 0; i < 163; ++i) {
    // Pairs share their time: ties are broken by number.
    tickets.push_back(f.Open("acme", kT0 + (i / 2 + 1) * kMinute).ticket);
    if (i % 4 == 0) f.Open("other", kT0 + (i / 2 + 1) * kMinute);
  }
  TimeUs at = kT0 + 1000 * kMinute;
  for (int i = 0; i + 1 < 163; i += 9) {
    f.Must("acme", Merge{tickets[i], tickets[i + 1]}, at += kMinute);
  }
  for (int i = 3; i < 163; i += 7) {
    if (i % 9 == 0) continue;  // merged: closed already
    f.Must("acme", Finish{tickets[i], "done", "solved"}, at += kMinute);
    f.Must("acme", Close{tickets[i]}, at += kMinute);
  }
  for (int i = 2; i < 163; i += 5) {
    if (i % 9 == 0 || i % 7 == 3) continue;
    f.Must("acme", Reply{tickets[i], ActorKind::kCustomer, "any news?"},
           at += kMinute);
  }

  for (SortBy sort : {SortBy::kUpdated, SortBy::kCreated}) {
    for (SortOrder order : {SortOrder::kDesc, SortOrder::kAsc}) {
      ListQuery q;
      q.account = "acme";
      q.sort = sort;
      q.order = order;
      INFO((sort == SortBy::kUpdated ? "updated " : "created ")
           << (order == SortOrder::kDesc ? "desc" : "asc"));
      std::vector<ListPage> walk;
      ListQuery next = q;
      while (true) {
        auto page = f.engine().List(next);
        REQUIRE(page.ok());
        walk.push_back(*page);
        if (page->next_cursor.empty()) break;
        next.cursor = page->next_cursor;
      }
      REQUIRE(walk.size() == 4);  // 50, 50, 50, 13
      std::set<uint64_t> seen;
      for (const auto& page : walk) {
        for (auto n : Numbers(page)) seen.insert(n);
      }
      CHECK(seen.size() == 163);
      for (uint32_t p = 1; p <= 6; ++p) {
        INFO("page " << p);
        q.page = p;
        auto page = f.engine().List(q);
        REQUIRE(page.ok());
        CHECK(page->total == 163);
        if (p <= walk.size()) {
          CHECK(Numbers(*page) == Numbers(walk[p - 1]));
          CHECK(page->next_cursor == walk[p - 1].next_cursor);
        } else {
          CHECK(page->items.empty());
          CHECK(page->next_cursor.empty());
        }
      }
    }
  }
}
