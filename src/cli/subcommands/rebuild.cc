// `ticketlog rebuild`: drops every view and rebuilds it from the log;
// prints {"ok":true,"events":N,"seconds":S}.
#include <chrono>

#include "cli/json_view.h"
#include "cli/subcommands/all.h"

namespace ticketlog::cli {
namespace {

int RunRebuild(Context& ctx) {
  auto engine = OpenEngine(ctx, /*read_only=*/false);
  if (engine == nullptr) return kExitUsage;
  auto start = std::chrono::steady_clock::now();
  Status rebuilt = engine->Rebuild();
  auto elapsed = std::chrono::steady_clock::now() - start;
  if (!rebuilt.ok()) return ReportFailure(ctx, rebuilt);
  auto head = engine->Head();
  if (!head.ok()) return ReportFailure(ctx, head.status());
  OutJson out = OutJson::object();
  out["ok"] = true;
  // Positions are dense from 1, so the last one counts the events.
  out["events"] = head->position;
  out["seconds"] = std::chrono::duration<double>(elapsed).count();
  ctx.out << Dump(out) << "\n";
  return kExitOk;
}

}  // namespace

void AddRebuild(Registry& registry) {
  registry.Add("rebuild",
               "rebuild every view from the log, switched in in one write",
               kGroupAudit, RunRebuild);
}

}  // namespace ticketlog::cli
