// `ticketlog report --account A [--from TIME] [--to TIME] [--by
// department|operator|priority|channel|policy] [--now TIME]`: the SLA
// report of an account's tickets created in a time window (SPEC section 7),
// as one JSON object.
#include "cli/json_view.h"
#include "cli/subcommands/all.h"

namespace ticketlog::cli {
namespace {

struct ReportFlags {
  std::string account;
  TextFlag from, to, by, now;
};

int RunReport(Context& ctx, const ReportFlags& flags) {
  ReportQuery query;
  query.account = flags.account;
  for (auto [flag, field] : {std::pair{&flags.from, &query.from_us},
                             std::pair{&flags.to, &query.to_us},
                             std::pair{&flags.now, &query.now_us}}) {
    auto at = TimeFlag(*flag);
    if (!at.ok()) return UsageError(ctx, at.status().message());
    *field = *at;
  }
  if (auto by = flags.by.get()) {
    auto parsed = ParseReportBy(*by);
    if (!parsed) {
      return UsageError(
          ctx,
          "--by must be department, operator, priority, channel or policy");
    }
    query.by = *parsed;
  }
  auto engine = OpenEngine(ctx, /*read_only=*/true);
  if (engine == nullptr) return kExitUsage;
  auto report = engine->GetReport(query);
  if (!report.ok()) return ReportFailure(ctx, report.status());
  ctx.out << Dump(ReportJson(query, *report)) << "\n";
  return kExitOk;
}

}  // namespace

void AddReport(Registry& registry) {
  auto flags = std::make_shared<ReportFlags>();
  CLI::App* app = registry.Add(
      "report", "SLA report of the tickets created in [from, to)",
      kGroupQueries, [flags](Context& ctx) { return RunReport(ctx, *flags); });
  app->add_option("--account", flags->account, "the account")
      ->type_name("A")
      ->required();
  AddText(app, "--from", flags->from, "TIME",
          "tickets created at or after an ISO-8601 time");
  AddText(app, "--to", flags->to, "TIME", "tickets created before it");
  AddText(app, "--by", flags->by, "department|operator|priority|channel|policy",
          "how to group (default department)");
  AddText(app, "--now", flags->now, "TIME",
          "the time breaches are judged at (default: now)");
}

}  // namespace ticketlog::cli
