// `ticketlog head`: {"position","hash"} of the last event.
#include "cli/json_view.h"
#include "cli/subcommands/all.h"

namespace ticketlog::cli {

void AddHead(Registry& registry) {
  registry.Add("head", "position and hash of the last event", kGroupAudit,
               [](Context& ctx) {
                 auto engine = OpenEngine(ctx, /*read_only=*/true);
                 if (engine == nullptr) return kExitUsage;
                 auto head = engine->Head();
                 if (!head.ok()) return ReportFailure(ctx, head.status());
                 ctx.out << Dump(HeadJson(*head)) << "\n";
                 return kExitOk;
               });
}

}  // namespace ticketlog::cli
