// `ticketlog repair [--expect POSITION:HASH] [--lost FILE]`: recovers a
// damaged store to its intact log; the dropped events that still decode go
// to FILE (default DIR/lost-<time>.jsonl) in the dump shape.
#include <fstream>

#include "base/text.h"
#include "cli/json_view.h"
#include "cli/subcommands/all.h"

namespace ticketlog::cli {
namespace {

struct RepairFlags {
  TextFlag expect;
  TextFlag lost;
};

int RunRepair(Context& ctx, const RepairFlags& flags) {
  std::optional<LogHead> expect;
  if (auto text = flags.expect.get()) {
    auto parsed = ParseExpect(*text);
    if (!parsed.ok()) return UsageError(ctx, parsed.status().message());
    expect = *parsed;
  }
  Options options;
  options.path = ctx.db;
  auto report = Engine::Repair(options);
  if (!report.ok()) {
    ctx.err << "ticketlog: cannot repair " << ctx.db << ": "
            << report.status().ToString() << "\n";
    return kExitUsage;
  }
  OutJson out = OutJson::object();
  out["ok"] = true;
  out["position"] = report->head.position;
  out["hash"] =
      report->head.position > 0 ? OutJson(report->head.hash) : OutJson(nullptr);
  out["events_dropped"] = report->events_dropped;
  out["lost_file"] = nullptr;
  if (!report->dropped.empty()) {
    // The dropped events that still decode, in the dump shape, so that an
    // operator can inspect them and apply again what must not be lost.
    std::string path = flags.lost.get().value_or(
        ctx.db + "/lost-" + std::to_string(base::NowUs() / 1000000) + ".jsonl");
    std::ofstream lost(path);
    for (const Event& event : report->dropped) {
      lost << Dump(EventJson(event)) << "\n";
    }
    lost.flush();
    if (!lost) return UsageError(ctx, "cannot write " + path);
    out["lost_file"] = path;
  }
  OutJson notes = OutJson::array();
  for (const std::string& note : report->notes) notes.push_back(note);
  out["notes"] = notes;
  int status = kExitOk;
  if (expect && expect->position > report->head.position) {
    // The host's saved head is past what survived: those events are lost.
    out["ok"] = false;
    out["lost_positions"] = {report->head.position + 1, expect->position};
    status = kExitFailed;
  }
  ctx.out << Dump(out) << "\n";
  return status;
}

}  // namespace

void AddRepair(Registry& registry) {
  auto flags = std::make_shared<RepairFlags>();
  CLI::App* app = registry.Add(
      "repair", "recover a damaged store to its intact log", kGroupAudit,
      [flags](Context& ctx) { return RunRepair(ctx, *flags); });
  AddText(app, "--expect", flags->expect, "POSITION:HASH",
          "the head the host saved; exit 1 when it was lost");
  AddText(app, "--lost", flags->lost, "FILE",
          "where to write the dropped events (default DIR/lost-TIME.jsonl)");
}

}  // namespace ticketlog::cli
