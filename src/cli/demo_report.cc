// The readable sections of the demo's summary: headed tables written with
// {fmt}.
#include <fmt/format.h>
#include <fmt/ostream.h>

#include <chrono>
#include <variant>

#include "base/text.h"
#include "cli/demo.h"

namespace ticketlog::cli {
namespace {

std::string OrDash(const std::string& text) {
  return text.empty() ? "-" : text;
}

// Why the demo's workload sends commands the engine refuses: each is a
// rule being checked on purpose (src/cli/demo_workload.h).
std::string_view DeliberateReason(std::string_view code) {
  if (code == "conflict") return "a client with a stale expected_version";
  if (code == "no_operator_linked") return "an operator reply, none linked";
  if (code == "status_already_running") return "a second custom status";
  if (code == "ticket_closed") return "a message on a closed ticket";
  if (code == "ticket_not_finished") return "closing an unfinished ticket";
  return "";
}

std::string FormatValue(const AttributeValue& value) {
  struct Visitor {
    std::string operator()(const std::string& s) {
      return "\"" + Shorten(s, 24) + "\"";
    }
    std::string operator()(bool b) { return b ? "true" : "false"; }
    std::string operator()(double number) { return fmt::format("{}", number); }
    std::string operator()(int64_t number) { return fmt::format("{}", number); }
  };
  return std::visit(Visitor{}, value);
}

// What an update changed, with the new values.
std::string DescribeUpdate(const TicketUpdated& e) {
  std::vector<std::string> parts;
  if (e.subject) parts.push_back("subject \"" + Shorten(*e.subject, 30) + "\"");
  if (e.channel) parts.push_back("channel " + std::string(Name(*e.channel)));
  if (e.priority) {
    parts.push_back("priority " + std::string(Name(*e.priority)));
  }
  if (e.category) parts.push_back("category \"" + *e.category + "\"");
  if (e.labels)
    parts.push_back(fmt::format("labels [{}]", fmt::join(*e.labels, ", ")));
  for (const auto& [key, value] : e.set_attributes) {
    parts.push_back(key + " = " + FormatValue(value));
  }
  for (const std::string& key : e.removed_attributes) {
    parts.push_back(key + " removed");
  }
  return fmt::format("{}", fmt::join(parts, ", "));
}

void PrintViewRow(std::ostream& out, const std::string& label,
                  const TicketView& v) {
  std::string status(Name(v.status));
  if (!v.custom_status.empty()) status += " (" + v.custom_status + ")";
  fmt::print(out, "    {:<27} {:>4} {:<29} {:<10} {:<13} {:>8}\n", label,
             fmt::format("v{}", v.version), status, OrDash(v.department),
             OrDash(v.operator_id), v.message_count);
}

}  // namespace

std::string Shorten(const std::string& text, size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  size_t cut = max_bytes - 3;
  // Do not split a UTF-8 sequence: back up to the start of a character.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  return text.substr(0, cut) + "...";
}

std::string FormatDuration(int64_t us) {
  double minutes = static_cast<double>(us) / 60e6;
  if (minutes < 120) return fmt::format("{:.0f} min", minutes);
  if (minutes < 48 * 60) return fmt::format("{:.1f} h", minutes / 60);
  return fmt::format("{:.1f} days", minutes / 1440);
}

std::string FormatSeconds(double seconds) {
  if (seconds < 1) return fmt::format("{:.1f} ms", seconds * 1e3);
  return fmt::format("{:.2f} s", seconds);
}

std::string Describe(const EventPayload& payload) {
  struct Visitor {
    std::string operator()(const TicketOpened& e) {
      return fmt::format("#{} \"{}\" in {}, operator {}, {}", e.number,
                         Shorten(e.subject, 40), OrDash(e.department),
                         OrDash(e.operator_id), Name(e.status));
    }
    std::string operator()(const MessageAdded& e) {
      return fmt::format("{}: \"{}\"", Name(e.message.kind),
                         Shorten(e.message.content, 48));
    }
    std::string operator()(const TicketTransferred& e) {
      return fmt::format("{}/{} -> {}/{}", OrDash(e.from_department),
                         OrDash(e.from_operator), OrDash(e.to_department),
                         OrDash(e.to_operator));
    }
    std::string operator()(const OperatorLinked& e) { return e.operator_id; }
    std::string operator()(const OperatorUnlinked& e) { return e.operator_id; }
    std::string operator()(const StatusStarted& e) { return e.status; }
    std::string operator()(const StatusStopped& e) {
      return e.status + " after " + FormatDuration(e.duration_us);
    }
    std::string operator()(const TicketFinished& e) {
      return "resolution " + OrDash(e.resolution);
    }
    std::string operator()(const TicketReopened& e) {
      return e.by_customer_reply ? "by a customer reply" : "";
    }
    std::string operator()(const TicketClosed&) { return ""; }
    std::string operator()(const TicketUpdated& e) { return DescribeUpdate(e); }
    std::string operator()(const DepartmentDefined& e) { return e.department; }
    std::string operator()(const OperatorRegistered& e) {
      return e.operator_id;
    }
    std::string operator()(const OperatorRemoved& e) { return e.operator_id; }
    std::string operator()(const StatusDefined& e) { return e.status; }
    std::string operator()(const ContactUpdated& e) {
      return e.customer.contact;
    }
    std::string operator()(const SlaPolicyDefined& e) { return e.policy; }
    std::string operator()(const TicketMergedInto& e) {
      return "into #" + std::to_string(e.number);
    }
    std::string operator()(const TicketMergedFrom& e) {
      return "#" + std::to_string(e.number) + ", " +
             std::to_string(e.messages.size()) + " messages";
    }
  };
  return std::visit(Visitor{}, payload);
}

void PrintTally(std::ostream& out, const Tally& tally) {
  std::string rate =
      tally.seconds > 0
          ? fmt::format(" ({:.0f} commands/s)", tally.commands / tally.seconds)
          : "";
  fmt::print(out, "    {} commands in {}{}, {} events appended\n",
             tally.commands, FormatSeconds(tally.seconds), rate, tally.events);
  fmt::print(out, "    accepted {} ({} changed nothing: re-sent command ids)",
             tally.accepted, tally.no_ops);
  if (tally.refused_total() == 0) {
    out << ", refused 0\n";
    return;
  }
  fmt::print(out, "\n    refused {}, each a deliberate check of the rules:\n",
             tally.refused_total());
  fmt::print(out, "      {:<24} {:>6}  {}\n", "code", "count", "the command");
  for (const auto& [code, count] : tally.refused) {
    fmt::print(out, "      {:<24} {:>6}  {}\n", code, count,
               DeliberateReason(code));
  }
}

Status PrintListPage(std::ostream& out, Engine& engine,
                     const std::string& account, size_t rows) {
  ListQuery query;
  query.account = account;
  auto page = engine.List(query);
  if (!page.ok()) return page.status();
  fmt::print(out, "    {}: {} tickets, page 1 of {}, newest updates first\n",
             account, page->total, (page->total + kPageSize - 1) / kPageSize);
  fmt::print(out, "    {:<6} {:<9} {:<8} {:<9} {:<9} {:<9} {}\n", "number",
             "status", "priority", "channel", "operator", "awaiting",
             "subject");
  for (size_t i = 0; i < page->items.size() && i < rows; ++i) {
    const TicketView& v = page->items[i];
    fmt::print(out, "    {:<6} {:<9} {:<8} {:<9} {:<9} {:<9} {}\n",
               fmt::format("#{}", v.number), Name(v.status), Name(v.priority),
               Name(v.channel), OrDash(v.operator_id), Name(v.awaiting),
               Shorten(v.subject, 40));
  }
  return Status::OK();
}

Status PrintTicketStory(std::ostream& out, Engine& engine,
                        const std::string& account, const std::string& ticket) {
  auto events = engine.History(account, ticket);
  if (!events.ok()) return events.status();
  if (events->empty()) return Status::NotFound("ticket " + ticket);
  fmt::print(out, "    ticket {}, {} events:\n", ticket, events->size());
  fmt::print(out, "    {:<4} {:<20}  {:<18} {:<22} {}\n", "ver", "at (UTC)",
             "event", "actor", "what changed");
  for (const Event& e : *events) {
    std::string actor(Name(e.actor.kind));
    if (!e.actor.id.empty()) actor += ":" + e.actor.id;
    fmt::print(out, "    {:<4} {:<20}  {:<18} {:<22} {}\n",
               fmt::format("v{}", e.version),
               base::FormatTime(e.occurred_at_us), EventTypeName(e.payload),
               Shorten(actor, 22), Describe(e.payload));
  }
  out << "    time travel (replayed from the log):\n";
  fmt::print(out, "    {:<27} {:>4} {:<29} {:<10} {:<13} {:>8}\n", "view",
             "ver", "status", "department", "operator", "messages");
  auto first = engine.GetTicketAtVersion(account, ticket, 1);
  if (!first.ok()) return first.status();
  PrintViewRow(out, "at version 1", *first);
  TimeUs middle = (*events)[events->size() / 2].occurred_at_us;
  auto then = engine.GetTicketAsOf(account, ticket, middle);
  if (!then.ok()) return then.status();
  PrintViewRow(out, "as of " + base::FormatTime(middle), *then);
  auto now = engine.GetTicket(account, ticket);
  if (!now.ok()) return now.status();
  PrintViewRow(out, "now", *now);
  return Status::OK();
}

void PrintStatsHeader(std::ostream& out) {
  fmt::print(out, "    {:<8} {:>7} {:>6} {:>8} {:>9} {:>7}  {:>15} {:>17}\n",
             "account", "tickets", "open", "pending", "finished", "closed",
             "median 1st resp", "median resolution");
}

Status PrintStats(std::ostream& out, Engine& engine,
                  const std::string& account) {
  auto stats = engine.GetStats(account);
  if (!stats.ok()) return stats.status();
  auto count = [&](TicketStatus status) {
    auto it = stats->by_status.find(status);
    return it == stats->by_status.end() ? uint64_t{0} : it->second;
  };
  auto median = [](const std::optional<int64_t>& us) {
    return us ? FormatDuration(*us) : std::string("-");
  };
  fmt::print(out, "    {:<8} {:>7} {:>6} {:>8} {:>9} {:>7}  {:>15} {:>17}\n",
             account, stats->tickets, count(TicketStatus::kOpen),
             count(TicketStatus::kPending), count(TicketStatus::kFinished),
             count(TicketStatus::kClosed),
             median(stats->median_first_response_us),
             median(stats->median_resolution_us));
  return Status::OK();
}

Status PrintSlaReport(std::ostream& out, Engine& engine,
                      const std::string& account) {
  ReportQuery query;
  query.account = account;
  query.by = ReportBy::kPriority;
  auto report = engine.GetReport(query);
  if (!report.ok()) return report.status();
  auto duration = [](const std::optional<int64_t>& us) {
    return us ? FormatDuration(*us) : std::string("-");
  };
  fmt::print(out,
             "    {:<8} {:>7} {:>8} {:>10} {:>10} {:>10} {:>9} {:>9} {:>7}\n",
             "priority", "tickets", "finished", "median 1st", "median res",
             "p90 res", "1st late", "res late", "breach");
  std::vector<ReportGroup> rows = report->groups;
  rows.push_back(report->total);
  rows.back().key = "all";
  for (const ReportGroup& g : rows) {
    fmt::print(out,
               "    {:<8} {:>7} {:>8} {:>10} {:>10} {:>10} {:>9} {:>9} "
               "{:>6.0f}%\n",
               g.key.empty() ? "-" : g.key, g.tickets, g.finished,
               duration(g.median_first_response_us),
               duration(g.median_resolution_us), duration(g.p90_resolution_us),
               g.first_response_breached, g.resolution_breached,
               g.breach_rate.value_or(0) * 100);
  }
  return Status::OK();
}

Status PrintRebuildAndVerify(std::ostream& out, Engine& engine,
                             bool& verified) {
  using Clock = std::chrono::steady_clock;
  auto head = engine.Head();
  if (!head.ok()) return head.status();
  auto start = Clock::now();
  TICKETLOG_RETURN_IF_ERROR(engine.Rebuild());
  double rebuild_s =
      std::chrono::duration<double>(Clock::now() - start).count();
  fmt::print(out,
             "    rebuild: every view rebuilt from {} events beside the live "
             "ones and switched in, in {}\n",
             head->position, FormatSeconds(rebuild_s));
  start = Clock::now();
  auto report = engine.Verify(*head);
  if (!report.ok()) return report.status();
  double verify_s = std::chrono::duration<double>(Clock::now() - start).count();
  verified = report->ok();
  fmt::print(out,
             "    verify:  hash chain of {} events, {} view keys against a "
             "rebuild, head {}:{}... in {}: {}\n",
             report->events_checked, report->view_keys_checked, head->position,
             head->hash.substr(0, 12), FormatSeconds(verify_s),
             verified ? "OK" : "PROBLEMS");
  for (const auto& problem : report->problems) {
    fmt::print(out, "      {}\n", Shorten(problem, 200));
  }
  return Status::OK();
}

}  // namespace ticketlog::cli
