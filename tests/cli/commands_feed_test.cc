// `follow` and `deliver` end to end: the built tool in child processes, a
// writer (`apply`) in another process, a webhook receiver in this process
// and a real nats-server, all on 127.0.0.1.
#include <nats/nats.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "cli/tool_runner.h"
#include "reliability/subprocess.h"
#include "sinks/webhook.h"
#include "support/http_receiver.h"
#include "support/nats_server.h"

namespace ticketlog::testing {
namespace {

using Clock = std::chrono::steady_clock;

std::string Department(const std::string& account, int i) {
  return R"({"op":"define_department","account":")" + account +
         R"(","department":"d)" + std::to_string(i) +
         R"(","name":"D"})"
         "\n";
}

// `n` directory events of `account`, appended by `apply` in a child process.
void Append(const ToolRunner& tool, const std::string& account, int n) {
  static int next = 0;
  std::string lines;
  for (int i = 0; i < n; ++i) lines += Department(account, next++);
  ToolRun run = tool.Run({"apply", "-"}, lines);
  INFO(run.err);
  REQUIRE(run.status == 0);
}

std::vector<uint64_t> Range(uint64_t first, uint64_t last) {
  std::vector<uint64_t> out;
  for (uint64_t p = first; p <= last; ++p) out.push_back(p);
  return out;
}

std::unique_ptr<Child> StartTool(const ToolRunner& tool,
                                 std::vector<std::string> args,
                                 bool pipe_stdin = false) {
  SpawnOptions options;
  options.argv = {TICKETLOG_TOOL_PATH, "--db", tool.db()};
  options.argv.insert(options.argv.end(), args.begin(), args.end());
  options.pipe_stdin = pipe_stdin;
  return std::make_unique<Child>(options);
}

// ---- follow -----------------------------------------------------------------

TEST_CASE(
    "follow prints each event apply appends in another process within a "
    "second") {
  ToolRunner tool;
  Append(tool, "acme", 1);
  auto follow = StartTool(tool, {"follow", "--from", "2", "--limit", "5"});
  auto writer = StartTool(tool, {"apply", "-"}, /*pipe_stdin=*/true);
  std::chrono::milliseconds worst{0};
  for (int i = 0; i < 5; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    REQUIRE(writer->Write(Department("acme", 100 + i)));
    std::string ack, line;
    REQUIRE(writer->ReadLine(ack, 5000));
    Clock::time_point acknowledged = Clock::now();
    REQUIRE(follow->ReadLine(line, 5000));
    auto latency = std::chrono::duration_cast<std::chrono::milliseconds>(
        Clock::now() - acknowledged);
    worst = std::max(worst, latency);
    auto event = nlohmann::json::parse(line);
    CHECK(event["position"] == 2 + i);
    CHECK(event["type"] == "DepartmentDefined");
    CHECK(event["payload"]["department"] == "d" + std::to_string(100 + i));
    CHECK(event["event_id"].is_string());
  }
  INFO("worst latency " << worst.count() << " ms");
  CHECK(worst < std::chrono::milliseconds(1000));
  ProcessResult followed = follow->Communicate();
  CHECK(followed.exit_code == 0);  // --limit 5 reached
  writer->CloseStdin();
  CHECK(writer->Communicate().exit_code == 0);
}

TEST_CASE("follow ends with exit 0 on SIGTERM and on SIGINT") {
  ToolRunner tool;
  Append(tool, "acme", 1);
  for (int sig : {SIGTERM, SIGINT}) {
    INFO("signal " << sig);
    // While it starts: sent once the tool handles it (a loaded machine may
    // take longer than any fixed sleep to start the process), which is
    // before the store is open.
    auto starting = StartTool(tool, {"follow"});
    REQUIRE(starting->WaitUntilCatching(sig, 30000));
    starting->Kill(sig);
    ProcessResult result = starting->Communicate();
    CHECK(result.exit_code == 0);
    CHECK(result.signal == 0);
    CHECK(result.out.empty());

    // While it waits for events: after it printed one.
    auto waiting = StartTool(tool, {"follow", "--from", "1"});
    std::string line;
    REQUIRE(waiting->ReadLine(line, 30000));
    CHECK(nlohmann::json::parse(line)["position"] == 1);
    waiting->Kill(sig);
    result = waiting->Communicate();
    CHECK(result.exit_code == 0);
    CHECK(result.signal == 0);
    CHECK(result.out.empty());  // nothing more than the line read above
  }
}

TEST_CASE("follow --account prints only that account's events") {
  ToolRunner tool;
  Append(tool, "acme", 2);
  Append(tool, "beta", 1);
  Append(tool, "acme", 1);
  ToolRun run =
      tool.Run({"follow", "--from", "1", "--account", "beta", "--limit", "1"});
  REQUIRE(run.status == 0);
  auto lines = run.Lines();
  REQUIRE(lines.size() == 1);
  CHECK(lines[0]["account"] == "beta");
  CHECK(lines[0]["position"] == 3);
}

TEST_CASE("follow --subscription starts after the last event it printed") {
  ToolRunner tool;
  Append(tool, "acme", 3);
  ToolRun first =
      tool.Run({"follow", "--subscription", "tail", "--limit", "2"});
  REQUIRE(first.status == 0);
  ToolRun second =
      tool.Run({"follow", "--subscription", "tail", "--limit", "1"});
  REQUIRE(second.status == 0);
  CHECK(first.Lines().at(1)["position"] == 2);
  CHECK(second.Lines().at(0)["position"] == 3);
}

TEST_CASE("follow and deliver refuse bad flags and a missing store") {
  ToolRunner tool;
  CHECK(tool.Run({"follow"}).status == 2);  // no store yet
  Append(tool, "acme", 1);
  CHECK(tool.Run({"follow", "--from", "x"}).status == 2);
  CHECK(tool.Run({"follow", "--from", "1", "--subscription", "a"}).status == 2);
  CHECK(tool.Run({"follow", "--account", "bad account"}).status == 2);
  CHECK(tool.Run({"deliver", "--webhook", "http://127.0.0.1:1/"}).status == 2);
  CHECK(tool.Run({"deliver", "--subscription", "a"}).status == 2);
  CHECK(tool.Run({"deliver", "--subscription", "a", "--webhook",
                  "http://127.0.0.1:1/", "--nats", "nats://127.0.0.1:1"})
            .status == 2);
  CHECK(tool.Run({"deliver", "--subscription", "a", "--nats",
                  "nats://127.0.0.1:1"})
            .status == 2);
  CHECK(tool.Run({"deliver", "--subscription", "../a", "--webhook",
                  "http://127.0.0.1:1/"})
            .status == 2);
}

// ---- deliver to a webhook ---------------------------------------------------

TEST_CASE(
    "deliver --once posts every event in order, signed, with its id and "
    "position") {
  ToolRunner tool;
  HttpReceiver receiver;
  Append(tool, "acme", 4);
  ToolRun run = tool.Run({"deliver", "--subscription", "crm", "--webhook",
                          receiver.url(), "--secret", "s3cret", "--once"});
  INFO(run.out << run.err);
  REQUIRE(run.status == 0);
  auto summary = run.Json();
  CHECK(summary["ok"] == true);
  CHECK(summary["delivered"] == 4);
  CHECK(summary["position"] == 4);
  CHECK(receiver.AcceptedPositions() == Range(1, 4));
  for (const auto& request : receiver.requests()) {
    auto body = nlohmann::json::parse(request.body);
    CHECK(body["event_id"] == request.event_id);
    CHECK(std::to_string(body["position"].get<uint64_t>()) == request.position);
    CHECK(body["type"] == "DepartmentDefined");
    CHECK(request.signature ==
          "sha256=" + sinks::SignatureHex("s3cret", request.body));
  }
}

TEST_CASE("deliver --once resumes after its checkpoint in a later run") {
  ToolRunner tool;
  HttpReceiver receiver;
  Append(tool, "acme", 2);
  std::vector<std::string> args = {"deliver",   "--subscription", "crm",
                                   "--webhook", receiver.url(),   "--once"};
  REQUIRE(tool.Run(args).status == 0);
  Append(tool, "acme", 3);
  ToolRun second = tool.Run(args);
  REQUIRE(second.status == 0);
  CHECK(second.Json()["delivered"] == 3);
  CHECK(receiver.AcceptedPositions() == Range(1, 5));
  ToolRun idle = tool.Run(args);
  CHECK(idle.Json()["delivered"] == 0);
}

TEST_CASE(
    "deliver retries a receiver that fails and then delivers everything in "
    "order") {
  ToolRunner tool;
  HttpReceiver receiver;
  Append(tool, "acme", 3);
  receiver.FailNext(3, 503);
  ToolRun run = tool.Run({"deliver", "--subscription", "crm", "--webhook",
                          receiver.url(), "--once"});
  REQUIRE(run.status == 0);
  CHECK(run.Json()["failures"] == 3);
  CHECK(receiver.requests().size() == 6);
  CHECK(receiver.AcceptedPositions() == Range(1, 3));
}

TEST_CASE(
    "deliver --once exits 1 when the receiver keeps failing and keeps the "
    "checkpoint") {
  ToolRunner tool;
  HttpReceiver receiver;
  Append(tool, "acme", 3);
  receiver.FailAlways(true, 500);
  std::vector<std::string> args = {
      "deliver", "--subscription", "crm", "--webhook", receiver.url(),
      "--once",  "--max-attempts", "3"};
  ToolRun failed = tool.Run(args);
  INFO(failed.out << failed.err);
  REQUIRE(failed.status == 1);
  auto summary = failed.Json();
  CHECK(summary["ok"] == false);
  CHECK(summary["error"]["code"] == "delivery_failed");
  CHECK(summary["position"] == 0);
  CHECK(receiver.requests().size() == 3);

  receiver.FailAlways(false);
  REQUIRE(tool.Run(args).status == 0);
  CHECK(receiver.AcceptedPositions() == Range(1, 3));
}

TEST_CASE(
    "deliver to a receiver that refuses connections exits 1 under --once") {
  ToolRunner tool;
  Append(tool, "acme", 1);
  ToolRun run =
      tool.Run({"deliver", "--subscription", "crm", "--webhook",
                "http://127.0.0.1:" + std::to_string(FreePort()) + "/hook",
                "--once", "--max-attempts", "2"});
  CHECK(run.status == 1);
  CHECK(run.Json()["error"]["code"] == "delivery_failed");
}

TEST_CASE("deliver --account posts only that account's events") {
  ToolRunner tool;
  HttpReceiver receiver;
  Append(tool, "acme", 2);
  Append(tool, "beta", 2);
  Append(tool, "acme", 1);
  ToolRun run = tool.Run({"deliver", "--subscription", "beta-crm", "--account",
                          "beta", "--webhook", receiver.url(), "--once"});
  REQUIRE(run.status == 0);
  CHECK(receiver.AcceptedPositions() == std::vector<uint64_t>{3, 4});
  CHECK(run.Json()["position"] == 5);
}

TEST_CASE(
    "deliver ends on SIGTERM with exit 0, its summary and its checkpoint "
    "saved") {
  ToolRunner tool;
  HttpReceiver receiver;
  Append(tool, "acme", 3);
  auto deliverer = StartTool(
      tool, {"deliver", "--subscription", "crm", "--webhook", receiver.url()});
  auto deadline = Clock::now() + std::chrono::seconds(30);
  while (receiver.AcceptedPositions().size() < 3 && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  REQUIRE(receiver.AcceptedPositions() == Range(1, 3));
  deliverer->Kill(SIGTERM);
  ProcessResult result = deliverer->Communicate();
  INFO(result.out);
  CHECK(result.exit_code == 0);
  CHECK(result.signal == 0);
  auto summary = nlohmann::json::parse(result.out);
  CHECK(summary["ok"] == true);
  CHECK(summary["delivered"] == 3);
  CHECK(summary["position"] == 3);
  // The checkpoint holds: a later run has nothing to send.
  ToolRun again = tool.Run({"deliver", "--subscription", "crm", "--webhook",
                            receiver.url(), "--once"});
  REQUIRE(again.status == 0);
  CHECK(again.Json()["delivered"] == 0);
  CHECK(receiver.AcceptedPositions() == Range(1, 3));
}

TEST_CASE("a deliverer killed mid-way skips nothing when started again") {
  ToolRunner tool;
  HttpReceiver receiver;
  Append(tool, "acme", 40);
  receiver.SetDelay(10);
  auto deliverer = StartTool(
      tool, {"deliver", "--subscription", "crm", "--webhook", receiver.url()});
  auto deadline = Clock::now() + std::chrono::seconds(10);
  while (receiver.AcceptedPositions().size() < 15 && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  deliverer->Kill(SIGKILL);
  CHECK(deliverer->Communicate().signal == SIGKILL);
  size_t before_restart = receiver.AcceptedPositions().size();
  REQUIRE(before_restart >= 15);
  REQUIRE(before_restart < 40);

  receiver.SetDelay(0);
  ToolRun rest = tool.Run({"deliver", "--subscription", "crm", "--webhook",
                           receiver.url(), "--once"});
  REQUIRE(rest.status == 0);
  std::vector<uint64_t> accepted = receiver.AcceptedPositions();
  std::set<uint64_t> distinct(accepted.begin(), accepted.end());
  CHECK(distinct.size() == 40);  // nothing skipped
  CHECK(*distinct.rbegin() == 40);
  // Each run delivered in log order; the second started at or before where
  // the first stopped (repeats allowed).
  for (size_t i = 1; i < accepted.size(); ++i) {
    if (i == before_restart) {
      CHECK(accepted[i] <= accepted[i - 1] + 1);
    } else {
      CHECK(accepted[i] == accepted[i - 1] + 1);
    }
  }
}

// ---- deliver to NATS JetStream ----------------------------------------------

uint64_t StreamMessages(const std::string& url, const std::string& stream,
                        std::vector<std::string>* subjects = nullptr) {
  natsConnection* nc = nullptr;
  REQUIRE(natsConnection_ConnectTo(&nc, url.c_str()) == NATS_OK);
  jsCtx* js = nullptr;
  REQUIRE(natsConnection_JetStream(&js, nc, nullptr) == NATS_OK);
  jsStreamInfo* info = nullptr;
  REQUIRE(js_GetStreamInfo(&info, js, stream.c_str(), nullptr, nullptr) ==
          NATS_OK);
  uint64_t count = info->State.Msgs;
  for (uint64_t seq = 1; subjects != nullptr && seq <= info->State.LastSeq;
       ++seq) {
    natsMsg* msg = nullptr;
    REQUIRE(js_GetMsg(&msg, js, stream.c_str(), seq, nullptr, nullptr) ==
            NATS_OK);
    subjects->push_back(natsMsg_GetSubject(msg));
    natsMsg_Destroy(msg);
  }
  jsStreamInfo_Destroy(info);
  jsCtx_Destroy(js);
  natsConnection_Destroy(nc);
  return count;
}

TEST_CASE(
    "deliver publishes to JetStream by account and type, and a replay is "
    "stored once") {
  ToolRunner tool;
  NatsServer nats;
  Append(tool, "acme", 2);
  Append(tool, "beta", 1);
  std::vector<std::string> args = {"deliver",  "--subscription", "bus",
                                   "--nats",   nats.url(),       "--subject",
                                   "helpdesk", "--once"};
  ToolRun run = tool.Run(args);
  INFO(run.out << run.err);
  REQUIRE(run.status == 0);
  CHECK(run.Json()["delivered"] == 3);
  std::vector<std::string> subjects;
  CHECK(StreamMessages(nats.url(), "TICKETLOG_helpdesk", &subjects) == 3);
  CHECK(subjects ==
        std::vector<std::string>{"helpdesk.acme.DepartmentDefined",
                                 "helpdesk.acme.DepartmentDefined",
                                 "helpdesk.beta.DepartmentDefined"});

  // A lost checkpoint replays everything: JetStream drops the repeats.
  std::filesystem::remove(tool.db() + "/subscriptions/bus");
  ToolRun replay = tool.Run(args);
  REQUIRE(replay.status == 0);
  CHECK(replay.Json()["delivered"] == 3);
  CHECK(StreamMessages(nats.url(), "TICKETLOG_helpdesk") == 3);
}

TEST_CASE(
    "deliver to a stopped nats-server exits 1 under --once, and catches up "
    "once it is back") {
  ToolRunner tool;
  Append(tool, "acme", 2);
  int port = FreePort();
  std::vector<std::string> args = {"deliver",
                                   "--subscription",
                                   "bus",
                                   "--nats",
                                   "nats://127.0.0.1:" + std::to_string(port),
                                   "--subject",
                                   "helpdesk",
                                   "--once",
                                   "--max-attempts",
                                   "2"};
  ToolRun down = tool.Run(args);
  CHECK(down.status == 1);
  NatsServer nats;
  args[4] = nats.url();
  ToolRun up = tool.Run(args);
  INFO(up.out << up.err);
  REQUIRE(up.status == 0);
  CHECK(StreamMessages(nats.url(), "TICKETLOG_helpdesk") == 2);
}

}  // namespace
}  // namespace ticketlog::testing
