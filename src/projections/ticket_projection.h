// The ticket projection: which view keys a ticket contributes, as a pure
// function of its TicketView. Live updates write the difference between a
// ticket's entries before and after a command; a rebuild writes the entries
// of every ticket's final view. Because both come from the same function, a
// rebuilt view equals the live one byte for byte.
#ifndef TICKETLOG_PROJECTIONS_TICKET_PROJECTION_H_
#define TICKETLOG_PROJECTIONS_TICKET_PROJECTION_H_

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "projections/ticket_counts.h"
#include "projections/view_keys.h"
#include "store/event_store.h"
#include "ticketlog/events.h"
#include "ticketlog/views.h"

namespace ticketlog::projections {

// What an index entry carries, so that list filters are checked without
// reading the ticket view. Entries of the updated-time lists carry every
// field ("hot" records); entries of the created-time lists leave out the two
// fields that change on almost every command (awaiting, updated time), so
// that a reply rewrites no created-time entry.
struct IndexRecord {
  std::string ticket;
  bool hot = false;  // awaiting and updated_at_us are set
  TicketStatus status = TicketStatus::kOpen;
  Channel channel = Channel::kApi;
  Priority priority = Priority::kNormal;
  Awaiting awaiting = Awaiting::kOperator;
  TimeUs created_at_us = 0;
  TimeUs updated_at_us = 0;
  // The time after which the ticket counts as breached as things stand
  // (domain::SlaMarks::breach_at_us); unset when it cannot be.
  std::optional<TimeUs> sla_breach_at_us;
  std::string department;
  std::string operator_id;
  std::string contact;
  std::vector<std::string> labels;
};
// Layout: ticket[36], flags (bit 0: hot, bit 1: has a breach time),
// status, channel, priority, be64(created); hot: awaiting, be64(updated);
// with a breach time: be64(breach time); then components department,
// operator, contact and one per label. kRecordFlagsAt and the offsets
// below are what scans read without decoding.
std::string EncodeIndexRecord(const TicketView& view, bool hot);
inline constexpr size_t kRecordFlagsAt = 36;
inline constexpr char kRecordHot = 1;
inline constexpr char kRecordHasBreach = 2;
inline constexpr size_t kRecordColdSize = 48;  // fixed part of a cold record
inline constexpr size_t kRecordHotSize = 57;   // fixed part of a hot record
// False when `bytes` is malformed.
bool DecodeIndexRecord(std::string_view bytes, IndexRecord& record);

using Entries = std::vector<std::pair<std::string, std::string>>;

// Counts by key, or changes to them: the scalar counters (labels, the SLA
// breach index per day; stored as be64), the count cells (ticket_counts.h)
// and the list days (ListDayKey, view_keys.h), both stored as slot vectors.
struct Counters {
  std::map<std::string, int64_t> scalars;
  std::map<std::string, CellSlots> cells;
  std::map<std::string, std::array<int64_t, kDaySlots>> days;
};

// Appends every (key, value) the ticket contributes to the views, except its
// messages, contact and counters: the ticket record, its number's entry,
// its entries in the
// account's updated-time and created-time lists, its entries in the
// selective lists, and duration entries for the medians.
void AppendTicketEntries(const TicketView& view, Entries& out);

// Adds 1 to every counter the ticket counts in: the slots of its count
// cell (ticket_counts.h: its status and awaiting, and whether it has a
// first response and is resolved, which the medians are taken over), its
// labels' tickets, its breach day's, and the list days of its updated and
// created times (one key when both fall on the same day). (The account's
// tickets are its last protocol number: tickets are never deleted. A customer's
// are the entries of its short list.)
void AddTicketCounters(const TicketView& view, Counters& out);

// The (key, value) of every counter of `counters` that is not zero: be64 for
// scalars, the slot vector for cells and days. The same bytes are the values a
// rebuild writes and, for changes, the operands of the merges that add them.
Entries CounterEntries(const Counters& counters);

// The messages an event adds to its ticket's messages view: the opening
// message, a MessageAdded's, a TicketMergedFrom's copies; none otherwise.
std::vector<const Message*> MessagesOf(const EventPayload& payload);

// The messages view of format 5 is kept in the stream index: the entry of
// an event that adds messages carries them as its index payload
// (store::AppendRequest::index_payloads), so that a ticket's messages are
// one range scan of its stream's entries and no view key of their own.
//
// The index payload of `payload`'s event: each message of MessagesOf as
// be32(length) and its stored form (schema::EncodeMessage); empty when the
// event adds none.
std::string MessagesPayload(const EventPayload& payload);
// The same, appended to `out`: a caller that keeps `out` across events
// (verify, once per event of the log) reuses its capacity.
void AppendMessagesPayload(const EventPayload& payload, std::string& out);
// The stored forms of the messages of an index payload, appended to `out`
// (pointing into `payload`). corruption when it is malformed.
Status SplitMessagesPayload(std::string_view payload,
                            std::vector<std::string_view>& out);
// Appends the messages of an index payload to `out`. corruption when it is
// malformed.
Status DecodeMessagesPayload(std::string_view payload,
                             std::vector<Message>& out);

// View ops that turn `before`'s entries (none when nullopt) into `after`'s.
void DiffTicketEntries(const std::optional<TicketView>& before,
                       const TicketView& after,
                       std::vector<store::ViewOp>& ops);

// Counter changes from `before` to `after` (zero deltas omitted, and cells
// and days whose slots all stay as they were). They are written as merges:
// no counter is read on the command path. A ticket that stays in its cell
// changes one cell key; one that changes cells, two. A command whose time
// falls on the ticket's last updated day changes no list day; one on a
// later day, two (an opening, one).
Counters CounterDeltas(const std::optional<TicketView>& before,
                       const TicketView& after);

}  // namespace ticketlog::projections

#endif  // TICKETLOG_PROJECTIONS_TICKET_PROJECTION_H_
