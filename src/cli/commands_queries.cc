// The query subcommands: show, messages, list, chats and stats. Each prints
// one JSON object; a ticket the account does not have is not_found (exit 1).
#include <limits>
#include <string>
#include <vector>

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

// The filters and paging shared by list and chats.
Status FillListQuery(const Args& args, ListQuery& query) {
  auto account = Account(args);
  if (!account.ok()) return account.status();
  query.account = *account;
  if (auto statuses = args.Get("status")) {
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
      query.statuses.push_back(*status);
      start = comma + 1;
    }
  }
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
  return Print(ctx, ListPageJson(*page));
}

}  // namespace

int RunShow(Context& ctx, const std::vector<std::string>& raw) {
  auto args = Args::Parse(raw, {{"account"}, {"at-version"}, {"as-of"}}, 1, 1);
  if (!args.ok()) return UsageError(ctx, args.status().message());
  auto account = Account(*args);
  if (!account.ok()) return UsageError(ctx, account.status().message());
  if (args->Has("at-version") && args->Has("as-of")) {
    return UsageError(ctx, "--at-version and --as-of exclude each other");
  }
  auto version = args->GetUnsigned("at-version", 1, kMaxJsonInteger);
  if (!version.ok()) return UsageError(ctx, version.status().message());
  auto as_of = args->GetTime("as-of");
  if (!as_of.ok()) return UsageError(ctx, as_of.status().message());
  const std::string& ticket = args->positional().front();

  auto engine = OpenEngine(ctx, /*read_only=*/true);
  if (engine == nullptr) return kExitUsage;
  StatusOr<TicketView> view =
      *version ? engine->GetTicketAtVersion(*account, ticket, **version)
      : *as_of ? engine->GetTicketAsOf(*account, ticket, **as_of)
               : engine->GetTicket(*account, ticket);
  if (!view.ok()) return ReportFailure(ctx, view.status());
  return Print(ctx, TicketViewJson(*view));
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
                                 {"cursor"}};
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

}  // namespace ticketlog::cli
