// `ticketlog import --account A --format incidents FILE.csv`: imports the
// ServiceNow incident event log (the one the demo and the benchmarks use)
// into account A: one ticket per incident, each row driving it to the row's
// state, group and assignee (src/import/incident_import.h).
//
// Prints one JSON object: {"ok":true,"account","file","rows",
// "rows_accepted","rows_refused","incidents","commands","refused_by_code":
// {code: rows},"example_refusal","seconds"}. Rows the engine refuses (out of
// time order, after their incident was closed) are the data's own, counted
// by reason, and do not fail the import: exit 0. A file that cannot be
// read or is not the incident CSV is a usage error (exit 2), like a store
// that fails. A progress bar goes to stderr on a terminal.
//
// Writes are buffered during the import and the store's files are synced
// to disk once at the end, before the summary is printed: 10,000 commands
// take about a second instead of half a minute of one disk flush each.
// --sync syncs every command instead (the library's default).
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <fstream>

#include "cli/json_view.h"
#include "cli/progress.h"
#include "cli/subcommands/all.h"
#include "import/incident_import.h"

namespace ticketlog::cli {
namespace {

struct ImportFlags {
  std::string account;
  std::string format;
  std::string file;
  bool sync = false;
};

// Puts the store's buffered writes on stable storage.
Status SyncStore(const std::string& db) {
  int fd = ::open(db.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return Status::IoError("cannot open " + db + " to sync it");
  int synced = ::syncfs(fd);
  ::close(fd);
  if (synced != 0) return Status::IoError("cannot sync " + db);
  return Status::OK();
}

int RunImport(Context& ctx, const ImportFlags& flags) {
  std::ifstream csv(flags.file, std::ios::binary);
  if (!csv) return UsageError(ctx, "cannot read " + flags.file);
  auto rows = import::ReadIncidentRows(csv);
  if (!rows.ok()) {
    return UsageError(ctx, flags.file + ": " + rows.status().message());
  }
  auto engine = OpenEngine(ctx, /*read_only=*/false, flags.sync);
  if (engine == nullptr) return kExitUsage;

  Progress progress(ctx, "import (rows)", rows->size());
  auto start = std::chrono::steady_clock::now();
  StatusOr<import::ImportReport> report = Status::OK();
  progress.Run([&] {
    report = import::ImportIncidents(*engine, flags.account, *rows,
                                     [&](size_t n) { progress.counter() = n; });
  });
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  if (!report.ok()) return ReportFailure(ctx, report.status());
  if (!flags.sync) {
    engine.reset();  // closed: everything it wrote is in its files
    if (Status synced = SyncStore(ctx.db); !synced.ok()) {
      return ReportFailure(ctx, synced);
    }
  }

  OutJson out = OutJson::object();
  out["ok"] = true;
  out["account"] = flags.account;
  out["file"] = flags.file;
  out["rows"] = report->rows;
  out["rows_accepted"] = report->rows_accepted;
  out["rows_refused"] = report->rows - report->rows_accepted;
  out["incidents"] = report->last_accepted.size();
  out["commands"] = report->commands;
  OutJson by_code = OutJson::object();
  for (const auto& [code, count] : report->refused_by_code) {
    by_code[code] = count;
  }
  out["refused_by_code"] = std::move(by_code);
  out["example_refusal"] = report->refusals.empty()
                               ? OutJson(nullptr)
                               : OutJson(report->refusals.front());
  out["seconds"] = seconds;
  ctx.out << Dump(out) << "\n";
  return kExitOk;
}

}  // namespace

void AddImport(Registry& registry) {
  auto flags = std::make_shared<ImportFlags>();
  CLI::App* app = registry.Add(
      "import", "import an incident event log (CSV) as tickets", kGroupCommands,
      [flags](Context& ctx) { return RunImport(ctx, *flags); });
  app->add_option("--account", flags->account, "the account to import into")
      ->type_name("A")
      ->required();
  app->add_option("--format", flags->format,
                  "the file's format: incidents (the ServiceNow incident "
                  "event log)")
      ->type_name("FORMAT")
      ->required()
      ->check(CLI::IsMember({"incidents"}));
  app->add_option("FILE", flags->file, "the CSV file, header line first")
      ->required();
  app->add_flag("--sync", flags->sync,
                "sync every command to disk (default: buffered, synced once "
                "at the end)");
}

}  // namespace ticketlog::cli
