// `ticketlog stats --account A`: an account's counts and medians.
#include "cli/json_view.h"
#include "cli/subcommands/all.h"

namespace ticketlog::cli {

void AddStats(Registry& registry) {
  auto account = std::make_shared<std::string>();
  CLI::App* app = registry.Add(
      "stats", "counts by status and department, medians of an account",
      kGroupQueries, [account](Context& ctx) {
        auto engine = OpenEngine(ctx, /*read_only=*/true);
        if (engine == nullptr) return kExitUsage;
        auto stats = engine->GetStats(*account);
        if (!stats.ok()) return ReportFailure(ctx, stats.status());
        ctx.out << Dump(StatsJson(*account, *stats)) << "\n";
        return kExitOk;
      });
  app->add_option("--account", *account, "the account")
      ->type_name("A")
      ->required();
}

}  // namespace ticketlog::cli
