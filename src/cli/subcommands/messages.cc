// `ticketlog messages --account A TICKET [--page N]`: a ticket's messages,
// oldest first, 50 per page.
#include <limits>

#include "cli/json_view.h"
#include "cli/subcommands/all.h"

namespace ticketlog::cli {
namespace {

struct MessagesFlags {
  std::string account;
  std::string ticket;
  TextFlag page;
};

int RunMessages(Context& ctx, const MessagesFlags& flags) {
  auto page = UnsignedFlag(flags.page, 1, std::numeric_limits<uint32_t>::max());
  if (!page.ok()) return UsageError(ctx, page.status().message());

  auto engine = OpenEngine(ctx, /*read_only=*/true);
  if (engine == nullptr) return kExitUsage;
  auto messages = engine->GetMessages(flags.account, flags.ticket,
                                      static_cast<uint32_t>(page->value_or(1)));
  if (!messages.ok()) return ReportFailure(ctx, messages.status());
  ctx.out << Dump(MessagePageJson(*messages)) << "\n";
  return kExitOk;
}

}  // namespace

void AddMessages(Registry& registry) {
  auto flags = std::make_shared<MessagesFlags>();
  CLI::App* app =
      registry.Add("messages", "a ticket's messages, oldest first, 50 per page",
                   kGroupQueries,
                   [flags](Context& ctx) { return RunMessages(ctx, *flags); });
  app->add_option("--account", flags->account, "the ticket's account")
      ->type_name("A")
      ->required();
  app->add_option("TICKET", flags->ticket, "the ticket's id")->required();
  AddText(app, "--page", flags->page, "N", "the page, from 1 (default 1)");
}

}  // namespace ticketlog::cli
