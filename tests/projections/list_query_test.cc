// List queries against a brute-force model: several hundred tickets with
// random fields are projected into a store, and every combination of
// filters, sort and order is listed page by page and by cursor, through
// every plan the query may pick (the account's whole list, a selective
// list in created order, a selective list gathered for updated order), and
// compared with filtering and sorting the views in memory.
#include "projections/list_query.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>
#include <functional>
#include <map>
#include <optional>
#include <random>

#include "projections/contacts.h"
#include "projections/ticket_projection.h"
#include "projections/view_keys.h"
#include "store/coding.h"
#include "support/temp_dir.h"

namespace ticketlog::projections {
namespace {

constexpr TimeUs kT0 = 1704067200LL * 1000000;
constexpr TimeUs kMinute = 60LL * 1000000;
constexpr TimeUs kDay = 1440 * kMinute;

struct Fixture {
  testing::TempDir dir;
  std::unique_ptr<store::EventStore> store;
  std::vector<TicketView> tickets;

  // `last_number`: the account's last ticket number (its ticket count),
  // `count` unless given. `spread`: times spread over months across the
  // 1970 epoch, in bursts and gaps (busy days, days of one ticket, empty
  // weeks), instead of about a day from 2024. `tamper` may change the
  // view keys before they are written.
  explicit Fixture(
      int count, std::optional<int64_t> last_number = {}, bool spread = false,
      const std::function<void(std::map<std::string, std::string>&)>& tamper =
          {}) {
    Options options;
    options.path = dir.Sub("db");
    auto opened = store::EventStore::Open(options);
    REQUIRE(opened.ok());
    store = std::move(*opened);

    std::mt19937 rng(7);
    auto pick = [&](int n) { return static_cast<int>(rng() % n); };
    std::map<std::string, std::string> entries;
    Counters counters;
    ViewReader read =
        [&](const std::string& key) -> StatusOr<std::optional<std::string>> {
      auto it = entries.find(key);
      if (it == entries.end()) return std::optional<std::string>();
      return std::optional<std::string>(it->second);
    };
    TimeUs spread_at = -40 * kDay;
    for (int i = 0; i < count; ++i) {
      TicketView v;
      v.account = "acme";
      char uuid[37];
      std::snprintf(uuid, sizeof uuid, "00000000-0000-4000-8000-%012d", i);
      v.ticket = uuid;
      v.number = static_cast<uint64_t>(i + 1);
      v.subject = "t" + std::to_string(i);
      v.status = static_cast<TicketStatus>(pick(4));
      // A skewed department and operator mix: one large, some small.
      int d = pick(10);
      v.department = d < 6 ? "support" : d < 9 ? "billing" : "legal";
      int o = pick(20);
      v.operator_id = o < 8 ? "" : o < 16 ? "ana" : o < 19 ? "bruno" : "carla";
      int c = pick(40);
      v.customer.contact = "contact-" + std::to_string(c);
      v.customer.id = "cust-" + std::to_string(c);
      v.customer.email = "c" + std::to_string(c) + "@example.com";
      v.channel = static_cast<Channel>(pick(7));
      v.priority = static_cast<Priority>(pick(4));
      v.awaiting = pick(2) ? Awaiting::kOperator : Awaiting::kCustomer;
      if (pick(3) == 0) v.labels.push_back("vip");
      if (pick(8) == 0) v.labels.push_back("rare");
      // Creation times mostly follow numbers, not always (imports).
      v.created_at_us = kT0 + (i + pick(5)) * kMinute;
      v.updated_at_us = v.created_at_us + pick(2000) * kMinute;
      if (spread) {
        int gap = pick(100);
        spread_at += gap < 80   ? pick(3) * kMinute
                     : gap < 97 ? pick(120) * kMinute
                                : pick(10) * kDay;
        v.created_at_us = spread_at;
        v.updated_at_us =
            spread_at + (pick(10) < 7 ? pick(90) * kMinute : pick(20) * kDay);
      }
      v.version = 1;
      Entries out;
      AppendTicketEntries(v, out);
      for (auto& [key, value] : out) entries[key] = value;
      AddTicketCounters(v, counters);
      std::vector<store::ViewOp> ops;
      bool created = false;
      REQUIRE(ApplyContact(v.account, v.customer, v.created_at_us, read, ops,
                           created)
                  .ok());
      for (auto& op : ops) entries[op.key] = op.value;
      tickets.push_back(v);
    }
    for (auto& [key, value] : CounterEntries(counters)) entries[key] = value;
    entries[NumberKey("acme")] = EncodeCount(last_number.value_or(count));
    if (tamper) tamper(entries);
    REQUIRE(store->ReplaceViews({entries.begin(), entries.end()}, kViewsFormat)
                .ok());
  }

  bool Matches(const ListQuery& q, const TicketView& v) const {
    if (!q.statuses.empty() && std::find(q.statuses.begin(), q.statuses.end(),
                                         v.status) == q.statuses.end()) {
      return false;
    }
    if (q.department && v.department != *q.department) return false;
    if (q.operator_id && v.operator_id != *q.operator_id) return false;
    if (q.unassigned && !v.operator_id.empty()) return false;
    if (q.customer && v.customer.contact != *q.customer &&
        v.customer.id != *q.customer && v.customer.email != *q.customer) {
      return false;
    }
    if (q.channel && v.channel != *q.channel) return false;
    if (q.priority && v.priority != *q.priority) return false;
    if (q.label && std::find(v.labels.begin(), v.labels.end(), *q.label) ==
                       v.labels.end()) {
      return false;
    }
    if (q.awaiting && v.awaiting != *q.awaiting) return false;
    if (q.created_from_us && v.created_at_us < *q.created_from_us) return false;
    if (q.created_to_us && v.created_at_us >= *q.created_to_us) return false;
    if (q.updated_from_us && v.updated_at_us < *q.updated_from_us) return false;
    if (q.updated_to_us && v.updated_at_us >= *q.updated_to_us) return false;
    return true;
  }

  // The sort positions (time, number) of the unfiltered list in `sort` and
  // `order`, in order.
  std::vector<std::pair<TimeUs, uint64_t>> Positions(SortBy sort,
                                                     SortOrder order) const {
    std::vector<std::pair<TimeUs, uint64_t>> out;
    for (const auto& v : tickets) {
      out.emplace_back(
          sort == SortBy::kUpdated ? v.updated_at_us : v.created_at_us,
          v.number);
    }
    std::sort(out.begin(), out.end());
    if (order == SortOrder::kDesc) std::reverse(out.begin(), out.end());
    return out;
  }

  // The ticket ids `q` lists, in order.
  std::vector<std::string> Expected(const ListQuery& q) const {
    std::vector<const TicketView*> hits;
    for (const auto& v : tickets) {
      if (Matches(q, v)) hits.push_back(&v);
    }
    auto key = [&](const TicketView* v) {
      return std::make_pair(
          q.sort == SortBy::kUpdated ? v->updated_at_us : v->created_at_us,
          v->number);
    };
    std::sort(hits.begin(), hits.end(), [&](auto* a, auto* b) {
      return q.order == SortOrder::kDesc ? key(a) > key(b) : key(a) < key(b);
    });
    std::vector<std::string> ids;
    for (auto* v : hits) ids.push_back(v->ticket);
    return ids;
  }
};

std::string Describe(const ListQuery& q) {
  std::string out;
  for (auto s : q.statuses) out += "status=" + std::string(Name(s)) + " ";
  if (q.department) out += "department=" + *q.department + " ";
  if (q.operator_id) out += "operator=" + *q.operator_id + " ";
  if (q.unassigned) out += "unassigned ";
  if (q.customer) out += "customer=" + *q.customer + " ";
  if (q.channel) out += "channel=" + std::string(Name(*q.channel)) + " ";
  if (q.priority) out += "priority=" + std::string(Name(*q.priority)) + " ";
  if (q.label) out += "label=" + *q.label + " ";
  if (q.awaiting) out += "awaiting=" + std::string(Name(*q.awaiting)) + " ";
  if (q.created_from_us) out += "created_from ";
  if (q.updated_to_us) out += "updated_to ";
  out += q.sort == SortBy::kUpdated ? "sort=updated " : "sort=created ";
  out += q.order == SortOrder::kDesc ? "desc" : "asc";
  return out;
}

// Lists page q.page of `q` and checks its total and tickets against `want`,
// the whole list in order.
void CheckPage(const Fixture& f, const ListQuery& q,
               const std::vector<std::string>& want) {
  auto got = RunListQuery(*f.store, q);
  REQUIRE(got.ok());
  CHECK(got->total == want.size());
  size_t first = (q.page - 1) * kPageSize;
  std::vector<std::string> ids;
  for (const auto& v : got->items) ids.push_back(v.ticket);
  std::vector<std::string> expected(
      want.begin() + std::min(first, want.size()),
      want.begin() + std::min(first + kPageSize, want.size()));
  CHECK(ids == expected);
}

}  // namespace

TEST_CASE(
    "every list plan lists what filtering the views in memory lists, "
    "with the same totals, pages and cursors",
    "[projections][list]") {
  Fixture f(900);
  std::vector<ListQuery> filters;
  auto add = [&](auto&& set) {
    ListQuery q;
    q.account = "acme";
    set(q);
    filters.push_back(q);
  };
  add([](ListQuery&) {});
  add([](ListQuery& q) { q.statuses = {TicketStatus::kOpen}; });
  add([](ListQuery& q) {
    q.statuses = {TicketStatus::kOpen, TicketStatus::kPending};
    q.department = "billing";
    q.priority = Priority::kHigh;
  });
  add([](ListQuery& q) { q.department = "legal"; });
  add([](ListQuery& q) { q.department = "support"; });
  add([](ListQuery& q) { q.operator_id = "carla"; });
  add([](ListQuery& q) {
    q.operator_id = "ana";
    q.awaiting = Awaiting::kOperator;
  });
  add([](ListQuery& q) {
    q.unassigned = true;
    q.channel = Channel::kChat;
  });
  add([](ListQuery& q) { q.customer = "contact-3"; });
  add([](ListQuery& q) { q.customer = "c5@example.com"; });
  add([](ListQuery& q) {
    q.customer = "cust-7";
    q.statuses = {TicketStatus::kClosed};
  });
  add([](ListQuery& q) { q.label = "rare"; });
  add([](ListQuery& q) {
    q.label = "vip";
    q.operator_id = "bruno";
  });
  add([](ListQuery& q) { q.awaiting = Awaiting::kCustomer; });
  add([](ListQuery& q) { q.created_from_us = kT0 + 300 * kMinute; });
  add([](ListQuery& q) {
    q.updated_to_us = kT0 + 900 * kMinute;
    q.department = "legal";
  });
  add([](ListQuery& q) { q.label = "none-such"; });

  for (ListQuery base : filters) {
    for (SortBy sort : {SortBy::kUpdated, SortBy::kCreated}) {
      for (SortOrder order : {SortOrder::kDesc, SortOrder::kAsc}) {
        ListQuery q = base;
        q.sort = sort;
        q.order = order;
        INFO(Describe(q));
        std::vector<std::string> want = f.Expected(q);
        // Page by page.
        uint32_t pages = static_cast<uint32_t>(want.size() / kPageSize) + 2;
        for (uint32_t page = 1; page <= std::min<uint32_t>(pages, 4); ++page) {
          q.page = page;
          CheckPage(f, q, want);
        }
        // By cursor, to the end.
        q.page = 1;
        std::vector<std::string> all;
        for (int guard = 0; guard < 100; ++guard) {
          auto got = RunListQuery(*f.store, q);
          REQUIRE(got.ok());
          for (const auto& v : got->items) all.push_back(v.ticket);
          if (got->next_cursor.empty()) break;
          q.cursor = got->next_cursor;
        }
        CHECK(all == want);
      }
    }
  }
}

TEST_CASE("ticket counts sum the cells a filter covers and refuse others",
          "[projections][list]") {
  Fixture f(300);
  ListQuery q;
  q.account = "acme";
  q.operator_id = "ana";
  q.statuses = {TicketStatus::kOpen, TicketStatus::kPending};
  auto count = CountTickets(*f.store, q);
  REQUIRE(count.ok());
  CHECK(*count == f.Expected(q).size());
  q.label = "vip";
  CHECK(CountTickets(*f.store, q).status().code() == Code::kInvalidArgument);
}

}  // namespace ticketlog::projections

namespace ticketlog::projections {

TEST_CASE(
    "in a large account the department and operator lists are weighed "
    "too, and list what filtering in memory lists",
    "[projections][list]") {
  // Queries without an exact total read every candidate, so past 20,000
  // tickets the department's and operator's own lists are weighed against
  // the whole list.
  Fixture f(21000);
  std::vector<ListQuery> queries;
  auto add = [&](auto&& set) {
    ListQuery q;
    q.account = "acme";
    set(q);
    queries.push_back(q);
  };
  add([](ListQuery& q) {
    q.operator_id = "carla";
    q.label = "rare";
  });
  add([](ListQuery& q) {
    q.department = "legal";
    q.created_from_us = kT0 + 5000 * kMinute;
  });
  add([](ListQuery& q) {
    q.operator_id = "bruno";
    q.label = "vip";
  });
  for (ListQuery q : queries) {
    for (SortBy sort : {SortBy::kUpdated, SortBy::kCreated}) {
      q.sort = sort;
      INFO(Describe(q));
      std::vector<std::string> want = f.Expected(q);
      for (uint32_t page : {1u, 3u}) {
        q.page = page;
        CheckPage(f, q, want);
      }
    }
  }
}

}  // namespace ticketlog::projections

namespace ticketlog::projections {

namespace {

// The account's unfiltered list in both sorts and orders.
std::vector<ListQuery> UnfilteredLists() {
  std::vector<ListQuery> out;
  for (SortBy sort : {SortBy::kUpdated, SortBy::kCreated}) {
    for (SortOrder order : {SortOrder::kDesc, SortOrder::kAsc}) {
      ListQuery& q = out.emplace_back();
      q.account = "acme";
      q.sort = sort;
      q.order = order;
    }
  }
  return out;
}

// Checks every page by number of the unfiltered lists of `f`'s 1,234
// tickets, in both sorts and orders, against the walk by cursor and the
// lists sorted in memory.
void CheckEveryPageByNumber(const Fixture& f) {
  for (ListQuery q : UnfilteredLists()) {
    INFO(Describe(q));
    std::vector<std::string> want = f.Expected(q);
    REQUIRE(want.size() == 1234);
    // The walk by cursor: each page resumes after the one before it.
    std::vector<ListPage> walk;
    ListQuery next = q;
    for (int guard = 0; guard < 100; ++guard) {
      auto got = RunListQuery(*f.store, next);
      REQUIRE(got.ok());
      walk.push_back(*got);
      if (got->next_cursor.empty()) break;
      next.cursor = got->next_cursor;
    }
    REQUIRE(walk.size() == 25);
    for (uint32_t page = 1; page <= 27; ++page) {
      INFO("page " << page);
      q.page = page;
      auto got = RunListQuery(*f.store, q);
      REQUIRE(got.ok());
      CHECK(got->page == page);
      CHECK(got->total == 1234);
      std::vector<std::string> ids;
      for (const auto& v : got->items) ids.push_back(v.ticket);
      size_t first = std::min<size_t>((page - 1) * kPageSize, want.size());
      size_t end = std::min<size_t>(first + kPageSize, want.size());
      CHECK(ids ==
            std::vector<std::string>(want.begin() + first, want.begin() + end));
      CHECK(ids.size() == (page <= 24 ? 50 : page == 25 ? 34 : 0));
      if (page <= walk.size()) {
        std::vector<std::string> walked;
        for (const auto& v : walk[page - 1].items) walked.push_back(v.ticket);
        CHECK(ids == walked);
        CHECK(got->next_cursor == walk[page - 1].next_cursor);
      }
      CHECK(got->next_cursor.empty() == (page >= 25));
      // The cursor resumes right after the page.
      if (!got->next_cursor.empty()) {
        ListQuery resumed = q;
        resumed.cursor = got->next_cursor;
        auto after = RunListQuery(*f.store, resumed);
        REQUIRE(after.ok());
        CHECK(after->page == page + 1);
        REQUIRE(!after->items.empty());
        CHECK(after->items.front().ticket == want[end]);
      }
    }
  }
}

// The position of every rank of `f`'s unfiltered lists, in both sorts and
// orders, found through the list days, is the rank's in the lists sorted
// in memory: from either end of the list, from either end of a day.
void CheckEveryRank(const Fixture& f) {
  for (SortBy sort : {SortBy::kUpdated, SortBy::kCreated}) {
    for (SortOrder order : {SortOrder::kDesc, SortOrder::kAsc}) {
      std::vector<std::pair<TimeUs, uint64_t>> want = f.Positions(sort, order);
      for (uint64_t rank = 0; rank <= want.size(); ++rank) {
        auto got = ListPositionOfRank(*f.store, "acme", sort, order, rank);
        REQUIRE(got.ok());
        if (rank == want.size()) {
          CHECK_FALSE(got->has_value());
        } else if (!got->has_value() || **got != want[rank]) {
          FAIL_CHECK("rank "
                     << rank << " of "
                     << (sort == SortBy::kUpdated ? "updated " : "created ")
                     << (order == SortOrder::kDesc ? "desc" : "asc"));
        }
      }
    }
  }
}

// The list days of `entries` (ListDayKey), by day: the tickets updated and
// created on it.
std::map<TimeUs, std::pair<int64_t, int64_t>> ListDays(
    const std::map<std::string, std::string>& entries) {
  std::map<TimeUs, std::pair<int64_t, int64_t>> days;
  std::string prefix = ListDaysPrefix("acme");
  for (auto it = entries.lower_bound(prefix);
       it != entries.end() && it->first.starts_with(prefix); ++it) {
    auto& day = days[DecodeListDay(it->first, prefix.size())];
    REQUIRE(store::ForEachSlotCount(it->second, [&](uint8_t slot, int64_t n) {
      (slot == kUpdatedDaySlot ? day.first : day.second) = n;
    }));
  }
  return days;
}

}  // namespace

TEST_CASE(
    "every page by number of an unfiltered list, found through the list "
    "days, is the page the cursor walk gives: same tickets, total and "
    "cursor",
    "[projections][list]") {
  // Not a multiple of 50: the last page holds 34. Each page's first ticket
  // is found by summing the tickets per day from the nearer end of the
  // list, then stepping within its day from the day's nearer end.
  SECTION("about three days of tickets, hundreds a day") {
    Fixture f(1234);
    CheckEveryRank(f);
    CheckEveryPageByNumber(f);
  }
  SECTION("months of tickets across the 1970 epoch, in bursts and gaps") {
    std::map<TimeUs, std::pair<int64_t, int64_t>> days;
    Fixture f(1234, std::nullopt, /*spread=*/true,
              [&](std::map<std::string, std::string>& entries) {
                days = ListDays(entries);
              });
    // The spread this section is for: days before and after the epoch,
    // days of one ticket and of many, and a day's two counts apart.
    REQUIRE(days.begin()->first < 0);
    REQUIRE(days.rbegin()->first > 0);
    int64_t updated = 0, created = 0, single = 0, busy = 0, apart = 0;
    for (const auto& [day, counts] : days) {
      CHECK(day % kDay == 0);
      updated += counts.first;
      created += counts.second;
      single += counts.first == 1;
      busy += counts.first > 50;
      apart += counts.first != counts.second;
    }
    CHECK(updated == 1234);
    CHECK(created == 1234);
    CHECK(single > 0);
    CHECK(busy > 0);
    CHECK(apart > 0);
    CheckEveryRank(f);
    CheckEveryPageByNumber(f);
  }
}

TEST_CASE(
    "a page by number goes where the list days say, and a day that runs out "
    "of entries before the page's first ticket leaves the page to the scan "
    "from the start",
    "[projections][list]") {
  // Views the engine never writes. The days are trusted as the count cells
  // are: one ticket's count moved to another day moves the positions
  // between them, and the pages with them (verify reports such a day). A
  // day whose stretch of the list runs out before the page's first ticket
  // is caught: the page is then found by stepping over the pages before it.
  auto put_day = [](std::map<std::string, std::string>& entries, TimeUs day,
                    int64_t updated, int64_t created) {
    std::string value;
    store::PutSlotCount(value, kUpdatedDaySlot, updated);
    store::PutSlotCount(value, kCreatedDaySlot, created);
    entries[ListDayKey("acme", day)] = value;
  };
  SECTION("one ticket of the busiest day counted on the next day instead") {
    int64_t moved_days = 0;  // the two days' updated tickets
    Fixture f(1234, std::nullopt, /*spread=*/true,
              [&](std::map<std::string, std::string>& entries) {
                auto days = ListDays(entries);
                auto from = std::max_element(
                    days.begin(), days.end(), [](const auto& a, const auto& b) {
                      return a.second.first < b.second.first;
                    });
                auto to = std::find_if(
                    std::next(from), days.end(),
                    [](const auto& day) { return day.second.first > 0; });
                REQUIRE(to != days.end());
                moved_days = from->second.first + to->second.first;
                put_day(entries, from->first, from->second.first - 1,
                        from->second.second);
                put_day(entries, to->first, to->second.first + 1,
                        to->second.second);
              });
    std::vector<std::pair<TimeUs, uint64_t>> want =
        f.Positions(SortBy::kUpdated, SortOrder::kDesc);
    // Positions move by one within the two days' stretches only.
    int64_t moved = 0;
    for (uint64_t rank = 0; rank < want.size(); ++rank) {
      auto got = ListPositionOfRank(*f.store, "acme", SortBy::kUpdated,
                                    SortOrder::kDesc, rank);
      REQUIRE(got.ok());
      REQUIRE(got->has_value());
      moved += **got != want[rank];
    }
    CHECK(moved > 0);
    CHECK(moved <= moved_days);
    // Pages by number start where the days put them, not where the list
    // sorted in memory does.
    ListQuery q;
    q.account = "acme";
    std::vector<std::string> listed = f.Expected(q);
    int pages_moved = 0;
    for (uint32_t page = 2; page <= 25; ++page) {
      INFO("page " << page);
      q.page = page;
      auto got = RunListQuery(*f.store, q);
      REQUIRE(got.ok());
      REQUIRE(!got->items.empty());
      auto at =
          ListPositionOfRank(*f.store, "acme", SortBy::kUpdated,
                             SortOrder::kDesc, uint64_t{page - 1} * kPageSize);
      REQUIRE(at.ok());
      REQUIRE(at->has_value());
      const TicketView& first = got->items.front();
      CHECK(std::make_pair(first.updated_at_us, first.number) == **at);
      pages_moved += first.ticket != listed[(page - 1) * kPageSize];
    }
    CHECK(pages_moved > 0);
  }
  SECTION("a day after the newest counting 60 tickets it does not hold") {
    // From the newest end, ranks 0-59 land on the empty day: page 2 of the
    // newest-first lists and page 25 of the oldest-first ones (ranks
    // 1,174-1,233 from the start) are read by the scan from the start.
    Fixture f(1234, std::nullopt, /*spread=*/true,
              [&](std::map<std::string, std::string>& entries) {
                auto days = ListDays(entries);
                put_day(entries, days.rbegin()->first + kDay, 60, 60);
              });
    for (ListQuery q : UnfilteredLists()) {
      INFO(Describe(q));
      std::vector<std::string> want = f.Expected(q);
      int checked = 0;
      for (uint32_t page = 2; page <= 25; ++page) {
        auto at = ListPositionOfRank(*f.store, "acme", q.sort, q.order,
                                     uint64_t{page - 1} * kPageSize);
        REQUIRE(at.ok());
        if (at->has_value()) continue;
        INFO("page " << page);
        q.page = page;
        CheckPage(f, q, want);
        ++checked;
      }
      CHECK(checked == 1);
    }
  }
}

TEST_CASE(
    "a page by number of a list shorter than the account's count lists "
    "what the scan from the start lists",
    "[projections][list]") {
  // Views the engine never writes: the last number says 5,000 tickets, the
  // list and its days hold 1,234. The days sum to fewer than page 60 needs
  // to pass over: the scan from the start answers, with no tickets and no
  // cursor.
  Fixture f(1234, 5000);
  ListQuery q;
  q.account = "acme";
  q.page = 60;
  auto got = RunListQuery(*f.store, q);
  REQUIRE(got.ok());
  CHECK(got->total == 5000);
  CHECK(got->items.empty());
  CHECK(got->next_cursor.empty());
}

}  // namespace ticketlog::projections
