// Crashes: a writer process applies a long, seeded stream of commands with
// sync on and reports each result before it sends the next command; the
// test kills it with SIGKILL at seeded random moments, reopens the database
// and checks that nothing acknowledged was lost and nothing is half-written
// (tests/reliability/log_check.h lists the invariants).
//
// The writer is this test program re-run (fork + exec) with the hidden test
// case "crash child: ..." and its parameters in the environment, so that it
// starts in a fresh process image. It prints one line per command on stdout:
//   begin ACCOUNT ID                       before Execute
//   ok ACCOUNT ID TICKET|- NUMBER VERSION POSITION EVENTS
//   err ACCOUNT ID CODE                    after it
// A command with "begin" and no result was in flight when the writer died:
// it may or may not be in the log, but never in part.
//
// Reproduce a run with TICKETLOG_CRASH_SEED=<seed> (printed on failure).
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "reliability/log_check.h"
#include "reliability/subprocess.h"
#include "support/temp_dir.h"
#include "ticketlog/ticketlog.h"

namespace ticketlog::testing {
namespace {

constexpr const char* kChildTest =
    "crash child: applies a seeded command stream until it is killed";
constexpr int kApiRounds = 24;
constexpr int kBufferedRounds = 8;
constexpr int kToolRounds = 10;
// A writer that prints nothing for this long is stuck: the test fails
// instead of hanging. Generous, so that slow sanitizer builds pass.
constexpr int kStuckMs = 120 * 1000;

uint64_t SeedFromEnv(uint64_t fallback) {
  const char* text = std::getenv("TICKETLOG_CRASH_SEED");
  return text != nullptr ? std::strtoull(text, nullptr, 10) : fallback;
}

void Emit(const std::string& line) {
  std::string data = line + "\n";
  const char* p = data.data();
  size_t left = data.size();
  while (left > 0) {
    ssize_t n = ::write(1, p, left);
    if (n <= 0) ::_exit(4);  // the test went away
    p += n;
    left -= static_cast<size_t>(n);
  }
}

// A deterministic UUID from the generator, so that a seed reproduces ids.
std::string RandomUuid(std::mt19937_64& rng) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) out += '-';
    unsigned digit = static_cast<unsigned>(rng() % 16);
    if (i == 12) digit = 4;
    if (i == 16) digit = 8 + digit % 4;
    out += kHex[digit];
  }
  return out;
}

std::string Text(std::mt19937_64& rng, size_t max_bytes) {
  static constexpr const char* kWords[] = {
      "printer", "fire",  "invoice", "refund", "login",  "password",
      "ção",     "naïve", "вопрос",  "問題",   "urgent", "again"};
  size_t target = 1 + rng() % max_bytes;
  std::string out;
  while (out.size() < target) {
    if (!out.empty()) out += ' ';
    out += kWords[rng() % (sizeof kWords / sizeof kWords[0])];
  }
  return out;
}

// ---- The writer (child side)
// -------------------------------------------------

// The next command of the stream, chosen by the ticket's current state so
// that most commands are accepted and some are refused.
class CommandStream {
 public:
  CommandStream(Engine& engine, uint64_t seed) : engine_(engine), rng_(seed) {
    for (const std::string& account : kAccounts) {
      for (uint32_t page = 1;; ++page) {
        ListQuery query;
        query.account = account;
        query.page = page;
        auto listed = engine_.List(query);
        if (!listed.ok() || listed->items.empty()) break;
        for (const TicketView& view : listed->items) {
          tickets_[account].push_back(view.ticket);
        }
      }
    }
  }

  // The directory first (no-ops once defined), then ticket commands.
  Command Next(uint64_t index) {
    Command command;
    if (index < 2 * kDirectorySize) {
      command.account = kAccounts[index / kDirectorySize];
      command.body = DirectoryCommand(index % kDirectorySize);
      return command;
    }
    command.account = kAccounts[rng_() % 2];
    std::vector<std::string>& list = tickets_[command.account];
    if (list.empty() || rng_() % 6 == 0) {
      command.body = NewTicket();
      return command;
    }
    const std::string ticket = list[rng_() % list.size()];
    auto view = engine_.GetTicket(command.account, ticket);
    command.body = view.ok() ? TicketCommand(*view) : Reopen{ticket};
    return command;
  }

  void Opened(const std::string& account, const std::string& ticket) {
    tickets_[account].push_back(ticket);
  }

  static constexpr const char* kAccounts[2] = {"acme", "globex"};

 private:
  static constexpr uint64_t kDirectorySize = 5;

  static CommandBody DirectoryCommand(uint64_t i) {
    switch (i) {
      case 0:
        return DefineDepartment{"support", "Support"};
      case 1:
        return DefineDepartment{"billing", "Billing"};
      case 2:
        return RegisterOperator{"ana", "Ana", {"support"}};
      case 3:
        return RegisterOperator{"bruno", "Bruno", {"billing"}};
      default:
        return DefineStatus{"waiting_vendor", "Waiting for vendor"};
    }
  }

  OpenTicket NewTicket() {
    OpenTicket open;
    open.ticket = RandomUuid(rng_);
    open.subject = Text(rng_, 200);
    open.department = rng_() % 2 ? "support" : "billing";
    if (rng_() % 2) open.operator_id = rng_() % 2 ? "ana" : "bruno";
    open.customer.id = "c-" + std::to_string(rng_() % 20);
    if (rng_() % 3 == 0) open.customer.email = "c@example.com";
    open.channel = static_cast<Channel>(rng_() % 7);
    open.priority = static_cast<Priority>(rng_() % 4);
    open.labels = {"l" + std::to_string(rng_() % 5)};
    open.custom_attributes["plan"] = std::string(rng_() % 2 ? "pro" : "free");
    open.pending = rng_() % 8 == 0;
    open.message = OpeningMessage{Text(rng_, 4000), MessageKind::kIncoming};
    return open;
  }

  CommandBody TicketCommand(const TicketView& view) {
    const std::string& t = view.ticket;
    uint64_t pick = rng_() % 16;
    switch (view.status) {
      case TicketStatus::kClosed:
        return Reply{t, ActorKind::kCustomer, "closed?"};  // ticket_closed
      case TicketStatus::kFinished:
        if (pick < 5) return Reply{t, ActorKind::kCustomer, Text(rng_, 500)};
        if (pick < 9) return Reopen{t};
        if (pick < 13) return Close{t};
        return Reply{t, ActorKind::kOperator, "late"};  // refused
      default:
        break;
    }
    switch (pick) {
      case 0:
      case 1:
        return Reply{t, ActorKind::kCustomer, Text(rng_, 2000)};
      case 2:
      case 3:
        return Reply{t, ActorKind::kOperator, Text(rng_, 2000)};
      case 4:
        return AddComment{t, "ana", Text(rng_, 300)};
      case 5:
        return LinkOperator{t, rng_() % 2 ? "ana" : "bruno"};
      case 6:
        return Transfer{t, rng_() % 2 ? "support" : "billing", ""};
      case 7:
        return StartStatus{t, "waiting_vendor"};
      case 8:
        return StopStatus{t};
      case 9:
      case 10:
        return Finish{t, Text(rng_, 300), "solved"};
      case 11:
        return UnlinkOperator{t};
      case 12:
        return Reopen{t};  // ticket_not_finished
      default: {
        Update update;
        update.ticket = t;
        update.priority = static_cast<Priority>(rng_() % 4);
        update.labels =
            std::vector<std::string>{"l" + std::to_string(rng_() % 5)};
        update.custom_attributes["n"] = AttributeValue(double(rng_() % 100));
        return update;
      }
    }
  }

  Engine& engine_;
  std::mt19937_64 rng_;
  std::map<std::string, std::vector<std::string>> tickets_;
};

void RunWriter(const std::string& path, uint64_t seed, int round, bool sync) {
  Options options;
  options.path = path;
  options.sync = sync;
  auto engine = Engine::Open(options);
  if (!engine.ok()) {
    Emit("fatal cannot open " + path + ": " + engine.status().ToString());
    ::_exit(3);
  }
  CommandStream stream(**engine, seed);
  for (uint64_t i = 0; i < 1000000; ++i) {
    Command command = stream.Next(i);
    command.command_id = "r" + std::to_string(round) + "-" + std::to_string(i);
    Emit("begin " + command.account + " " + command.command_id);
    auto result = (*engine)->Execute(command);
    if (result.ok()) {
      if (std::holds_alternative<OpenTicket>(command.body) &&
          result->events_appended > 0) {
        stream.Opened(command.account, result->ticket);
      }
      Emit("ok " + command.account + " " + command.command_id + " " +
           (result->ticket.empty() ? "-" : result->ticket) + " " +
           std::to_string(result->number) + " " +
           std::to_string(result->version) + " " +
           std::to_string(result->position) + " " +
           std::to_string(result->events_appended));
    } else {
      Emit("err " + command.account + " " + command.command_id + " " +
           std::string(CodeName(result.status().code())));
    }
  }
}

TEST_CASE(kChildTest, "[.][crash-child]") {
  const char* db = std::getenv("TICKETLOG_CRASH_DB");
  if (db == nullptr) {
    SUCCEED("runs only as the writer of the crash test");
    return;
  }
  const char* seed = std::getenv("TICKETLOG_CRASH_WRITER_SEED");
  const char* round = std::getenv("TICKETLOG_CRASH_ROUND");
  const char* sync = std::getenv("TICKETLOG_CRASH_SYNC");
  RunWriter(db, seed != nullptr ? std::strtoull(seed, nullptr, 10) : 1,
            round != nullptr ? std::atoi(round) : 0,
            sync == nullptr || std::string(sync) != "0");
  ::_exit(0);
}

// ---- The test (parent side)
// ----------------------------------------------------

// Collects the writer's lines into SentCommands, in the order they began.
class Transcript {
 public:
  // Returns true for a result line (an acknowledgement).
  bool Take(const std::string& line) {
    std::istringstream in(line);
    std::string kind, account, id;
    in >> kind >> account >> id;
    if (kind == "begin") {
      index_[account + "/" + id] = pending_.size();
      pending_.push_back({account, id});
      return false;
    }
    auto it = index_.find(account + "/" + id);
    if ((kind != "ok" && kind != "err") || it == index_.end()) {
      diagnostics_ += line + "\n";
      return false;
    }
    SentCommand& sent = pending_[it->second];
    if (kind == "ok") {
      sent.outcome = SentCommand::Outcome::kAccepted;
      std::string ticket;
      in >> ticket >> sent.result.number >> sent.result.version >>
          sent.result.position >> sent.result.events_appended;
      sent.result.ticket = ticket == "-" ? "" : ticket;
    } else {
      std::string code;
      in >> code;
      sent.outcome = SentCommand::Outcome::kRefused;
      sent.code = CodeFromName(code).value_or(Code::kOk);
    }
    return true;
  }

  // Moves this round's commands to `sent`; returns how many were in flight.
  int Finish(std::vector<SentCommand>& sent) {
    int in_flight = 0;
    for (SentCommand& s : pending_) {
      if (s.outcome == SentCommand::Outcome::kUnknown) ++in_flight;
      sent.push_back(std::move(s));
    }
    pending_.clear();
    index_.clear();
    return in_flight;
  }

  const std::string& diagnostics() const { return diagnostics_; }

 private:
  std::vector<SentCommand> pending_;
  std::map<std::string, size_t> index_;
  std::string diagnostics_;
};

std::unique_ptr<Engine> OpenForCheck(const std::string& path) {
  Options options;
  options.path = path;
  options.sync = true;
  auto engine = Engine::Open(options);
  INFO("reopening after the kill: " << engine.status().ToString());
  REQUIRE(engine.ok());
  return std::move(*engine);
}

// Runs `rounds` writer processes one after the other on one database, each
// killed with SIGKILL, and checks the database after each. Returns the
// number of kills.
int RunCrashRounds(uint64_t seed, int rounds, bool sync) {
  INFO("crash seed " << seed << " (TICKETLOG_CRASH_SEED reproduces it)");
  TempDir dir;
  const std::string db = dir.Sub("db");
  std::mt19937_64 rng(seed);
  std::vector<SentCommand> sent;
  std::optional<LogHead> previous_head;
  int kills = 0;
  int mid_command = 0;

  for (int round = 0; round < rounds; ++round) {
    INFO("round " << round);
    // Kill after 0-99 acknowledgements, then after up to 3 ms more:
    // usually inside a command, sometimes while the database is opening.
    const int acks_before_kill = static_cast<int>(rng() % 100);
    const auto delay = std::chrono::microseconds(rng() % 3000);
    SpawnOptions spawn;
    spawn.argv = {SelfPath(), kChildTest};
    spawn.env = {"TICKETLOG_CRASH_DB=" + db,
                 "TICKETLOG_CRASH_WRITER_SEED=" + std::to_string(seed + round),
                 "TICKETLOG_CRASH_ROUND=" + std::to_string(round),
                 std::string("TICKETLOG_CRASH_SYNC=") + (sync ? "1" : "0")};
    Transcript transcript;
    ProcessResult end;
    {
      Child writer(spawn);
      std::string line;
      int acks = 0;
      while (acks < acks_before_kill && writer.ReadLine(line, kStuckMs)) {
        if (transcript.Take(line)) ++acks;
      }
      INFO("writer stuck: " << writer.timed_out());
      REQUIRE_FALSE(writer.timed_out());
      ::usleep(static_cast<useconds_t>(delay.count()));
      writer.Kill(SIGKILL);
      end = writer.Communicate();
    }
    std::istringstream rest(end.out);
    for (std::string line; std::getline(rest, line);) transcript.Take(line);
    INFO("writer said: " << transcript.diagnostics());
    REQUIRE(end.signal == SIGKILL);
    ++kills;
    mid_command += transcript.Finish(sent);

    auto engine = OpenForCheck(db);
    std::vector<std::string> problems = CheckLog(*engine, sent, previous_head);
    INFO(JoinLines(problems));
    CHECK(problems.empty());
    auto head = engine->Head();
    REQUIRE(head.ok());
    previous_head = *head;
  }
  INFO(mid_command << " kill(s) landed inside a command");
  // The stream made progress: most of what was sent was acknowledged.
  CHECK(previous_head->position > 5 * static_cast<uint64_t>(rounds));
  return kills;
}

TEST_CASE(
    "commands acknowledged before a SIGKILL survive it and none is "
    "half-applied",
    "[crash]") {
  CHECK(RunCrashRounds(SeedFromEnv(20240601), kApiRounds, /*sync=*/true) >= 20);
}

TEST_CASE(
    "in buffered mode too, commands acknowledged before a SIGKILL survive it",
    "[crash]") {
  // Buffered writes reach the OS before Execute returns: they survive the
  // process (not a power cut, which this test cannot show).
  CHECK(RunCrashRounds(SeedFromEnv(20240601) + 1, kBufferedRounds,
                       /*sync=*/false) == kBufferedRounds);
}

// The checker itself: each invariant it guards, broken on purpose, is
// reported (so that the crash tests above cannot pass vacuously).
TEST_CASE(
    "the log checker reports lost, phantom, refused and misplaced commands",
    "[crash]") {
  TempDir dir;
  Options options;
  options.path = dir.Sub("db");
  options.sync = false;
  auto opened = Engine::Open(options);
  REQUIRE(opened.ok());
  Engine& engine = **opened;
  std::vector<SentCommand> sent;
  auto run = [&](CommandBody body, const std::string& id) {
    Command c;
    c.account = "acme";
    c.body = std::move(body);
    c.command_id = id;
    auto result = engine.Execute(c);
    REQUIRE(result.ok());
    sent.push_back({"acme", id, SentCommand::Outcome::kAccepted, *result});
  };
  run(DefineDepartment{"support", "Support"}, "d1");
  OpenTicket open;
  open.subject = "Printer";
  open.customer.id = "c-1";
  open.message = OpeningMessage{"It jams.", MessageKind::kIncoming};
  run(open, "o1");
  run(Reply{sent.back().result.ticket, ActorKind::kCustomer, "Again."}, "r1");
  REQUIRE(CheckLog(engine, sent).empty());

  auto problems_with = [&](std::vector<SentCommand> claimed) {
    return JoinLines(CheckLog(engine, claimed));
  };
  SECTION("an acknowledged command missing from the log") {
    std::vector<SentCommand> claimed = sent;
    claimed.push_back(claimed.back());
    claimed.back().command_id = "lost";
    CHECK_THAT(problems_with(claimed),
               Catch::Contains("command acme/lost was acknowledged with 1"));
  }
  SECTION("events of a command nobody sent") {
    std::vector<SentCommand> claimed(sent.begin(), sent.end() - 1);
    CHECK_THAT(problems_with(claimed),
               Catch::Contains("of command acme/r1, which nobody sent"));
  }
  SECTION("a refused command that has events") {
    std::vector<SentCommand> claimed = sent;
    claimed.back().outcome = SentCommand::Outcome::kRefused;
    CHECK_THAT(problems_with(claimed),
               Catch::Contains("command acme/r1 was acknowledged with 0"));
  }
  SECTION("an acknowledgement at another position") {
    std::vector<SentCommand> claimed = sent;
    claimed.back().result.position += 1;
    CHECK_THAT(problems_with(claimed),
               Catch::Contains("command acme/r1 was acknowledged at position"));
  }
  SECTION("a command that is only half in the log") {
    std::vector<SentCommand> claimed = sent;
    claimed.back().result.events_appended = 2;
    CHECK_THAT(
        problems_with(claimed),
        Catch::Contains("acknowledged with 2 event(s) but the log has 1"));
  }
  SECTION("an earlier head that is no longer in the log") {
    LogHead made_up{3, std::string(64, 'a')};
    CHECK_THAT(JoinLines(CheckLog(engine, sent, made_up)),
               Catch::Contains("Verify: position 3 has hash"));
  }
}

#ifdef TICKETLOG_TOOL_PATH

// The commands the tool is fed: valid by construction against a model of
// each ticket's status, so that every command that ran is accepted.
class ToolCommandStream {
 public:
  explicit ToolCommandStream(uint64_t seed) : rng_(seed) {}

  // Replaces the model with the state the engine reports.
  void Load(Engine& engine) {
    open_.clear();
    finished_.clear();
    ListQuery query;
    query.account = "tool";
    for (query.page = 1;; ++query.page) {
      auto listed = engine.List(query);
      REQUIRE(listed.ok());
      if (listed->items.empty()) break;
      for (const TicketView& view : listed->items) {
        if (view.status == TicketStatus::kFinished) {
          finished_.push_back(view.ticket);
        } else if (view.status != TicketStatus::kClosed) {
          open_.push_back(view.ticket);
        }
      }
    }
  }

  std::string Next(const std::string& command_id) {
    nlohmann::json c;
    c["account"] = "tool";
    c["command_id"] = command_id;
    uint64_t pick = rng_() % 10;
    if (!directory_done_) {
      directory_done_ = true;
      c["op"] = "register_operator";
      c["operator"] = "ana";
      c["name"] = "Ana";
    } else if (open_.empty() || pick == 0) {
      std::string t = RandomUuid(rng_);
      c["op"] = "open_ticket";
      c["ticket"] = t;
      c["subject"] = Text(rng_, 120);
      c["customer"] = {{"email", "c" + std::to_string(rng_() % 9) + "@x.org"}};
      c["message"] = Text(rng_, 3000);
      open_.push_back(t);
    } else if (!finished_.empty() && pick < 3) {
      size_t i = rng_() % finished_.size();
      std::string t = finished_[i];
      finished_.erase(finished_.begin() + static_cast<long>(i));
      if (pick == 1) {
        c["op"] = "reply";  // reopens: two events
        c["ticket"] = t;
        c["author"] = "customer";
        c["content"] = Text(rng_, 500);
        open_.push_back(t);
      } else {
        c["op"] = "close";
        c["ticket"] = t;
      }
    } else {
      size_t i = rng_() % open_.size();
      std::string t = open_[i];
      c["ticket"] = t;
      if (pick < 6) {
        c["op"] = "reply";
        c["author"] = "customer";
        c["content"] = Text(rng_, 1500);
      } else if (pick < 8) {
        c["op"] = "comment";
        c["operator"] = "ana";
        c["content"] = Text(rng_, 300);
      } else {
        c["op"] = "finish";
        c["content"] = "Solved.";
        c["resolution"] = "solved";
        open_.erase(open_.begin() + static_cast<long>(i));
        finished_.push_back(t);
      }
    }
    return c.dump();
  }

 private:
  std::mt19937_64 rng_;
  bool directory_done_ = false;
  std::vector<std::string> open_;
  std::vector<std::string> finished_;
};

TEST_CASE("ticketlog apply killed with SIGKILL keeps every command it answered",
          "[crash][tool]") {
  const uint64_t seed = SeedFromEnv(20240601) + 7;
  INFO("crash seed " << seed - 7 << " (TICKETLOG_CRASH_SEED reproduces it)");
  TempDir dir;
  const std::string db = dir.Sub("db");
  std::mt19937_64 rng(seed);
  ToolCommandStream stream(seed);
  std::vector<SentCommand> sent;
  std::optional<LogHead> previous_head;
  int kills = 0;

  for (int round = 0; round < kToolRounds; ++round) {
    INFO("round " << round);
    const size_t acks_before_kill = 5 + rng() % 40;
    const auto delay = std::chrono::microseconds(rng() % 3000);
    // Lines are written this far ahead of the answers, so that the tool is
    // busy with one when it is killed.
    constexpr size_t kWindow = 4;
    SpawnOptions spawn;
    spawn.argv = {TICKETLOG_TOOL_PATH, "--db", db, "apply", "-"};
    spawn.pipe_stdin = true;
    std::vector<SentCommand> round_sent;
    std::string diagnostics;
    auto take = [&](const std::string& line, size_t index) {
      auto result = nlohmann::json::parse(line, nullptr, false);
      if (index >= round_sent.size() || !result.is_object()) {
        diagnostics += line + "\n";
        return;
      }
      SentCommand& s = round_sent[index];
      if (result.value("ok", false)) {
        s.outcome = SentCommand::Outcome::kAccepted;
        s.result.ticket = result["ticket"].is_string()
                              ? result["ticket"].get<std::string>()
                              : "";
        s.result.number =
            result["number"].is_number() ? result["number"].get<uint64_t>() : 0;
        s.result.version = result["version"].get<uint64_t>();
        s.result.position = result["position"].get<uint64_t>();
        s.result.events_appended = result["events_appended"].get<uint32_t>();
      } else {
        s.outcome = SentCommand::Outcome::kRefused;
        diagnostics += "refused: " + line + "\n";
      }
    };
    ProcessResult end;
    size_t acks = 0;
    {
      Child tool(spawn);
      std::string line;
      while (acks < acks_before_kill) {
        while (round_sent.size() < acks + kWindow) {
          std::string id = "t" + std::to_string(round) + "-" +
                           std::to_string(round_sent.size());
          round_sent.push_back({"tool", id});
          REQUIRE(tool.Write(stream.Next(id) + "\n"));
        }
        if (!tool.ReadLine(line, kStuckMs)) break;
        take(line, acks++);
      }
      INFO("tool stuck: " << tool.timed_out());
      REQUIRE_FALSE(tool.timed_out());
      ::usleep(static_cast<useconds_t>(delay.count()));
      tool.Kill(SIGKILL);
      end = tool.Communicate();
    }
    std::istringstream rest(end.out);
    for (std::string line; std::getline(rest, line);) take(line, acks++);
    INFO("tool said: " << diagnostics);
    REQUIRE(end.signal == SIGKILL);
    ++kills;
    // Every command that was answered was accepted: the stream is valid.
    for (const SentCommand& s : round_sent) {
      CHECK(s.outcome != SentCommand::Outcome::kRefused);
    }
    sent.insert(sent.end(), round_sent.begin(), round_sent.end());

    auto engine = OpenForCheck(db);
    std::vector<std::string> problems = CheckLog(*engine, sent, previous_head);
    INFO(JoinLines(problems));
    CHECK(problems.empty());
    // apply runs lines in order: what ran of the unanswered lines is a
    // prefix of them.
    bool gap = false;
    for (const SentCommand& s : round_sent) {
      if (s.outcome != SentCommand::Outcome::kUnknown) continue;
      Command probe;
      probe.account = s.account;
      probe.command_id = s.command_id;
      probe.body = StopStatus{kNoSuchTicket};
      bool ran = engine->Execute(probe).ok();
      CHECK_FALSE((ran && gap));
      if (!ran) gap = true;
    }
    stream.Load(*engine);
    auto head = engine->Head();
    REQUIRE(head.ok());
    previous_head = *head;
  }
  CHECK(kills == kToolRounds);
}

#endif  // TICKETLOG_TOOL_PATH

}  // namespace
}  // namespace ticketlog::testing
