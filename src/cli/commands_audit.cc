// The audit subcommands: history and dump stream events as JSON Lines; head,
// rebuild and verify print one object each.
#include <chrono>
#include <fstream>
#include <string>

#include "base/text.h"
#include "cli/args.h"
#include "cli/json_reader.h"
#include "cli/json_view.h"
#include "cli/subcommands.h"

namespace ticketlog::cli {
namespace {

constexpr size_t kHashHexDigits = 64;

bool IsLowerHex(std::string_view text) {
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// Parses "POSITION:HASH" as printed by `head`.
StatusOr<LogHead> ParseExpect(std::string_view text) {
  const Status usage(Code::kInvalidArgument,
                     "--expect must be POSITION:HASH as printed by "
                     "`ticketlog head` (HASH is 64 hex digits)");
  size_t colon = text.find(':');
  if (colon == std::string_view::npos) return usage;
  auto position = ParseUnsigned("--expect POSITION", text.substr(0, colon), 1,
                                kMaxJsonInteger);
  if (!position.ok()) return usage;
  std::string hash(text.substr(colon + 1));
  for (char& c : hash) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
  }
  if (hash.size() != kHashHexDigits || !IsLowerHex(hash)) return usage;
  return LogHead{*position, hash};
}

}  // namespace

int RunHistory(Context& ctx, const std::vector<std::string>& raw) {
  auto args = Args::Parse(raw, {{"account"}}, 1, 1);
  if (!args.ok()) return UsageError(ctx, args.status().message());
  auto account = args->Get("account");
  if (!account) return UsageError(ctx, "--account is required");

  auto engine = OpenEngine(ctx, /*read_only=*/true);
  if (engine == nullptr) return kExitUsage;
  auto events = engine->History(*account, args->positional().front());
  if (!events.ok()) return ReportFailure(ctx, events.status());
  for (const Event& event : *events) {
    ctx.out << Dump(EventJson(event)) << "\n";
    if (!ctx.out) break;  // nobody reads any more; RunTool reports it
  }
  return kExitOk;
}

int RunDump(Context& ctx, const std::vector<std::string>& raw) {
  auto args = Args::Parse(raw, {{"from"}}, 0, 0);
  if (!args.ok()) return UsageError(ctx, args.status().message());
  auto from = args->GetUnsigned("from", 0, kMaxJsonInteger);
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

int RunHead(Context& ctx, const std::vector<std::string>& raw) {
  auto args = Args::Parse(raw, {}, 0, 0);
  if (!args.ok()) return UsageError(ctx, args.status().message());
  auto engine = OpenEngine(ctx, /*read_only=*/true);
  if (engine == nullptr) return kExitUsage;
  auto head = engine->Head();
  if (!head.ok()) return ReportFailure(ctx, head.status());
  ctx.out << Dump(HeadJson(*head)) << "\n";
  return kExitOk;
}

int RunRebuild(Context& ctx, const std::vector<std::string>& raw) {
  auto args = Args::Parse(raw, {}, 0, 0);
  if (!args.ok()) return UsageError(ctx, args.status().message());
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

int RunVerify(Context& ctx, const std::vector<std::string>& raw) {
  auto args = Args::Parse(raw, {{"expect"}}, 0, 0);
  if (!args.ok()) return UsageError(ctx, args.status().message());
  std::optional<LogHead> expect;
  if (auto text = args->Get("expect")) {
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

int RunRepair(Context& ctx, const std::vector<std::string>& raw) {
  auto args = Args::Parse(raw, {{"expect"}, {"lost"}}, 0, 0);
  if (!args.ok()) return UsageError(ctx, args.status().message());
  std::optional<LogHead> expect;
  if (auto text = args->Get("expect")) {
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
    std::string path = args->Get("lost").value_or(
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

}  // namespace ticketlog::cli
