#include "bench/list_dataset.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>

#include "bench/measure.h"
#include "bench/sqlite_peer.h"
#include "bench/workload.h"
#include "ticketlog/engine.h"

namespace ticketlog::bench {
namespace {

// 2023-01-01T00:00:00Z.
constexpr TimeUs kStartUs = 1672531200LL * 1000000;
constexpr int64_t kMinuteUs = 60LL * 1000000;

constexpr const char* kDepartments[] = {"support",   "billing", "sales",
                                        "technical", "returns", "onboarding"};
constexpr int kOperators = 24;

std::string OperatorId(int i) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "op-%02d", i);
  return buf;
}

std::string TicketId(std::mt19937_64& rng) {
  uint64_t hi = rng(), lo = rng();
  hi = (hi & ~0xF000ULL) | 0x4000ULL;
  lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08llx-%04llx-%04llx-%04llx-%012llx",
                static_cast<unsigned long long>(hi >> 32),
                static_cast<unsigned long long>((hi >> 16) & 0xFFFF),
                static_cast<unsigned long long>(hi & 0xFFFF),
                static_cast<unsigned long long>(lo >> 48),
                static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFULL));
  return buf;
}

std::string MarkerPath(const std::string& path) { return path + ".complete"; }

// Removes what a dataset at `path` left behind.
void Remove(const std::string& path, bool peer) {
  namespace fs = std::filesystem;
  fs::remove(MarkerPath(path));
  fs::remove_all(peer ? fs::path(path).parent_path() : fs::path(path));
}

Status Record(const std::string& path, const DatasetBuild& build) {
  std::ofstream out(MarkerPath(path));
  out << build.seconds << ' ' << build.commands << '\n';
  return out ? Status::OK()
             : Status::IoError("cannot write " + MarkerPath(path));
}

// Large builds take minutes: say how far they got every 100,000 tickets.
void Progress(const char* backend, size_t tickets, const DatasetBuild& build,
              const Stopwatch& watch) {
  if (tickets % 100000 != 0) return;
  double seconds = watch.Seconds();
  std::fprintf(
      stderr, "  %s: %zu tickets, %llu commands in %.0f s (%.0f commands/s)\n",
      backend, tickets, static_cast<unsigned long long>(build.commands),
      seconds, static_cast<double>(build.commands) / seconds);
}

}  // namespace

std::string EngineDatasetPath(const std::string& dir, size_t tickets) {
  return dir + "/list-" + std::to_string(tickets) + "-ticketlog";
}

std::string PeerDatasetPath(const std::string& dir, size_t tickets) {
  return dir + "/list-" + std::to_string(tickets) + "-peer/peer.sqlite";
}

std::optional<DatasetBuild> CompletedBuild(const std::string& path) {
  std::ifstream in(MarkerPath(path));
  DatasetBuild build;
  if (!(in >> build.seconds >> build.commands)) return std::nullopt;
  return build;
}

StatusOr<DatasetBuild> BuildEngineDataset(const std::string& path,
                                          const ListDatasetOptions& options) {
  Remove(path, /*peer=*/false);
  Options o;
  o.path = path;
  o.sync = false;
  // The list datasets time lists against a peer without full-text search:
  // no search index, whose background indexing would also run during the
  // timed queries of a later open (search_bench times search).
  o.search = false;
  auto engine = Engine::Open(o);
  if (!engine.ok()) return engine.status();
  DatasetBuild build;
  Stopwatch watch;
  TICKETLOG_RETURN_IF_ERROR(ForEachDatasetCommand(
      options,
      [&](const Command& command) {
        ++build.commands;
        return (*engine)->Execute(command).status();
      },
      [&](size_t done) { Progress("ticketlog", done, build, watch); }));
  build.seconds = watch.Seconds();
  WriteStats written = (*engine)->GetWriteStats();
  build.keys_written = written.keys;
  build.bytes_written = written.bytes;
  TICKETLOG_RETURN_IF_ERROR(Record(path, build));
  return build;
}

StatusOr<DatasetBuild> BuildPeerDataset(const std::string& path,
                                        const ListDatasetOptions& options) {
  Remove(path, /*peer=*/true);
  std::filesystem::create_directories(
      std::filesystem::path(path).parent_path());
  auto peer = SqlitePeer::Open(path, /*sync=*/false);
  if (!peer.ok()) return peer.status();
  DatasetBuild build;
  Stopwatch watch;
  TICKETLOG_RETURN_IF_ERROR(ForEachDatasetCommand(
      options,
      [&](const Command& command) {
        ++build.commands;
        return (*peer)->Execute(command).status();
      },
      [&](size_t done) { Progress("peer", done, build, watch); }));
  build.seconds = watch.Seconds();
  TICKETLOG_RETURN_IF_ERROR(Record(path, build));
  return build;
}

Status ForEachDatasetCommand(
    const ListDatasetOptions& options,
    const std::function<Status(const Command&)>& execute,
    const std::function<void(size_t)>& progress) {
  std::mt19937_64 rng(options.seed);
  auto uniform = [&] {
    return std::uniform_real_distribution<double>(0, 1)(rng);
  };
  auto run = [&](CommandBody body, TimeUs at) {
    Command command;
    command.account = options.account;
    command.body = std::move(body);
    command.at_us = at;
    return execute(command);
  };

  for (const char* d : kDepartments) {
    TICKETLOG_RETURN_IF_ERROR(run(DefineDepartment{d, d}, kStartUs));
  }
  for (int o = 0; o < kOperators; ++o) {
    TICKETLOG_RETURN_IF_ERROR(
        run(RegisterOperator{OperatorId(o),
                             "Operator " + std::to_string(o),
                             {kDepartments[o % 6]}},
            kStartUs));
  }
  TICKETLOG_RETURN_IF_ERROR(
      run(DefineStatus{"waiting_vendor", "Waiting for vendor"}, kStartUs));
  if (options.sla_policies) {
    constexpr int64_t kHour = 3600;
    TICKETLOG_RETURN_IF_ERROR(
        run(DefineSlaPolicy{"urgent",
                            "Urgent",
                            {Priority::kUrgent, Priority::kHigh},
                            "",
                            1 * kHour,
                            8 * kHour},
            kStartUs));
    TICKETLOG_RETURN_IF_ERROR(run(
        DefineSlaPolicy{"standard", "Standard", {}, "", 8 * kHour, 72 * kHour},
        kStartUs));
  }

  static constexpr Channel kChannels[] = {
      Channel::kEmail, Channel::kEmail, Channel::kEmail, Channel::kChat,
      Channel::kChat,  Channel::kWeb,   Channel::kPhone, Channel::kWhatsapp,
      Channel::kApi,   Channel::kWeb};
  // About 200 tickets a day: a million tickets span ~14 years of a busy
  // desk, a hundred thousand ~1.4 years.
  const int64_t gap_us = 7 * kMinuteUs;
  TimeUs at = kStartUs + kMinuteUs;
  size_t pool = std::max<size_t>(1, options.tickets / 3);
  for (size_t i = 0; i < options.tickets; ++i) {
    at += 1 + static_cast<TimeUs>(
                  std::exponential_distribution<double>(1.0 / gap_us)(rng));
    OpenTicket open;
    open.ticket = TicketId(rng);
    int d = static_cast<int>(rng() % 6);
    open.department = kDepartments[d];
    if (uniform() < 0.7) {
      open.operator_id = OperatorId(d + 6 * static_cast<int>(rng() % 4));
    }
    open.subject = MessageText(rng(), 30 + rng() % 30);
    size_t n = static_cast<size_t>(std::pow(uniform(), 2.0) * pool);
    open.customer.id = "cust-" + std::to_string(n);
    open.customer.email = "customer" + std::to_string(n) + "@example.com";
    open.customer.name = "Customer " + std::to_string(n);
    open.channel = kChannels[rng() % 10];
    double p = uniform();
    open.priority = p < 0.1    ? Priority::kLow
                    : p < 0.8  ? Priority::kNormal
                    : p < 0.95 ? Priority::kHigh
                               : Priority::kUrgent;
    open.category = "general";
    open.message = OpeningMessage{MessageText(rng(), MessageSize(rng())),
                                  MessageKind::kIncoming,
                                  false,
                                  {}};
    bool linked = !open.operator_id.empty();
    std::string ticket = open.ticket;
    TICKETLOG_RETURN_IF_ERROR(run(std::move(open), at));

    // Follow-ups, minutes to days later.
    std::lognormal_distribution<double> later(std::log(240.0), 1.5);
    TimeUs t = at + static_cast<TimeUs>(later(rng) * kMinuteUs);
    double r = uniform();
    if (linked && r < 0.55) {
      TICKETLOG_RETURN_IF_ERROR(
          run(Reply{ticket,
                    ActorKind::kOperator,
                    MessageText(rng(), MessageSize(rng())),
                    {}},
              t));
      t += static_cast<TimeUs>(later(rng) * kMinuteUs);
    }
    if (r < 0.40) {
      TICKETLOG_RETURN_IF_ERROR(run(
          Finish{ticket, "Resolved, closing the ticket.", "solved", {}}, t));
      if (uniform() < 0.4) {
        t += static_cast<TimeUs>(later(rng) * kMinuteUs);
        TICKETLOG_RETURN_IF_ERROR(run(Close{ticket}, t));
      }
    } else if (r < 0.50) {
      TICKETLOG_RETURN_IF_ERROR(run(StartStatus{ticket, "waiting_vendor"}, t));
    }
    if (progress && (i + 1) % 10000 == 0) progress(i + 1);
  }
  return Status::OK();
}

ListQuery FirstPageQuery(const std::string& account) {
  ListQuery q;
  q.account = account;
  return q;
}

ListQuery PageQuery(const std::string& account, uint32_t page) {
  ListQuery q;
  q.account = account;
  q.page = page;
  return q;
}

ListQuery CombinedFilterQuery(const std::string& account) {
  ListQuery q;
  q.account = account;
  q.statuses = {TicketStatus::kOpen, TicketStatus::kPending};
  q.department = "billing";
  q.priority = Priority::kHigh;
  return q;
}

}  // namespace ticketlog::bench
