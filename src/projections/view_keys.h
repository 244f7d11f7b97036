// Key layout of the views column family. Every key starts with a one-byte
// prefix followed by the length-prefixed account, so one account's keys
// never mix with another's. docs/format.md describes each key.
//
// Prefix bytes are part of the on-disk format; never renumber. They must
// stay below 0xff (EventStore::ReplaceViews relies on it).
#ifndef TICKETLOG_PROJECTIONS_VIEW_KEYS_H_
#define TICKETLOG_PROJECTIONS_VIEW_KEYS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "ticketlog/types.h"

namespace ticketlog::projections {

// The layout of the views this code writes (docs/format.md). A store whose
// views are in an older layout is rebuilt when a writer opens it.
// 1: an entry per list per sort order, counters per dimension (first release).
// 2: one entry per ticket per sort order, selective created-time lists,
//    count cells through a merge operator; no stream heads, no meta/head.
// 3: contact lookups by normalised email and phone, contact records with
//    their times, a contact counter, ticket-by-number entries, messages
//    with their id and time, labels lower-cased.
// 4: list records carry the ticket's SLA breach time; a per-day count of
//    the SLA breach index, of the account (Dim::kBreachDays) and of each
//    department (Dim::kDepartmentBreachDays).
// 5: count cells keyed without status and awaiting, their value counts by
//    slot (status and awaiting, first responses, resolutions); no 'F' and
//    'R' counters; no message keys: a ticket's messages are the payloads
//    of its stream index entries (MessagesPayload, ticket_projection.h).
// 6: the account's tickets counted per UTC day of their updated and of
//    their created time (Dim::kListDays), so that a page by number finds
//    its first ticket without stepping over the pages before it.
inline constexpr uint32_t kViewsFormat = 6;

enum class Prefix : char {
  kTicket = 'T',   // T acct ticket                          -> TicketViewRecord
  kMessage = 'M',  // formats 2-4 only: M acct ticket be32(seq) -> Message
  kIndex = 'I',  // I acct dim comp(value) sort time number -> IndexRecord or ""
  kCounter = 'C',   // C acct dim comp(value)...  -> be64(count) or slot vector
  kDuration = 'S',  // S acct kind be64(duration) ticket      -> ""
  kContact = 'K',   // K acct contact                         -> Customer record
  kContactBy = 'k',  // k acct field comp(value)               -> contact id
  kNumber = 'N',  // N acct                                 -> be64(last number)
  kTicketByNumber = 'P',  // P acct be64(number)              -> ticket UUID
  kSla = 'B',  // B acct SlaIndex time number              -> IndexRecord
};

// The SLA indexes of an account (under Prefix::kSla). Part of the on-disk
// format; never renumber.
// kBreach: every ticket that is or will become breached as things stand,
// keyed by the time from which it is (domain::SlaMarks::breach_at_us).
// kPausedAtRisk: paused tickets at risk (SlaMarks::paused_at_risk), keyed
// by their breach time, or the largest time when they have none.
enum class SlaIndex : char { kBreach = 'b', kPausedAtRisk = 'p' };

// List dimensions (index and counter keys). Part of the on-disk format.
//
// Format 2 (docs/format.md): every ticket has one entry in each of the two
// `kAll` lists (by updated and by created time) carrying its filter fields;
// the selective dimensions (department, operator, customer, label) have
// created-time lists of their own with empty values. Status, channel,
// priority and awaiting are filtered on the records, and counted in the
// ticket-count cells (`kCells`).
// Bytes retired with format 1, never to be reused: 's' status, 'h' channel,
// 'p' priority lists and counters; 'w' awaiting, 'L' operator load and 'X'
// not-closed counters. Retired with format 5: 'F' first-response and 'R'
// resolution counters (now slots of the count cells).
enum class Dim : char {
  kAll = 'a',
  kDepartment = 'd',
  kOperator = 'o',  // "" = unassigned
  kCustomer = 'c',  // contact id
  kLabel = 'l',
  // Counter-only dimensions.
  kCells = 'q',     // counts by slot per (channel, priority, department,
                    // operator): see ticket_counts.h
  kContacts = 'K',  // the account's contacts (value "")
  // Entries of the SLA breach index (SlaIndex::kBreach) per UTC day of their
  // breach time, of the account and of each department (BreachDayKey).
  kBreachDays = 'b',
  kDepartmentBreachDays = 'e',
  // The account's tickets per UTC day of their updated time and of their
  // created time, the two slots of a slot vector (ListDayKey).
  kListDays = 'D',
};

// Sort field byte in index keys.
enum class SortField : char { kUpdated = 'u', kCreated = 'c' };

// Contact lookup fields.
enum class ContactField : char { kId = 'i', kEmail = 'e', kPhone = 'p' };

std::string AccountPrefix(Prefix prefix, std::string_view account);
std::string TicketKey(std::string_view account, std::string_view ticket);
// Whether `key` is a ticket record key (TicketKey), by its prefix byte.
bool IsTicketKey(std::string_view key);
// Prefix of one index list: everything before the sort key.
std::string IndexPrefix(std::string_view account, Dim dim,
                        std::string_view value, SortField sort);
// Full index key: IndexPrefix + be64(time, sign-flipped) + be64(number).
std::string IndexKey(std::string_view prefix, TimeUs time, uint64_t number);
// Sort position (time, number) of an index key with the given prefix size.
void DecodeIndexPosition(std::string_view key, size_t prefix_size, TimeUs& time,
                         uint64_t& number);
// Prefix of one SLA index; its keys are IndexKey(prefix, time, number).
std::string SlaPrefix(std::string_view account, SlaIndex index);
std::string CounterKey(std::string_view account, Dim dim,
                       std::string_view value);
// The counter of the breach index entries whose breach time falls on the UTC
// day that starts at `day_start_us` (UtcDay): of the whole account when
// `department` is null, else of that department's tickets. Layout:
// C comp(account) b be64(day ^ 2^63), or C comp(account) e comp(department)
// be64(day ^ 2^63). BreachDaysPrefix is what every day's key of the same
// scope starts with; they sort by day.
std::string BreachDayKey(std::string_view account,
                         const std::string* department, TimeUs day_start_us);
std::string BreachDaysPrefix(std::string_view account,
                             const std::string* department);
// The first µs of the UTC day holding `at_us` (floor, also before 1970).
TimeUs UtcDay(TimeUs at_us);
inline constexpr TimeUs kUsPerDay = 86400LL * 1000000;

// The account's tickets whose updated time (slot kUpdatedDaySlot) and whose
// created time (slot kCreatedDaySlot) fall on the UTC day that starts at
// `day_start_us`: C comp(account) D be64(day ^ 2^63), a slot vector
// (store/coding.h) merged like the count cells'. They are the lengths of
// that day's stretch of the account's updated-time and created-time lists,
// which a page by number sums to find where it starts (list_query.cc).
// ListDaysPrefix is what every day's key starts with; they sort by day.
std::string ListDayKey(std::string_view account, TimeUs day_start_us);
std::string ListDaysPrefix(std::string_view account);
// The day of a ListDayKey with a prefix of `prefix_size` bytes.
TimeUs DecodeListDay(std::string_view key, size_t prefix_size);
// Slots of a ListDayKey's value. Part of the on-disk format.
inline constexpr uint8_t kUpdatedDaySlot = 0;
inline constexpr uint8_t kCreatedDaySlot = 1;
inline constexpr size_t kDaySlots = 2;

// True for the counter keys whose values are slot vectors (count cells and
// list days) rather than 8-byte counters.
bool IsSlotVectorKey(std::string_view key);
std::string DurationPrefix(std::string_view account, char kind);
std::string DurationKey(std::string_view account, char kind,
                        int64_t duration_us, std::string_view ticket);
std::string ContactKey(std::string_view account, std::string_view contact);
std::string ContactByKey(std::string_view account, ContactField field,
                         std::string_view value);
std::string NumberKey(std::string_view account);
std::string TicketByNumberKey(std::string_view account, uint64_t number);

// Scalar counters are stored as 8-byte big-endian signed values (count
// cells are slot vectors: ticket_counts.h).
std::string EncodeCount(int64_t count);
int64_t DecodeCount(std::string_view bytes);

}  // namespace ticketlog::projections

#endif  // TICKETLOG_PROJECTIONS_VIEW_KEYS_H_
