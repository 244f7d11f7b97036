// `ticketlog show --account A (TICKET | --number N) [--at-version N |
// --as-of TIME]`: one ticket's view, now or in the past; not_found (exit 1)
// when the account has no such ticket.
#include "base/text.h"
#include "cli/json_reader.h"
#include "cli/json_view.h"
#include "cli/subcommands/all.h"

namespace ticketlog::cli {
namespace {

struct ShowFlags {
  std::string account;
  std::string ticket;
  TextFlag number;
  TextFlag at_version;
  TextFlag as_of;
};

int RunShow(Context& ctx, const ShowFlags& flags) {
  auto version = UnsignedFlag(flags.at_version, 1, kMaxJsonInteger);
  if (!version.ok()) return UsageError(ctx, version.status().message());
  auto as_of = TimeFlag(flags.as_of);
  if (!as_of.ok()) return UsageError(ctx, as_of.status().message());
  auto number = UnsignedFlag(flags.number, 1, kMaxJsonInteger);
  if (!number.ok()) return UsageError(ctx, number.status().message());
  if (flags.ticket.empty() == !number->has_value()) {
    return UsageError(ctx, "give either a TICKET or --number N");
  }

  auto engine = OpenEngine(ctx, /*read_only=*/true);
  if (engine == nullptr) return kExitUsage;
  std::string ticket = flags.ticket;
  if (*number) {
    auto current = engine->GetTicketByNumber(flags.account, **number);
    if (!current.ok()) return ReportFailure(ctx, current.status());
    ticket = current->ticket;
  }
  StatusOr<TicketView> view =
      *version ? engine->GetTicketAtVersion(flags.account, ticket, **version)
      : *as_of ? engine->GetTicketAsOf(flags.account, ticket, **as_of)
               : engine->GetTicket(flags.account, ticket);
  if (!view.ok()) return ReportFailure(ctx, view.status());
  // A view of the past is judged at its own time (its `sla` object): as of
  // the time asked, or of the version's event.
  TimeUs now = *as_of     ? **as_of
               : *version ? view->updated_at_us
                          : base::NowUs();
  ctx.out << Dump(TicketViewJson(*view, now)) << "\n";
  return kExitOk;
}

}  // namespace

void AddShow(Registry& registry) {
  auto flags = std::make_shared<ShowFlags>();
  CLI::App* app = registry.Add(
      "show", "one ticket's view, now or in the past", kGroupQueries,
      [flags](Context& ctx) { return RunShow(ctx, *flags); });
  app->add_option("--account", flags->account, "the ticket's account")
      ->type_name("A")
      ->required();
  CLI::Option* ticket =
      app->add_option("TICKET", flags->ticket, "the ticket's id");
  AddText(app, "--number", flags->number, "N",
          "the ticket with protocol number N, instead of TICKET")
      ->excludes(ticket);
  CLI::Option* version = AddText(app, "--at-version", flags->at_version, "N",
                                 "the ticket as it was after its N-th event");
  AddText(app, "--as-of", flags->as_of, "TIME",
          "the ticket as it was at an ISO-8601 time")
      ->excludes(version);
}

}  // namespace ticketlog::cli
