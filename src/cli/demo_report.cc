// The readable sections of the demo's summary.
#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <variant>

#include "base/text.h"
#include "cli/demo.h"

namespace ticketlog::cli {
namespace {

std::string OrDash(const std::string& text) {
  return text.empty() ? "-" : text;
}

std::string Shorten(const std::string& text, size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  size_t cut = max_bytes - 3;
  // Do not split a UTF-8 sequence: back up to the start of a character.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  return text.substr(0, cut) + "...";
}

std::string Duration(int64_t us) {
  char buffer[32];
  double minutes = static_cast<double>(us) / 60e6;
  if (minutes < 120) {
    std::snprintf(buffer, sizeof buffer, "%.0f min", minutes);
  } else if (minutes < 48 * 60) {
    std::snprintf(buffer, sizeof buffer, "%.1f h", minutes / 60);
  } else {
    std::snprintf(buffer, sizeof buffer, "%.1f days", minutes / 1440);
  }
  return buffer;
}

// One line about what an event says.
std::string Describe(const EventPayload& payload) {
  struct Visitor {
    std::string operator()(const TicketOpened& e) {
      return "#" + std::to_string(e.number) + " \"" + Shorten(e.subject, 40) +
             "\" in " + OrDash(e.department) + ", operator " +
             OrDash(e.operator_id) + ", " + std::string(Name(e.status));
    }
    std::string operator()(const MessageAdded& e) {
      return std::string(Name(e.message.kind)) + ": \"" +
             Shorten(e.message.content, 48) + "\"";
    }
    std::string operator()(const TicketTransferred& e) {
      return OrDash(e.from_department) + "/" + OrDash(e.from_operator) +
             " -> " + OrDash(e.to_department) + "/" + OrDash(e.to_operator);
    }
    std::string operator()(const OperatorLinked& e) { return e.operator_id; }
    std::string operator()(const OperatorUnlinked& e) { return e.operator_id; }
    std::string operator()(const StatusStarted& e) { return e.status; }
    std::string operator()(const StatusStopped& e) {
      return e.status + " after " + Duration(e.duration_us);
    }
    std::string operator()(const TicketFinished& e) {
      return OrDash(e.resolution);
    }
    std::string operator()(const TicketReopened& e) {
      return e.by_customer_reply ? "by a customer reply" : "";
    }
    std::string operator()(const TicketClosed&) { return ""; }
    std::string operator()(const TicketUpdated& e) {
      std::string what;
      if (e.subject) what += "subject ";
      if (e.channel) what += "channel ";
      if (e.priority)
        what += "priority=" + std::string(Name(*e.priority)) + " ";
      if (e.category) what += "category ";
      if (e.labels) what += "labels ";
      if (!e.set_attributes.empty() || !e.removed_attributes.empty()) {
        what += "custom_attributes";
      }
      return what;
    }
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

void PrintViewLine(std::ostream& out, const char* label, const TicketView& v) {
  std::string status(Name(v.status));
  if (!v.custom_status.empty()) status += " (" + v.custom_status + ")";
  Printf(out, "    %-26s v%-3llu %-14s dept %-10s operator %-12s %u messages\n",
         label, static_cast<unsigned long long>(v.version), status.c_str(),
         OrDash(v.department).c_str(), OrDash(v.operator_id).c_str(),
         v.message_count);
}

}  // namespace

void Printf(std::ostream& out, const char* format, ...) {
  char buffer[1024];
  va_list args;
  va_start(args, format);
  std::vsnprintf(buffer, sizeof buffer, format, args);
  va_end(args);
  out << buffer;
}

void PrintTally(std::ostream& out, const Tally& tally) {
  double rate = tally.seconds > 0 ? tally.commands / tally.seconds : 0;
  Printf(
      out,
      "    %llu commands in %.2f s (%.0f commands/s), %llu events appended\n",
      static_cast<unsigned long long>(tally.commands), tally.seconds, rate,
      static_cast<unsigned long long>(tally.events));
  Printf(out, "    accepted %llu (%llu changed nothing), refused %llu",
         static_cast<unsigned long long>(tally.accepted),
         static_cast<unsigned long long>(tally.no_ops),
         static_cast<unsigned long long>(tally.refused_total()));
  const char* separator = ": ";
  for (const auto& [code, count] : tally.refused) {
    Printf(out, "%s%s %llu", separator, code.c_str(),
           static_cast<unsigned long long>(count));
    separator = ", ";
  }
  out << "\n";
}

Status PrintListPage(std::ostream& out, Engine& engine,
                     const std::string& account, size_t rows) {
  ListQuery query;
  query.account = account;
  auto page = engine.List(query);
  if (!page.ok()) return page.status();
  Printf(out, "    %s: %llu tickets, page 1 of %llu, newest updates first\n",
         account.c_str(), static_cast<unsigned long long>(page->total),
         static_cast<unsigned long long>((page->total + kPageSize - 1) /
                                         kPageSize));
  for (size_t i = 0; i < page->items.size() && i < rows; ++i) {
    const TicketView& v = page->items[i];
    Printf(out, "    #%-5llu %-8s %-7s %-9s %-9s awaiting %-9s %s\n",
           static_cast<unsigned long long>(v.number),
           std::string(Name(v.status)).c_str(),
           std::string(Name(v.priority)).c_str(),
           std::string(Name(v.channel)).c_str(), OrDash(v.operator_id).c_str(),
           std::string(Name(v.awaiting)).c_str(),
           Shorten(v.subject, 40).c_str());
  }
  return Status::OK();
}

Status PrintTicketStory(std::ostream& out, Engine& engine,
                        const std::string& account, const std::string& ticket) {
  auto events = engine.History(account, ticket);
  if (!events.ok()) return events.status();
  if (events->empty()) return Status::NotFound("ticket " + ticket);
  Printf(out, "    ticket %s, %zu events:\n", ticket.c_str(), events->size());
  for (const Event& e : *events) {
    std::string actor = std::string(Name(e.actor.kind));
    if (!e.actor.id.empty()) actor += ":" + e.actor.id;
    Printf(out, "    v%-3llu %s  %-18s %-24s %s\n",
           static_cast<unsigned long long>(e.version),
           base::FormatTime(e.occurred_at_us).c_str(),
           std::string(EventTypeName(e.payload)).c_str(),
           Shorten(actor, 24).c_str(), Describe(e.payload).c_str());
  }
  Printf(out, "    time travel (replayed from the log):\n");
  auto first = engine.GetTicketAtVersion(account, ticket, 1);
  if (!first.ok()) return first.status();
  PrintViewLine(out, "at version 1", *first);
  TimeUs middle = (*events)[events->size() / 2].occurred_at_us;
  auto then = engine.GetTicketAsOf(account, ticket, middle);
  if (!then.ok()) return then.status();
  std::string label = "as of " + base::FormatTime(middle);
  PrintViewLine(out, label.c_str(), *then);
  auto now = engine.GetTicket(account, ticket);
  if (!now.ok()) return now.status();
  PrintViewLine(out, "now", *now);
  return Status::OK();
}

Status PrintStats(std::ostream& out, Engine& engine,
                  const std::string& account) {
  auto stats = engine.GetStats(account);
  if (!stats.ok()) return stats.status();
  Printf(out, "    %-8s %5llu tickets:", account.c_str(),
         static_cast<unsigned long long>(stats->tickets));
  for (auto status : {TicketStatus::kOpen, TicketStatus::kPending,
                      TicketStatus::kFinished, TicketStatus::kClosed}) {
    auto it = stats->by_status.find(status);
    Printf(out, " %s %llu", std::string(Name(status)).c_str(),
           static_cast<unsigned long long>(
               it == stats->by_status.end() ? 0 : it->second));
  }
  Printf(out, "; median first response %s, median resolution %s\n",
         stats->median_first_response_us
             ? Duration(*stats->median_first_response_us).c_str()
             : "-",
         stats->median_resolution_us
             ? Duration(*stats->median_resolution_us).c_str()
             : "-");
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
    return us ? Duration(*us) : std::string("-");
  };
  Printf(out, "    %-8s %7s %8s %10s %10s %10s %9s %9s %7s\n", "priority",
         "tickets", "finished", "median 1st", "median res", "p90 res",
         "1st late", "res late", "breach");
  std::vector<ReportGroup> rows = report->groups;
  rows.push_back(report->total);
  rows.back().key = "all";
  for (const ReportGroup& g : rows) {
    Printf(out, "    %-8s %7llu %8llu %10s %10s %10s %9llu %9llu %6.0f%%\n",
           g.key.empty() ? "-" : g.key.c_str(),
           static_cast<unsigned long long>(g.tickets),
           static_cast<unsigned long long>(g.finished),
           duration(g.median_first_response_us).c_str(),
           duration(g.median_resolution_us).c_str(),
           duration(g.p90_resolution_us).c_str(),
           static_cast<unsigned long long>(g.first_response_breached),
           static_cast<unsigned long long>(g.resolution_breached),
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
  Printf(out,
         "    rebuild: every view dropped and rebuilt from %llu events in %.2f "
         "s\n",
         static_cast<unsigned long long>(head->position), rebuild_s);
  start = Clock::now();
  auto report = engine.Verify(*head);
  if (!report.ok()) return report.status();
  double verify_s = std::chrono::duration<double>(Clock::now() - start).count();
  verified = report->ok();
  Printf(out,
         "    verify:  hash chain of %llu events, %llu view keys against a "
         "rebuild, head %llu:%s... in %.2f s: %s\n",
         static_cast<unsigned long long>(report->events_checked),
         static_cast<unsigned long long>(report->view_keys_checked),
         static_cast<unsigned long long>(head->position),
         head->hash.substr(0, 12).c_str(), verify_s,
         verified ? "OK" : "PROBLEMS");
  for (const auto& problem : report->problems) {
    Printf(out, "      %s\n", Shorten(problem, 200).c_str());
  }
  return Status::OK();
}

}  // namespace ticketlog::cli
