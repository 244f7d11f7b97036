// The report subcommand: the SLA report of an account's tickets created in
// a time window (SPEC section 7), as one JSON object.
#include <string>
#include <vector>

#include "cli/args.h"
#include "cli/json_view.h"
#include "cli/subcommands.h"

namespace ticketlog::cli {

int RunReport(Context& ctx, const std::vector<std::string>& raw) {
  auto args =
      Args::Parse(raw, {{"account"}, {"from"}, {"to"}, {"by"}, {"now"}}, 0, 0);
  if (!args.ok()) return UsageError(ctx, args.status().message());
  ReportQuery query;
  auto account = args->Get("account");
  if (!account) return UsageError(ctx, "--account is required");
  query.account = *account;
  auto from = args->GetTime("from");
  if (!from.ok()) return UsageError(ctx, from.status().message());
  query.from_us = *from;
  auto to = args->GetTime("to");
  if (!to.ok()) return UsageError(ctx, to.status().message());
  query.to_us = *to;
  auto now = args->GetTime("now");
  if (!now.ok()) return UsageError(ctx, now.status().message());
  query.now_us = *now;
  if (auto by = args->Get("by")) {
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

}  // namespace ticketlog::cli
