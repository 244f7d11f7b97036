// The query subcommands: show, messages, list, chats, stats, contact and
// contacts. Each prints one JSON object; a ticket or contact the account
// does not have is not_found (exit 1).
#include <limits>
#include <string>
#include <vector>

#include "base/text.h"
#include "cli/args.h"
#include "cli/json_reader.h"
#include "cli/json_view.h"
#include "cli/subcommands.h"

namespace ticketlog::cli {
namespace {

constexpr uint64_t kMaxPage = std::numeric_limits<uint32_t>::max();

// Prints `value` and returns kExitOk.
int Print(Context& ctx, const OutJson& value) {
  ctx.out << Dump(value) << "\n";
  return kExitOk;
}

Status Usage(std::string message) {
  return Status(Code::kInvalidArgument, std::move(message));
}

StatusOr<std::string> Account(const Args& args) {
  auto account = args.Get("account");
  if (!account) return Usage("--account is required");
  return *account;
}

StatusOr<uint32_t> Page(const Args& args) {
  auto page = args.GetUnsigned("page", 1, kMaxPage);
  if (!page.ok()) return page.status();
  return static_cast<uint32_t>(page->value_or(1));
}

// --status S[,S...] of list, chats and search.
Status ParseStatuses(const Args& args, std::vector<TicketStatus>& out) {
  auto statuses = args.Get("status");
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

// The filters and paging shared by list and chats.
Status FillListQuery(const Args& args, ListQuery& query) {
  auto account = Account(args);
  if (!account.ok()) return account.status();
  query.account = *account;
  TICKETLOG_RETURN_IF_ERROR(ParseStatuses(args, query.statuses));
  query.department = args.Get("department");
  query.operator_id = args.Get("operator");
  query.unassigned = args.Has("unassigned");
  if (query.unassigned && query.operator_id) {
    return Usage("--operator and --unassigned exclude each other");
  }
  query.customer = args.Get("customer");
  if (auto channel = args.Get("channel")) {
    query.channel = ParseChannel(*channel);
    if (!query.channel) {
      return Usage(
          "--channel must be one of api, email, chat, phone, web, whatsapp, "
          "agent");
    }
  }
  if (auto priority = args.Get("priority")) {
    query.priority = ParsePriority(*priority);
    if (!query.priority) {
      return Usage("--priority must be one of low, normal, high, urgent");
    }
  }
  query.label = args.Get("label");
  auto number = args.GetUnsigned("number", 1, kMaxJsonInteger);
  if (!number.ok()) return number.status();
  query.number = *number;
  if (auto awaiting = args.Get("awaiting")) {
    query.awaiting = ParseAwaiting(*awaiting);
    if (!query.awaiting)
      return Usage("--awaiting must be operator or customer");
  }
  struct TimeFlag {
    const char* name;
    std::optional<TimeUs>* field;
  };
  for (const TimeFlag& flag : {TimeFlag{"created-from", &query.created_from_us},
                               TimeFlag{"created-to", &query.created_to_us},
                               TimeFlag{"updated-from", &query.updated_from_us},
                               TimeFlag{"updated-to", &query.updated_to_us}}) {
    auto at = args.GetTime(flag.name);
    if (!at.ok()) return at.status();
    *flag.field = *at;
  }
  if (auto sort = args.Get("sort")) {
    if (*sort == "updated") {
      query.sort = SortBy::kUpdated;
    } else if (*sort == "created") {
      query.sort = SortBy::kCreated;
    } else {
      return Usage("--sort must be updated or created");
    }
  }
  if (auto order = args.Get("order")) {
    if (*order == "desc") {
      query.order = SortOrder::kDesc;
    } else if (*order == "asc") {
      query.order = SortOrder::kAsc;
    } else {
      return Usage("--order must be desc or asc");
    }
  }
  if (args.Has("page") && args.Has("cursor")) {
    return Usage("--page and --cursor exclude each other");
  }
  auto page = Page(args);
  if (!page.ok()) return page.status();
  query.page = *page;
  query.cursor = args.Get("cursor").value_or("");
  if (auto sla = args.Get("sla")) {
    query.sla = ParseSlaFilter(*sla);
    if (!query.sla) return Usage("--sla must be breached or at_risk");
  }
  // One time for the filter and the views' sla objects.
  auto now = args.GetTime("now");
  if (!now.ok()) return now.status();
  query.now_us = now->value_or(base::NowUs());
  return Status::OK();
}

int RunListQuery(Context& ctx, const Args& args, bool chats) {
  ListQuery query;
  if (Status filled = FillListQuery(args, query); !filled.ok()) {
    return UsageError(ctx, filled.message());
  }
  if (chats) query.channel = Channel::kChat;
  auto engine = OpenEngine(ctx, /*read_only=*/true);
  if (engine == nullptr) return kExitUsage;
  auto page = engine->List(query);
  if (!page.ok()) return ReportFailure(ctx, page.status());
  return Print(ctx, ListPageJson(*page, *query.now_us));
}

}  // namespace

int RunShow(Context& ctx, const std::vector<std::string>& raw) {
  auto args = Args::Parse(
      raw, {{"account"}, {"at-version"}, {"as-of"}, {"number"}}, 0, 1);
  if (!args.ok()) return UsageError(ctx, args.status().message());
  auto account = Account(*args);
  if (!account.ok()) return UsageError(ctx, account.status().message());
  auto number = args->GetUnsigned("number", 1, kMaxJsonInteger);
  if (!number.ok()) return UsageError(ctx, number.status().message());
  if (args->positional().empty() == !number->has_value()) {
    return UsageError(ctx, "give either a TICKET or --number N");
  }
  if (args->Has("at-version") && args->Has("as-of")) {
    return UsageError(ctx, "--at-version and --as-of exclude each other");
  }
  auto version = args->GetUnsigned("at-version", 1, kMaxJsonInteger);
  if (!version.ok()) return UsageError(ctx, version.status().message());
  auto as_of = args->GetTime("as-of");
  if (!as_of.ok()) return UsageError(ctx, as_of.status().message());
  auto engine = OpenEngine(ctx, /*read_only=*/true);
  if (engine == nullptr) return kExitUsage;
  std::string ticket;
  if (*number) {
    auto current = engine->GetTicketByNumber(*account, **number);
    if (!current.ok()) return ReportFailure(ctx, current.status());
    if (!*version && !*as_of) {
      return Print(ctx, TicketViewJson(*current, base::NowUs()));
    }
    ticket = current->ticket;
  } else {
    ticket = args->positional().front();
  }
  StatusOr<TicketView> view =
      *version ? engine->GetTicketAtVersion(*account, ticket, **version)
      : *as_of ? engine->GetTicketAsOf(*account, ticket, **as_of)
               : engine->GetTicket(*account, ticket);
  if (!view.ok()) return ReportFailure(ctx, view.status());
  // A view of the past is judged at its own time: as of the time asked, or
  // of the version's event.
  TimeUs now = *as_of     ? **as_of
               : *version ? view->updated_at_us
                          : base::NowUs();
  return Print(ctx, TicketViewJson(*view, now));
}

int RunMessages(Context& ctx, const std::vector<std::string>& raw) {
  auto args = Args::Parse(raw, {{"account"}, {"page"}}, 1, 1);
  if (!args.ok()) return UsageError(ctx, args.status().message());
  auto account = Account(*args);
  if (!account.ok()) return UsageError(ctx, account.status().message());
  auto page = Page(*args);
  if (!page.ok()) return UsageError(ctx, page.status().message());

  auto engine = OpenEngine(ctx, /*read_only=*/true);
  if (engine == nullptr) return kExitUsage;
  auto messages =
      engine->GetMessages(*account, args->positional().front(), *page);
  if (!messages.ok()) return ReportFailure(ctx, messages.status());
  return Print(ctx, MessagePageJson(*messages));
}

namespace {

// The flags of list; chats takes them all but --channel.
std::vector<FlagSpec> ListFlags(bool chats) {
  std::vector<FlagSpec> flags = {{"account"},
                                 {"status"},
                                 {"department"},
                                 {"operator"},
                                 {"unassigned", false},
                                 {"customer"},
                                 {"channel"},
                                 {"priority"},
                                 {"label"},
                                 {"awaiting"},
                                 {"created-from"},
                                 {"created-to"},
                                 {"updated-from"},
                                 {"updated-to"},
                                 {"sort"},
                                 {"order"},
                                 {"page"},
                                 {"cursor"},
                                 {"number"},
                                 {"sla"},
                                 {"now"}};
  if (chats) {
    std::erase_if(flags, [](const FlagSpec& f) { return f.name == "channel"; });
  }
  return flags;
}

}  // namespace

int RunList(Context& ctx, const std::vector<std::string>& raw) {
  auto args = Args::Parse(raw, ListFlags(/*chats=*/false), 0, 0);
  if (!args.ok()) return UsageError(ctx, args.status().message());
  return RunListQuery(ctx, *args, /*chats=*/false);
}

// The list restricted to channel chat.
int RunChats(Context& ctx, const std::vector<std::string>& raw) {
  auto args = Args::Parse(raw, ListFlags(/*chats=*/true), 0, 0);
  if (!args.ok()) return UsageError(ctx, args.status().message());
  return RunListQuery(ctx, *args, /*chats=*/true);
}

int RunStats(Context& ctx, const std::vector<std::string>& raw) {
  auto args = Args::Parse(raw, {{"account"}}, 0, 0);
  if (!args.ok()) return UsageError(ctx, args.status().message());
  auto account = Account(*args);
  if (!account.ok()) return UsageError(ctx, account.status().message());

  auto engine = OpenEngine(ctx, /*read_only=*/true);
  if (engine == nullptr) return kExitUsage;
  auto stats = engine->GetStats(*account);
  if (!stats.ok()) return ReportFailure(ctx, stats.status());
  return Print(ctx, StatsJson(*account, *stats));
}

// One contact by contact id, customer id, email or phone.
int RunContact(Context& ctx, const std::vector<std::string>& raw) {
  auto args = Args::Parse(raw, {{"account"}}, 1, 1);
  if (!args.ok()) return UsageError(ctx, args.status().message());
  auto account = Account(*args);
  if (!account.ok()) return UsageError(ctx, account.status().message());

  auto engine = OpenEngine(ctx, /*read_only=*/true);
  if (engine == nullptr) return kExitUsage;
  auto contact = engine->GetContact(*account, args->positional().front());
  if (!contact.ok()) return ReportFailure(ctx, contact.status());
  return Print(ctx, ContactViewJson(*contact));
}

int RunContacts(Context& ctx, const std::vector<std::string>& raw) {
  auto args = Args::Parse(raw, {{"account"}, {"page"}}, 0, 0);
  if (!args.ok()) return UsageError(ctx, args.status().message());
  auto account = Account(*args);
  if (!account.ok()) return UsageError(ctx, account.status().message());
  auto page = Page(*args);
  if (!page.ok()) return UsageError(ctx, page.status().message());

  auto engine = OpenEngine(ctx, /*read_only=*/true);
  if (engine == nullptr) return kExitUsage;
  auto contacts = engine->ListContacts(*account, *page);
  if (!contacts.ok()) return ReportFailure(ctx, contacts.status());
  return Print(ctx, ContactPageJson(*contacts));
}

// search --account A QUERY... [--status S[,S...]] [--page N]: the words of
// every positional argument form the query.
int RunSearch(Context& ctx, const std::vector<std::string>& raw) {
  auto args =
      Args::Parse(raw, {{"account"}, {"status"}, {"page"}}, 1, SIZE_MAX);
  if (!args.ok()) return UsageError(ctx, args.status().message());
  SearchQuery query;
  auto account = Account(*args);
  if (!account.ok()) return UsageError(ctx, account.status().message());
  query.account = *account;
  if (Status parsed = ParseStatuses(*args, query.statuses); !parsed.ok()) {
    return UsageError(ctx, parsed.message());
  }
  auto page = Page(*args);
  if (!page.ok()) return UsageError(ctx, page.status().message());
  query.page = *page;
  for (const std::string& word : args->positional()) {
    if (!query.text.empty()) query.text += ' ';
    query.text += word;
  }

  auto engine = OpenEngine(ctx, /*read_only=*/true);
  if (engine == nullptr) return kExitUsage;
  auto found = engine->Search(query);
  if (!found.ok()) return ReportFailure(ctx, found.status());
  return Print(ctx, SearchPageJson(*found, base::NowUs()));
}

}  // namespace ticketlog::cli
