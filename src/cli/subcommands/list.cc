// `ticketlog list --account A [filters] [--sort …] [--order …]
// [--page N | --cursor C]`: a page of tickets; and `ticketlog chats`, the
// same list restricted to channel chat (it takes every flag but --channel).
#include <limits>

#include "base/text.h"
#include "cli/json_reader.h"
#include "cli/json_view.h"
#include "cli/subcommands/all.h"

namespace ticketlog::cli {
namespace {

struct ListFlags {
  std::string account;
  TextFlag status, department, operator_id, customer, channel, priority, label,
      awaiting, created_from, created_to, updated_from, updated_to, sort, order,
      page, cursor, number, sla, now;
  bool unassigned = false;
};

Status Usage(std::string message) {
  return Status(Code::kInvalidArgument, std::move(message));
}

}  // namespace

Status ParseStatusList(const TextFlag& flag, std::vector<TicketStatus>& out) {
  auto statuses = flag.get();
  if (!statuses) return Status::OK();
  size_t start = 0;
  while (start <= statuses->size()) {
    size_t comma = statuses->find(',', start);
    if (comma == std::string::npos) comma = statuses->size();
    std::string name = statuses->substr(start, comma - start);
    auto status = ParseTicketStatus(name);
    if (!status) {
      return Usage("--status: \"" + name +
                   "\" is not one of open, pending, finished, closed");
    }
    out.push_back(*status);
    start = comma + 1;
  }
  return Status::OK();
}

namespace {

// The query the flags ask for.
Status FillListQuery(const ListFlags& flags, ListQuery& query) {
  query.account = flags.account;
  TICKETLOG_RETURN_IF_ERROR(ParseStatusList(flags.status, query.statuses));
  query.department = flags.department.get();
  query.operator_id = flags.operator_id.get();
  query.unassigned = flags.unassigned;
  query.customer = flags.customer.get();
  if (auto channel = flags.channel.get()) {
    query.channel = ParseChannel(*channel);
    if (!query.channel) {
      return Usage(
          "--channel must be one of api, email, chat, phone, web, whatsapp, "
          "agent");
    }
  }
  if (auto priority = flags.priority.get()) {
    query.priority = ParsePriority(*priority);
    if (!query.priority) {
      return Usage("--priority must be one of low, normal, high, urgent");
    }
  }
  query.label = flags.label.get();
  auto number = UnsignedFlag(flags.number, 1, kMaxJsonInteger);
  if (!number.ok()) return number.status();
  query.number = *number;
  if (auto sla = flags.sla.get()) {
    query.sla = ParseSlaFilter(*sla);
    if (!query.sla) return Usage("--sla must be breached or at_risk");
  }
  // One time for the filter and the views' sla objects.
  auto now = TimeFlag(flags.now);
  if (!now.ok()) return now.status();
  query.now_us = now->value_or(base::NowUs());
  if (auto awaiting = flags.awaiting.get()) {
    query.awaiting = ParseAwaiting(*awaiting);
    if (!query.awaiting) {
      return Usage("--awaiting must be operator or customer");
    }
  }
  struct Time {
    const TextFlag& flag;
    std::optional<TimeUs>& field;
  };
  for (const Time& time : {Time{flags.created_from, query.created_from_us},
                           Time{flags.created_to, query.created_to_us},
                           Time{flags.updated_from, query.updated_from_us},
                           Time{flags.updated_to, query.updated_to_us}}) {
    auto at = TimeFlag(time.flag);
    if (!at.ok()) return at.status();
    time.field = *at;
  }
  if (auto sort = flags.sort.get()) {
    if (*sort == "updated") {
      query.sort = SortBy::kUpdated;
    } else if (*sort == "created") {
      query.sort = SortBy::kCreated;
    } else {
      return Usage("--sort must be updated or created");
    }
  }
  if (auto order = flags.order.get()) {
    if (*order == "desc") {
      query.order = SortOrder::kDesc;
    } else if (*order == "asc") {
      query.order = SortOrder::kAsc;
    } else {
      return Usage("--order must be desc or asc");
    }
  }
  auto page = UnsignedFlag(flags.page, 1, std::numeric_limits<uint32_t>::max());
  if (!page.ok()) return page.status();
  query.page = static_cast<uint32_t>(page->value_or(1));
  query.cursor = flags.cursor.value;
  return Status::OK();
}

int RunList(Context& ctx, const ListFlags& flags, bool chats) {
  ListQuery query;
  if (Status filled = FillListQuery(flags, query); !filled.ok()) {
    return UsageError(ctx, filled.message());
  }
  if (chats) query.channel = Channel::kChat;
  auto engine = OpenEngine(ctx, /*read_only=*/true);
  if (engine == nullptr) return kExitUsage;
  auto page = engine->List(query);
  if (!page.ok()) return ReportFailure(ctx, page.status());
  ctx.out << Dump(ListPageJson(*page, *query.now_us)) << "\n";
  return kExitOk;
}

// The flags of list; chats takes them all but --channel.
void AddListFlags(CLI::App* app, ListFlags& flags, bool chats) {
  app->add_option("--account", flags.account, "the account")
      ->type_name("A")
      ->required();
  AddText(app, "--status", flags.status, "S[,S...]",
          "open, pending, finished or closed; several separated by commas");
  AddText(app, "--department", flags.department, "D", "in department D");
  CLI::Option* operator_id = AddText(app, "--operator", flags.operator_id, "O",
                                     "linked to operator O");
  app->add_flag("--unassigned", flags.unassigned, "linked to no operator")
      ->excludes(operator_id);
  AddText(app, "--customer", flags.customer, "C",
          "the customer's id, contact id, email or phone (any spelling)");
  if (!chats) {
    AddText(app, "--channel", flags.channel, "C",
            "api, email, chat, phone, web, whatsapp or agent");
  }
  AddText(app, "--priority", flags.priority, "P",
          "low, normal, high or urgent");
  AddText(app, "--label", flags.label, "L", "carrying label L (any case)");
  AddText(app, "--number", flags.number, "N",
          "the ticket with protocol number N");
  AddText(app, "--sla", flags.sla, "breached|at_risk",
          "SLA targets breached, or at risk within the hour");
  AddText(app, "--now", flags.now, "TIME",
          "the time SLA filters and sla objects are judged at (default: now)");
  AddText(app, "--awaiting", flags.awaiting, "WHO",
          "awaiting operator or customer");
  AddText(app, "--created-from", flags.created_from, "TIME",
          "created at or after an ISO-8601 time");
  AddText(app, "--created-to", flags.created_to, "TIME",
          "created before an ISO-8601 time");
  AddText(app, "--updated-from", flags.updated_from, "TIME",
          "updated at or after an ISO-8601 time");
  AddText(app, "--updated-to", flags.updated_to, "TIME",
          "updated before an ISO-8601 time");
  AddText(app, "--sort", flags.sort, "updated|created",
          "the time to sort by (default updated)");
  AddText(app, "--order", flags.order, "desc|asc",
          "newest first (default) or oldest first");
  CLI::Option* page =
      AddText(app, "--page", flags.page, "N", "the page, from 1 (default 1)");
  AddText(app, "--cursor", flags.cursor, "C",
          "the next_cursor of the previous page")
      ->excludes(page);
}

}  // namespace

void AddList(Registry& registry) {
  auto flags = std::make_shared<ListFlags>();
  CLI::App* app = registry.Add(
      "list", "a page of 50 tickets, filtered and sorted", kGroupQueries,
      [flags](Context& ctx) { return RunList(ctx, *flags, /*chats=*/false); });
  AddListFlags(app, *flags, /*chats=*/false);
}

void AddChats(Registry& registry) {
  auto flags = std::make_shared<ListFlags>();
  CLI::App* app = registry.Add(
      "chats", "list restricted to channel chat", kGroupQueries,
      [flags](Context& ctx) { return RunList(ctx, *flags, /*chats=*/true); });
  AddListFlags(app, *flags, /*chats=*/true);
}

}  // namespace ticketlog::cli
