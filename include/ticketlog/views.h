// Views: what queries return. A TicketView is the whole state of one ticket
// as the projections keep it; ListQuery/ListPage page through an account's
// tickets; Stats summarises an account.
//
// Plain values; thread-compatible.
#ifndef TICKETLOG_VIEWS_H_
#define TICKETLOG_VIEWS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ticketlog/types.h"

namespace ticketlog {

// Who the ticket waits for.
enum class Awaiting : uint8_t { kOperator = 0, kCustomer = 1 };
std::string_view Name(Awaiting v);
std::optional<Awaiting> ParseAwaiting(std::string_view name);

// Number of items in every page of list, chats and messages.
inline constexpr uint32_t kPageSize = 50;

struct TicketView {
  std::string ticket;
  uint64_t number = 0;
  std::string account;
  std::string subject;
  TicketStatus status = TicketStatus::kOpen;
  std::string custom_status;  // the running custom status, or empty
  std::string department;
  std::string operator_id;  // linked operator, or empty
  Customer customer;
  Channel channel = Channel::kApi;
  Priority priority = Priority::kNormal;
  std::string category;
  std::vector<std::string> labels;
  Attributes custom_attributes;
  Awaiting awaiting = Awaiting::kOperator;
  TimeUs created_at_us = 0;
  TimeUs updated_at_us = 0;
  std::optional<TimeUs> first_response_at_us;
  std::optional<TimeUs> finished_at_us;
  std::optional<TimeUs> closed_at_us;
  // Microseconds from creation to first operator reply.
  std::optional<int64_t> first_response_us;
  // Microseconds from creation to the last finish, less paused time.
  std::optional<int64_t> resolution_us;
  std::string resolution;
  uint32_t reopen_count = 0;
  uint32_t transfer_count = 0;
  uint32_t message_count = 0;
  // Total microseconds spent in custom statuses that have ended (the SLA
  // clock's pauses); a running status counts from status_started_at_us on.
  int64_t paused_us = 0;
  // Microseconds spent in each custom status, finished spells only.
  std::map<std::string, int64_t> status_durations_us;
  TimeUs status_started_at_us = 0;  // when custom_status started
  uint64_t version = 0;
  friend bool operator==(const TicketView&, const TicketView&) = default;
};

struct MessagePage {
  std::vector<Message> items;  // oldest first
  uint32_t page = 1;
  uint64_t total = 0;
};

enum class SortBy : uint8_t { kUpdated = 0, kCreated = 1 };
enum class SortOrder : uint8_t { kDesc = 0, kAsc = 1 };

// Filters are combined with AND; an unset filter matches everything.
struct ListQuery {
  std::string account;
  std::vector<TicketStatus> statuses;  // any of these
  std::optional<std::string> department;
  std::optional<std::string> operator_id;
  bool unassigned = false;              // no linked operator
  std::optional<std::string> customer;  // customer id, email or contact id
  std::optional<Channel> channel;
  std::optional<Priority> priority;
  std::optional<std::string> label;
  std::optional<Awaiting> awaiting;
  std::optional<TimeUs> created_from_us, created_to_us;  // [from, to)
  std::optional<TimeUs> updated_from_us, updated_to_us;  // [from, to)
  SortBy sort = SortBy::kUpdated;
  SortOrder order = SortOrder::kDesc;
  uint32_t page = 1;   // 1-based; ignored when cursor is set
  std::string cursor;  // from a previous ListPage::next_cursor
};

struct ListPage {
  std::vector<TicketView> items;
  uint32_t page = 1;
  uint64_t total = 0;       // tickets matching the filter
  std::string next_cursor;  // empty on the last page
};

struct Stats {
  std::map<TicketStatus, uint64_t> by_status;
  std::map<std::string, uint64_t> by_department;  // all tickets
  std::map<std::string, uint64_t> by_operator;    // open load: open+pending
  std::optional<int64_t> median_first_response_us;
  std::optional<int64_t> median_resolution_us;
  uint64_t tickets = 0;
};

}  // namespace ticketlog

#endif  // TICKETLOG_VIEWS_H_
