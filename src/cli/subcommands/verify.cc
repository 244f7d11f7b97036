// `ticketlog verify [--expect POSITION:HASH]`: checks the hash chain, every
// family and the views against a rebuild; exit 1 when it found a problem.
#include "cli/json_view.h"
#include "cli/subcommands/all.h"

namespace ticketlog::cli {
namespace {

int RunVerify(Context& ctx, const TextFlag& expect_flag) {
  std::optional<LogHead> expect;
  if (auto text = expect_flag.get()) {
    auto parsed = ParseExpect(*text);
    if (!parsed.ok()) return UsageError(ctx, parsed.status().message());
    expect = *parsed;
  }
  // Verify compares the views with a rebuild held in memory: it writes
  // nothing, so it can run while another process holds the store.
  auto engine = OpenEngine(ctx, /*read_only=*/true);
  if (engine == nullptr) return kExitUsage;
  auto report = engine->Verify(expect);
  if (!report.ok()) return ReportFailure(ctx, report.status());
  ctx.out << Dump(VerifyReportJson(*report)) << "\n";
  return report->ok() ? kExitOk : kExitFailed;
}

}  // namespace

void AddVerify(Registry& registry) {
  auto expect = std::make_shared<TextFlag>();
  CLI::App* app = registry.Add(
      "verify", "check the hash chain, every family and the views", kGroupAudit,
      [expect](Context& ctx) { return RunVerify(ctx, *expect); });
  AddText(app, "--expect", *expect, "POSITION:HASH",
          "also check that the log still holds this event (from `head`)");
}

}  // namespace ticketlog::cli
