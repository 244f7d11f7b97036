#include "cli/json_view.h"

#include <cmath>
#include <variant>

#include "base/text.h"

namespace ticketlog::cli {

std::string Dump(const OutJson& value) {
  return value.dump(-1, ' ', /*ensure_ascii=*/false,
                    nlohmann::detail::error_handler_t::replace);
}

OutJson TextOrNull(std::string_view text) {
  if (text.empty()) return nullptr;
  return std::string(text);
}

OutJson TimeOrNull(std::optional<TimeUs> at_us) {
  if (!at_us) return nullptr;
  return base::FormatTime(*at_us);
}

double Seconds(int64_t us) { return static_cast<double>(us) / 1e6; }

OutJson SecondsOrNull(std::optional<int64_t> us) {
  if (!us) return nullptr;
  return Seconds(*us);
}

OutJson CustomerJson(const Customer& customer) {
  OutJson out = OutJson::object();
  out["contact"] = TextOrNull(customer.contact);
  out["id"] = TextOrNull(customer.id);
  out["name"] = TextOrNull(customer.name);
  out["email"] = TextOrNull(customer.email);
  out["phone"] = TextOrNull(customer.phone);
  return out;
}

OutJson AttachmentJson(const Attachment& attachment) {
  OutJson out = OutJson::object();
  out["name"] = attachment.name;
  out["content_type"] = TextOrNull(attachment.content_type);
  out["size"] = attachment.size_bytes;
  out["sha256"] = TextOrNull(attachment.sha256);
  return out;
}

OutJson AttributesJson(const Attributes& attributes) {
  OutJson out = OutJson::object();
  for (const auto& [key, value] : attributes) {
    if (const auto* text = std::get_if<std::string>(&value)) {
      out[key] = *text;
    } else if (const auto* flag = std::get_if<bool>(&value)) {
      out[key] = *flag;
    } else if (const auto* integer = std::get_if<int64_t>(&value)) {
      out[key] = *integer;
    } else {
      double number = std::get<double>(value);
      // Whole numbers print as integers ("3", not "3.0"): the way they were
      // most likely written. 2^53 bounds the exactly representable ones.
      if (std::floor(number) == number &&
          std::fabs(number) < 9007199254740992.0) {
        out[key] = static_cast<int64_t>(number);
      } else {
        out[key] = number;
      }
    }
  }
  return out;
}

OutJson MessageJson(const Message& message) {
  OutJson out = OutJson::object();
  out["message"] = TextOrNull(message.id);
  out["seq"] = message.seq;
  out["at"] = base::FormatTime(message.at_us);
  out["kind"] = Name(message.kind);
  out["author"] = Name(message.author);
  out["author_id"] = TextOrNull(message.author_id);
  out["author_name"] = TextOrNull(message.author_name);
  out["private"] = message.is_private;
  out["content"] = message.content;
  OutJson attachments = OutJson::array();
  for (const auto& attachment : message.attachments) {
    attachments.push_back(AttachmentJson(attachment));
  }
  out["attachments"] = std::move(attachments);
  // A merge's copy names the ticket it came from and its seq there.
  out["merged_from"] = TextOrNull(message.merged_from);
  out["merged_seq"] = message.merged_from.empty() ? OutJson(nullptr)
                                                  : OutJson(message.merged_seq);
  return out;
}

OutJson SlaJson(const TicketView& view, TimeUs now_us) {
  std::optional<SlaStatus> sla = EvaluateSla(view, now_us);
  if (!sla) return nullptr;
  OutJson out = OutJson::object();
  out["policy"] = sla->policy;
  out["first_response_due_at"] = TimeOrNull(sla->first_response_due_at_us);
  out["resolution_due_at"] = TimeOrNull(sla->resolution_due_at_us);
  out["first_response_breached"] = sla->first_response_breached;
  out["resolution_breached"] = sla->resolution_breached;
  return out;
}

OutJson TicketViewJson(const TicketView& view, TimeUs now_us) {
  OutJson out = OutJson::object();
  out["ticket"] = view.ticket;
  out["number"] = view.number;
  out["account"] = view.account;
  out["subject"] = view.subject;
  out["status"] = Name(view.status);
  out["custom_status"] = TextOrNull(view.custom_status);
  out["department"] = TextOrNull(view.department);
  out["operator"] = TextOrNull(view.operator_id);
  out["customer"] = CustomerJson(view.customer);
  out["channel"] = Name(view.channel);
  out["priority"] = Name(view.priority);
  out["category"] = TextOrNull(view.category);
  out["labels"] = view.labels;
  out["custom_attributes"] = AttributesJson(view.custom_attributes);
  out["awaiting"] = Name(view.awaiting);
  out["created_at"] = base::FormatTime(view.created_at_us);
  out["updated_at"] = base::FormatTime(view.updated_at_us);
  out["first_response_at"] = TimeOrNull(view.first_response_at_us);
  out["finished_at"] = TimeOrNull(view.finished_at_us);
  out["closed_at"] = TimeOrNull(view.closed_at_us);
  out["reopen_count"] = view.reopen_count;
  out["transfer_count"] = view.transfer_count;
  out["message_count"] = view.message_count;
  out["paused_seconds"] = Seconds(view.paused_us);
  out["version"] = view.version;
  out["sla"] = SlaJson(view, now_us);
  // Extras, after the spec's keys.
  out["resolution"] = TextOrNull(view.resolution);
  out["first_response_seconds"] = SecondsOrNull(view.first_response_us);
  out["resolution_seconds"] = SecondsOrNull(view.resolution_us);
  OutJson per_status = OutJson::object();
  for (const auto& [status, us] : view.status_durations_us) {
    per_status[status] = Seconds(us);
  }
  out["status_seconds"] = std::move(per_status);
  out["custom_status_started_at"] = view.custom_status.empty()
                                        ? OutJson(nullptr)
                                        : TimeOrNull(view.status_started_at_us);
  out["merged_into"] = TextOrNull(view.merged_into);
  out["merged_from"] = view.merged_from;
  return out;
}

OutJson MessagePageJson(const MessagePage& page) {
  OutJson items = OutJson::array();
  for (const auto& message : page.items) items.push_back(MessageJson(message));
  OutJson out = OutJson::object();
  out["items"] = std::move(items);
  out["page"] = page.page;
  out["total"] = page.total;
  return out;
}

OutJson ListPageJson(const ListPage& page, TimeUs now_us) {
  OutJson items = OutJson::array();
  for (const auto& view : page.items) {
    items.push_back(TicketViewJson(view, now_us));
  }
  OutJson out = OutJson::object();
  out["items"] = std::move(items);
  out["page"] = page.page;
  out["total"] = page.total;
  out["next_cursor"] = TextOrNull(page.next_cursor);
  return out;
}

OutJson ContactViewJson(const ContactView& view) {
  OutJson out = CustomerJson(view.customer);
  out["ticket_count"] = view.ticket_count;
  out["created_at"] = base::FormatTime(view.created_at_us);
  out["updated_at"] = base::FormatTime(view.updated_at_us);
  return out;
}

OutJson ContactPageJson(const ContactPage& page) {
  OutJson out = OutJson::object();
  OutJson items = OutJson::array();
  for (const auto& contact : page.items)
    items.push_back(ContactViewJson(contact));
  out["items"] = std::move(items);
  out["page"] = page.page;
  out["total"] = page.total;
  return out;
}

OutJson SearchPageJson(const SearchPage& page, TimeUs now_us) {
  OutJson items = OutJson::array();
  for (size_t i = 0; i < page.items.size(); ++i) {
    OutJson item = TicketViewJson(page.items[i], now_us);
    item["relevance"] = page.relevance[i];
    items.push_back(std::move(item));
  }
  OutJson out = OutJson::object();
  out["items"] = std::move(items);
  out["page"] = page.page;
  out["total"] = page.total;
  return out;
}

OutJson StatsJson(const std::string& account, const Stats& stats) {
  OutJson out = OutJson::object();
  out["account"] = account;
  out["tickets"] = stats.tickets;
  // Every status is listed, with 0 when no ticket has it, so that readers
  // need not know which keys may be missing.
  OutJson by_status = OutJson::object();
  for (auto status : {TicketStatus::kOpen, TicketStatus::kPending,
                      TicketStatus::kFinished, TicketStatus::kClosed}) {
    auto it = stats.by_status.find(status);
    by_status[std::string(Name(status))] =
        it == stats.by_status.end() ? 0 : it->second;
  }
  out["by_status"] = std::move(by_status);
  OutJson by_department = OutJson::object();
  for (const auto& [department, count] : stats.by_department) {
    by_department[department] = count;
  }
  out["by_department"] = std::move(by_department);
  OutJson by_operator = OutJson::object();
  for (const auto& [operator_id, count] : stats.by_operator) {
    by_operator[operator_id] = count;
  }
  out["by_operator"] = std::move(by_operator);
  out["median_first_response_seconds"] =
      SecondsOrNull(stats.median_first_response_us);
  out["median_resolution_seconds"] = SecondsOrNull(stats.median_resolution_us);
  return out;
}

namespace {

OutJson ReportGroupJson(const ReportGroup& g) {
  OutJson out = OutJson::object();
  out["tickets"] = g.tickets;
  out["finished"] = g.finished;
  out["reopened"] = g.reopened;
  out["median_first_response_seconds"] =
      SecondsOrNull(g.median_first_response_us);
  out["median_resolution_seconds"] = SecondsOrNull(g.median_resolution_us);
  out["p90_resolution_seconds"] = SecondsOrNull(g.p90_resolution_us);
  out["first_response_breached"] = g.first_response_breached;
  out["resolution_breached"] = g.resolution_breached;
  out["breach_rate"] = g.breach_rate ? OutJson(*g.breach_rate) : nullptr;
  out["with_policy"] = g.with_policy;
  return out;
}

}  // namespace

OutJson ReportJson(const ReportQuery& query, const Report& report) {
  OutJson out = OutJson::object();
  out["account"] = query.account;
  out["by"] = Name(query.by);
  out["from"] = TimeOrNull(query.from_us);
  out["to"] = TimeOrNull(query.to_us);
  out["now"] = base::FormatTime(report.now_us);
  OutJson groups = OutJson::array();
  for (const ReportGroup& g : report.groups) {
    OutJson group = OutJson::object();
    group[std::string(Name(query.by))] = TextOrNull(g.key);
    group.update(ReportGroupJson(g));
    groups.push_back(std::move(group));
  }
  out["groups"] = std::move(groups);
  out["total"] = ReportGroupJson(report.total);
  return out;
}

OutJson ResultJson(const CommandResult& result) {
  OutJson out = OutJson::object();
  out["ok"] = true;
  out["ticket"] = TextOrNull(result.ticket);
  out["number"] =
      result.ticket.empty() ? OutJson(nullptr) : OutJson(result.number);
  out["version"] = result.version;
  out["position"] = result.position;
  out["events_appended"] = result.events_appended;
  return out;
}

OutJson ErrorJson(const Status& status) {
  OutJson error = OutJson::object();
  error["code"] = CodeName(status.code());
  error["message"] = status.message();
  if (auto current = status.current_version()) {
    error["current_version"] = *current;
  }
  OutJson out = OutJson::object();
  out["ok"] = false;
  out["error"] = std::move(error);
  return out;
}

OutJson HeadJson(const LogHead& head) {
  OutJson out = OutJson::object();
  out["position"] = head.position;
  out["hash"] = TextOrNull(head.hash);
  return out;
}

OutJson VerifyReportJson(const VerifyReport& report) {
  OutJson out = OutJson::object();
  out["ok"] = report.ok();
  if (!report.ok()) {
    size_t count = report.problems.size();
    std::string message = std::to_string(count) +
                          (count == 1 ? " problem" : " problems") +
                          " found; first: " + report.problems.front();
    out["error"] = ErrorJson(Status(Code::kCorruption, message))["error"];
  }
  out["events_checked"] = report.events_checked;
  out["view_keys_checked"] = report.view_keys_checked;
  out["problems"] = report.problems;
  return out;
}

}  // namespace ticketlog::cli
