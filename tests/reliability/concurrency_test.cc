// Concurrency: eight threads issue commands at once on shared tickets (one
// account) and on tickets of their own (one account each), with and without
// expected_version, while a ninth audits. Checked at the end: no update is
// lost, every accepted command's events are in the log exactly once,
// conflicts are reported as `conflict` and write nothing, versions and
// positions are dense, and the views equal a rebuild
// (tests/reliability/log_check.h).
//
// Catch2 assertions are not thread-safe: worker threads record what went
// wrong as text and the test thread asserts on it after joining them.
// scripts/ci-reliability.sh also runs these tests under ThreadSanitizer.
#include <atomic>
#include <catch2/catch.hpp>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "reliability/log_check.h"
#include "support/temp_dir.h"
#include "ticketlog/ticketlog.h"

namespace ticketlog::testing {
namespace {

constexpr int kThreads = 8;
constexpr int kOpsPerThread = 120;
constexpr const char* kShared = "shared";

// 2024-01-01T00:00:00Z. Every command of a shared ticket carries no `at`
// (the engine's clock); setup commands use this.
constexpr TimeUs kT0 = 1704067200LL * 1000000;

std::string OwnAccount(int thread) { return "own-" + std::to_string(thread); }

double CounterOf(const TicketView& view) {
  auto it = view.custom_attributes.find("counter");
  if (it == view.custom_attributes.end()) return 0;
  const double* n = std::get_if<double>(&it->second);
  return n != nullptr ? *n : -1;
}

// One thread's record of what it sent and what went wrong.
struct Worker {
  std::vector<SentCommand> sent;
  std::vector<std::string> problems;
  int increments = 0;      // accepted counter updates on the shared ticket
  int shared_replies = 0;  // accepted replies on the shared reply ticket
  int conflicts = 0;
  std::vector<std::string> opened;  // tickets opened in the shared account
  uint64_t next_id = 0;

  // Runs `command` with a fresh command id and records the outcome.
  StatusOr<CommandResult> Run(Engine& engine, Command command, int thread) {
    command.command_id =
        "w" + std::to_string(thread) + "-" + std::to_string(next_id++);
    auto result = engine.Execute(command);
    SentCommand s{command.account, command.command_id};
    if (result.ok()) {
      s.outcome = SentCommand::Outcome::kAccepted;
      s.result = *result;
    } else {
      s.outcome = SentCommand::Outcome::kRefused;
      s.code = result.status().code();
    }
    sent.push_back(std::move(s));
    return result;
  }

  void Problem(std::string text) { problems.push_back(std::move(text)); }
};

class Scenario {
 public:
  explicit Scenario(bool sync) {
    options_.path = dir_.Sub("db");
    options_.sync = sync;
    auto opened = Engine::Open(options_);
    REQUIRE(opened.ok());
    engine_ = std::move(*opened);
  }

  Engine& engine() { return *engine_; }
  std::vector<SentCommand>& setup_sent() { return setup_; }

  // Runs a setup command that must succeed.
  CommandResult Must(const std::string& account, CommandBody body) {
    Command command;
    command.account = account;
    command.body = std::move(body);
    command.at_us = kT0;
    command.command_id = "setup-" + std::to_string(setup_.size());
    auto result = engine_->Execute(command);
    INFO(result.status().ToString());
    REQUIRE(result.ok());
    SentCommand s{account, command.command_id, SentCommand::Outcome::kAccepted,
                  *result};
    setup_.push_back(s);
    return *result;
  }

  void DefineDirectory(const std::string& account) {
    Must(account, DefineDepartment{"support", "Support"});
    Must(account, RegisterOperator{"ana", "Ana", {"support"}});
  }

  std::string OpenTicketIn(const std::string& account,
                           const std::string& customer) {
    OpenTicket open;
    open.subject = "Shared printer";
    open.department = "support";
    open.operator_id = "ana";
    open.customer.id = customer;
    open.message = OpeningMessage{"It jams.", MessageKind::kIncoming};
    return Must(account, open).ticket;
  }

 private:
  TempDir dir_;
  Options options_;
  std::unique_ptr<Engine> engine_;
  std::vector<SentCommand> setup_;
};

// What one worker thread does: a seeded mix of
//  - read-modify-write increments of a counter attribute on the shared
//    ticket with expected_version, retried on conflict (lost-update check);
//  - replies on another shared ticket without expected_version;
//  - a deliberately stale expected_version (must be conflict);
//  - tickets opened in the shared account (numbers must stay unique);
//  - commands with expected_version on its own account's ticket, which
//    nobody else touches (must never conflict);
//  - queries.
void WorkerLoop(Engine& engine, int thread, const std::string& counter_ticket,
                const std::string& reply_ticket, const std::string& own_ticket,
                Worker& w) {
  std::mt19937 rng(1000 + thread);
  uint64_t own_version = 2;  // opened + ... (set by the caller's setup)
  {
    auto view = engine.GetTicket(OwnAccount(thread), own_ticket);
    if (view.ok()) own_version = view->version;
  }
  for (int op = 0; op < kOpsPerThread; ++op) {
    int pick = static_cast<int>(rng() % 10);
    Command c;
    if (pick < 3) {
      // Increment the shared counter; retry on conflict.
      for (int attempt = 0;; ++attempt) {
        auto view = engine.GetTicket(kShared, counter_ticket);
        if (!view.ok()) {
          w.Problem("GetTicket: " + view.status().ToString());
          break;
        }
        Update update;
        update.ticket = counter_ticket;
        update.custom_attributes["counter"] =
            AttributeValue(CounterOf(*view) + 1);
        c.account = kShared;
        c.body = update;
        c.expected_version = view->version;
        auto result = w.Run(engine, c, thread);
        if (result.ok()) {
          ++w.increments;
          if (result->version != view->version + 1 ||
              result->events_appended != 1) {
            w.Problem("increment at version " + std::to_string(view->version) +
                      " gave version " + std::to_string(result->version));
          }
          break;
        }
        if (result.status().code() != Code::kConflict) {
          w.Problem("increment refused with " + result.status().ToString());
          break;
        }
        ++w.conflicts;
        if (!result.status().current_version() ||
            *result.status().current_version() <= view->version) {
          w.Problem("a conflict without a newer current version: " +
                    result.status().ToString());
        }
      }
    } else if (pick < 5) {
      c.account = kShared;
      c.body =
          Reply{reply_ticket, ActorKind::kCustomer,
                "reply " + std::to_string(thread) + "/" + std::to_string(op)};
      auto result = w.Run(engine, c, thread);
      if (!result.ok()) {
        w.Problem("shared reply refused: " + result.status().ToString());
      } else {
        ++w.shared_replies;
      }
    } else if (pick == 5) {
      c.account = kShared;
      c.body = AddComment{counter_ticket, "ana", "stale"};
      c.expected_version = 1;  // the ticket is past version 1 from the start
      auto result = w.Run(engine, c, thread);
      if (result.ok() || result.status().code() != Code::kConflict) {
        w.Problem("a stale expected_version gave " +
                  result.status().ToString());
      }
    } else if (pick == 6) {
      OpenTicket open;
      open.subject = "New from thread " + std::to_string(thread);
      open.customer.email = "t" + std::to_string(thread) + "@example.com";
      c.account = kShared;
      c.body = open;
      auto result = w.Run(engine, c, thread);
      if (!result.ok()) {
        w.Problem("open refused: " + result.status().ToString());
      } else {
        w.opened.push_back(result->ticket);
      }
    } else {
      // The thread's own ticket: expected_version always matches.
      c.account = OwnAccount(thread);
      c.expected_version = own_version;
      if (pick == 7) {
        c.body = Reply{own_ticket, ActorKind::kOperator, "on it"};
      } else if (pick == 8) {
        c.body = AddComment{own_ticket, "ana", "note"};
      } else {
        Update update;
        update.ticket = own_ticket;
        update.custom_attributes["op"] = AttributeValue(double(op));
        c.body = update;
      }
      auto result = w.Run(engine, c, thread);
      if (!result.ok()) {
        w.Problem("own ticket command refused: " + result.status().ToString());
      } else {
        if (result->version != own_version + result->events_appended) {
          w.Problem("own ticket went from version " +
                    std::to_string(own_version) + " to " +
                    std::to_string(result->version));
        }
        own_version = result->version;
      }
      ListQuery query;
      query.account = kShared;
      query.page = 1 + static_cast<uint32_t>(rng() % 2);
      auto page = engine.List(query);
      if (!page.ok()) w.Problem("List: " + page.status().ToString());
    }
  }
}

TEST_CASE(
    "eight threads on shared and separate tickets lose no update and keep "
    "the log dense",
    "[concurrency]") {
  const bool sync = GENERATE(false, true);
  INFO("sync " << sync);
  Scenario s(sync);
  s.DefineDirectory(kShared);
  const std::string counter_ticket = s.OpenTicketIn(kShared, "c-counter");
  const std::string reply_ticket = s.OpenTicketIn(kShared, "c-replies");
  // Past version 1, so that expected_version 1 is always stale.
  s.Must(kShared, AddComment{counter_ticket, "ana", "start"});
  std::vector<std::string> own(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    s.DefineDirectory(OwnAccount(t));
    own[t] = s.OpenTicketIn(OwnAccount(t), "c-own");
  }

  std::vector<Worker> workers(kThreads);
  std::atomic<bool> writing{true};
  std::vector<std::string> audit_problems;
  int audits = 0;
  {
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back(WorkerLoop, std::ref(s.engine()), t,
                           std::cref(counter_ticket), std::cref(reply_ticket),
                           std::cref(own[t]), std::ref(workers[t]));
    }
    // The auditor: Verify takes the engine exclusively, so the views it
    // compares with a rebuild must match at every moment.
    std::thread auditor([&] {
      while (writing.load()) {
        auto report = s.engine().Verify();
        ++audits;
        if (!report.ok()) {
          audit_problems.push_back(report.status().ToString());
        } else {
          for (const std::string& p : report->problems) {
            audit_problems.push_back(p);
          }
        }
        std::this_thread::yield();
      }
    });
    for (std::thread& t : threads) t.join();
    writing = false;
    auditor.join();
  }

  std::vector<SentCommand> sent = s.setup_sent();
  int increments = 0, replies = 0, conflicts = 0;
  std::vector<std::string> opened;
  for (int t = 0; t < kThreads; ++t) {
    INFO("thread " << t << ":\n" << JoinLines(workers[t].problems));
    CHECK(workers[t].problems.empty());
    increments += workers[t].increments;
    replies += workers[t].shared_replies;
    conflicts += workers[t].conflicts;
    opened.insert(opened.end(), workers[t].opened.begin(),
                  workers[t].opened.end());
    sent.insert(sent.end(), workers[t].sent.begin(), workers[t].sent.end());
  }
  INFO("audits during the run:\n" << JoinLines(audit_problems));
  CHECK(audit_problems.empty());
  CHECK(audits >= 1);

  // No lost update: the counter saw every accepted increment.
  auto counter = s.engine().GetTicket(kShared, counter_ticket);
  REQUIRE(counter.ok());
  CHECK(CounterOf(*counter) == increments);
  auto replied = s.engine().GetTicket(kShared, reply_ticket);
  REQUIRE(replied.ok());
  CHECK(replied->message_count == static_cast<uint32_t>(1 + replies));

  // Ticket numbers of the shared account stay unique and dense.
  std::set<uint64_t> numbers;
  for (const std::string& t : opened) {
    auto view = s.engine().GetTicket(kShared, t);
    REQUIRE(view.ok());
    numbers.insert(view->number);
  }
  CHECK(numbers.size() == opened.size());
  if (!numbers.empty()) {
    CHECK(*numbers.begin() == 3);  // after the two setup tickets
    CHECK(*numbers.rbegin() == 2 + opened.size());
  }

  // Every accepted command exactly once, refused ones absent, everything
  // dense, views equal a rebuild; and again after reopening.
  std::vector<std::string> problems = CheckLog(s.engine(), sent);
  INFO(JoinLines(problems));
  CHECK(problems.empty());
  uint64_t appended = 0;
  for (const SentCommand& c : sent) {
    if (c.outcome == SentCommand::Outcome::kAccepted) {
      appended += c.result.events_appended;
    } else {
      CHECK(c.code == Code::kConflict);
    }
  }
  CHECK(s.engine().Head()->position == appended);
  (void)conflicts;
}

TEST_CASE("the same command id sent by several threads at once is applied once",
          "[concurrency]") {
  Scenario s(/*sync=*/false);
  s.DefineDirectory(kShared);
  const std::string ticket = s.OpenTicketIn(kShared, "c-dup");
  constexpr int kIds = 40;
  std::vector<std::vector<StatusOr<CommandResult>>> results(kThreads);
  {
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kIds; ++i) {
          Command c;
          c.account = kShared;
          c.command_id = "dup-" + std::to_string(i);
          c.body = Reply{ticket, ActorKind::kCustomer,
                         "said once " + std::to_string(i)};
          results[t].push_back(s.engine().Execute(c));
        }
      });
    }
    for (std::thread& t : threads) t.join();
  }
  std::vector<SentCommand> sent = s.setup_sent();
  for (int i = 0; i < kIds; ++i) {
    INFO("command dup-" << i);
    int applied = 0;
    std::set<uint64_t> positions;
    for (int t = 0; t < kThreads; ++t) {
      const auto& r = results[t][i];
      REQUIRE(r.ok());
      applied += r->events_appended;
      positions.insert(r->position);
      sent.push_back({kShared, "dup-" + std::to_string(i),
                      SentCommand::Outcome::kAccepted, *r});
    }
    CHECK(applied == 1);
    CHECK(positions.size() == 1);  // every sender got the same answer
  }
  auto view = s.engine().GetTicket(kShared, ticket);
  REQUIRE(view.ok());
  CHECK(view->message_count == 1 + kIds);
  std::vector<std::string> problems = CheckLog(s.engine(), sent);
  INFO(JoinLines(problems));
  CHECK(problems.empty());
}

}  // namespace
}  // namespace ticketlog::testing
