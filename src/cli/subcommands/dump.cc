// `ticketlog dump [--from POSITION]`: the whole log as JSON Lines.
#include <algorithm>

#include "cli/json_reader.h"
#include "cli/json_view.h"
#include "cli/subcommands/all.h"

namespace ticketlog::cli {
namespace {

int RunDump(Context& ctx, const TextFlag& from_flag) {
  auto from = UnsignedFlag(from_flag, 0, kMaxJsonInteger);
  if (!from.ok()) return UsageError(ctx, from.status().message());
  auto engine = OpenEngine(ctx, /*read_only=*/true);
  if (engine == nullptr) return kExitUsage;
  // Positions start at 1; --from 0 means the same as the default.
  uint64_t start = std::max<uint64_t>(1, from->value_or(1));
  Status read = engine->ReadLog(start, [&ctx](const Event& event) {
    ctx.out << Dump(EventJson(event)) << "\n";
    return static_cast<bool>(ctx.out);  // stop when nobody reads any more
  });
  if (!read.ok()) return ReportFailure(ctx, read);
  return kExitOk;
}

}  // namespace

void AddDump(Registry& registry) {
  auto from = std::make_shared<TextFlag>();
  CLI::App* app =
      registry.Add("dump", "the whole log, one event per line", kGroupAudit,
                   [from](Context& ctx) { return RunDump(ctx, *from); });
  AddText(app, "--from", *from, "POSITION",
          "start at this position (default 1)");
}

}  // namespace ticketlog::cli
