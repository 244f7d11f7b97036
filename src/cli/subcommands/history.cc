// `ticketlog history --account A TICKET`: a ticket's events as JSON Lines.
#include "cli/json_view.h"
#include "cli/subcommands/all.h"

namespace ticketlog::cli {
namespace {

struct HistoryFlags {
  std::string account;
  std::string ticket;
};

int RunHistory(Context& ctx, const HistoryFlags& flags) {
  auto engine = OpenEngine(ctx, /*read_only=*/true);
  if (engine == nullptr) return kExitUsage;
  auto events = engine->History(flags.account, flags.ticket);
  if (!events.ok()) return ReportFailure(ctx, events.status());
  for (const Event& event : *events) {
    ctx.out << Dump(EventJson(event)) << "\n";
    if (!ctx.out) break;  // nobody reads any more; RunTool reports it
  }
  return kExitOk;
}

}  // namespace

void AddHistory(Registry& registry) {
  auto flags = std::make_shared<HistoryFlags>();
  CLI::App* app = registry.Add(
      "history", "a ticket's events, one JSON line each", kGroupAudit,
      [flags](Context& ctx) { return RunHistory(ctx, *flags); });
  app->add_option("--account", flags->account, "the ticket's account")
      ->type_name("A")
      ->required();
  app->add_option("TICKET", flags->ticket, "the ticket's id")->required();
}

}  // namespace ticketlog::cli
