// The JSON the `ticketlog` tool prints (SPEC section 4): ticket views,
// messages, list pages, stats, events, command results, errors and audit
// reports. Field names are the spec's; keys keep the documented order
// (ordered_json); an empty string or absent value is null; times are
// ISO-8601 UTC strings and durations are seconds (with microsecond
// fractions).
//
// Keys after the spec's list are extras (e.g. a ticket's "resolution");
// the spec's keys are never renamed or dropped.
#ifndef TICKETLOG_CLI_JSON_VIEW_H_
#define TICKETLOG_CLI_JSON_VIEW_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "ticketlog/commands.h"
#include "ticketlog/engine.h"
#include "ticketlog/events.h"
#include "ticketlog/sla.h"
#include "ticketlog/status.h"
#include "ticketlog/types.h"
#include "ticketlog/views.h"

namespace ticketlog::cli {

using OutJson = nlohmann::ordered_json;

// Compact one-line text of `value`. Bytes that are not UTF-8 (which only an
// engine message quoting bad input could hold) become U+FFFD instead of
// failing the output.
std::string Dump(const OutJson& value);

// ---- Scalars ---------------------------------------------------------------
OutJson TextOrNull(std::string_view text);
OutJson TimeOrNull(std::optional<TimeUs> at_us);
double Seconds(int64_t us);
OutJson SecondsOrNull(std::optional<int64_t> us);

// ---- Values ----------------------------------------------------------------
OutJson CustomerJson(const Customer& customer);
OutJson AttachmentJson(const Attachment& attachment);
OutJson AttributesJson(const Attributes& attributes);
OutJson MessageJson(const Message& message);

// ---- Query results -------------------------------------------------------

// The spec's ticket view keys in order, then resolution,
// first_response_seconds, resolution_seconds, status_seconds and
// custom_status_started_at. `sla` is where the ticket stands at `now_us`
// (EvaluateSla): the clock for a current view, the time a view is shown as of.
OutJson TicketViewJson(const TicketView& view, TimeUs now_us);
// The "sla" value of a ticket view: null or {"policy",
// "first_response_due_at","resolution_due_at","first_response_breached",
// "resolution_breached"}.
OutJson SlaJson(const TicketView& view, TimeUs now_us);
// {"items":[messages],"page":N,"total":T}
OutJson MessagePageJson(const MessagePage& page);
// {"items":[views],"page":N,"total":T,"next_cursor":…|null}
OutJson ListPageJson(const ListPage& page, TimeUs now_us);
// {"contact","id","name","email","phone","ticket_count","created_at",
//  "updated_at"}
OutJson ContactViewJson(const ContactView& view);
// {"items":[contacts],"page":N,"total":T}
OutJson ContactPageJson(const ContactPage& page);
// {"account","tickets","by_status","by_department","by_operator",
//  "median_first_response_seconds","median_resolution_seconds"}
// {"items":[ticket view + "relevance"],"page","total"}.
OutJson SearchPageJson(const SearchPage& page, TimeUs now_us);
OutJson StatsJson(const std::string& account, const Stats& stats);

// {"account","by","from","to","now","groups":[{<by>:key|null,"tickets",
//  "finished","reopened","median_first_response_seconds",
//  "median_resolution_seconds","p90_resolution_seconds",
//  "first_response_breached","resolution_breached","breach_rate",
//  "with_policy"}],"total":{the same without the key}}
OutJson ReportJson(const ReportQuery& query, const Report& report);

// ---- Commands ---------------------------------------------------------------

// {"ok":true,"ticket","number","version","position","events_appended"};
// ticket and number are null for directory commands.
OutJson ResultJson(const CommandResult& result);
// {"ok":false,"error":{"code","message"}}, plus "current_version" in the
// error for a conflict.
OutJson ErrorJson(const Status& status);

// ---- The log ---------------------------------------------------------------

// One event with its envelope: position, version, type, event_id, account,
// stream, occurred_at, recorded_at, actor {kind,id}, command_id,
// schema_version, prev_hash, hash, payload.
OutJson EventJson(const Event& event);
// The event's fields by spec names, e.g. {"operator":…,"previous_operator":…}
// for OperatorLinked.
OutJson PayloadJson(const EventPayload& payload);
// {"position":N,"hash":…|null}
OutJson HeadJson(const LogHead& head);
// {"ok":true,…} or, when something differs, {"ok":false,"error":{…},…};
// both carry events_checked, view_keys_checked and problems.
OutJson VerifyReportJson(const VerifyReport& report);

}  // namespace ticketlog::cli

#endif  // TICKETLOG_CLI_JSON_VIEW_H_
