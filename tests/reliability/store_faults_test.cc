// Faults of the store, through the tool in child processes: rebuilds
// interrupted every way we can (SIGKILL at many moments, too few file
// handles, a full disk), readers beside many short-lived writers, a full
// disk under `apply`, and a write-ahead log damaged in the middle.
#include <sys/mount.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "reliability/subprocess.h"
#include "support/temp_dir.h"

namespace ticketlog::testing {
namespace {

std::string Department() {
  return R"({"op":"define_department","account":"acme","department":"d1","name":"D1"})"
         "\n";
}

std::string OpenLine(int i, size_t message_bytes = 20) {
  nlohmann::json line = {{"op", "open_ticket"},
                         {"account", "acme"},
                         {"subject", "s" + std::to_string(i)},
                         {"department", "d1"},
                         {"customer", {{"id", "c" + std::to_string(i % 7)}}},
                         {"message", std::string(message_bytes, 'm')},
                         {"command_id", "cmd-" + std::to_string(i)}};
  return line.dump() + "\n";
}

std::vector<nlohmann::json> JsonLines(const std::string& text) {
  std::vector<nlohmann::json> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) lines.push_back(nlohmann::json::parse(line));
  }
  return lines;
}

uint64_t Tickets(const std::string& db) {
  ProcessResult stats = RunTicketlog(db, {"stats", "--account", "acme"});
  INFO(stats.out << stats.err);
  REQUIRE(stats.exit_code == 0);
  return nlohmann::json::parse(stats.out)["tickets"].get<uint64_t>();
}

// The store answers as the log says: every view matches a rebuild, and the
// next ticket gets the next protocol number.
void CheckAnswersRight(const std::string& db, uint64_t tickets) {
  CHECK(Tickets(db) == tickets);
  ProcessResult verify = RunTicketlog(db, {"verify"});
  INFO(verify.out.substr(0, 500) << verify.err);
  CHECK(verify.exit_code == 0);
}

// `bash -c 'ulimit ...; exec ticketlog --db DB ARGS'`.
ProcessResult RunLimited(const std::string& limit, const std::string& db,
                         const std::vector<std::string>& args) {
  std::string command =
      limit + "; exec '" TICKETLOG_TOOL_PATH "' --db '" + db + "'";
  for (const std::string& arg : args) command += " '" + arg + "'";
  SpawnOptions options;
  options.argv = {"/bin/bash", "-c", command};
  return RunProcess(std::move(options));
}

bool IsOneErrorLine(const std::string& err) {
  return err.rfind("ticketlog: ", 0) == 0 && err.find('\n') == err.size() - 1;
}

// Builds a store of `count` tickets through one apply.
void Fill(const std::string& db, int count, size_t message_bytes = 20) {
  std::string input = Department();
  for (int i = 0; i < count; ++i) input += OpenLine(i, message_bytes);
  ProcessResult applied = RunTicketlog(db, {"apply", "-"}, input);
  REQUIRE(applied.exit_code == 0);
}

}  // namespace

TEST_CASE(
    "a rebuild killed at any moment leaves the old views answering and "
    "numbers going on",
    "[reliability][rebuild]") {
  TempDir dir;
  const std::string db = dir.Sub("db");
  Fill(db, 3000);
  uint64_t tickets = 3000;
  // How long an undisturbed rebuild takes sets the moments to kill it at.
  auto start = std::chrono::steady_clock::now();
  REQUIRE(RunTicketlog(db, {"rebuild"}).exit_code == 0);
  auto full = std::chrono::steady_clock::now() - start;
  for (int step = 0; step <= 12; ++step) {
    auto delay = full * step / 10;
    INFO("killed after " << std::chrono::duration<double>(delay).count()
                         << " s of a "
                         << std::chrono::duration<double>(full).count()
                         << " s rebuild");
    {
      SpawnOptions options;
      options.argv = {TICKETLOG_TOOL_PATH, "--db", db, "rebuild"};
      Child rebuild(options);
      std::this_thread::sleep_for(delay);
      ::kill(rebuild.pid(), SIGKILL);
    }
    CHECK(Tickets(db) == tickets);
    ProcessResult next =
        RunTicketlog(db, {"apply", "-"}, OpenLine(100000 + step));
    REQUIRE(next.exit_code == 0);
    CHECK(JsonLines(next.out).at(0)["number"] == tickets + 1);
    ++tickets;
  }
  CheckAnswersRight(db, tickets);
}

TEST_CASE(
    "a rebuild with too few file handles fails cleanly and the old "
    "views keep answering",
    "[reliability][rebuild]") {
  TempDir dir;
  const std::string db = dir.Sub("db");
  Fill(db, 500);
  bool refused = false;
  for (int handles : {12, 16, 20, 24, 32}) {
    INFO("ulimit -n " << handles);
    ProcessResult rebuild =
        RunLimited("ulimit -n " + std::to_string(handles), db, {"rebuild"});
    INFO(rebuild.out << rebuild.err);
    CHECK(rebuild.signal == 0);
    CHECK((rebuild.exit_code == 0 || rebuild.exit_code == 2));
    if (rebuild.exit_code == 2) {
      refused = true;
      CHECK(IsOneErrorLine(rebuild.err));
    }
    CheckAnswersRight(db, 500);
  }
  CHECK(refused);  // the smallest limits cannot be enough
}

TEST_CASE("readers beside many short-lived writers never see a torn log",
          "[reliability][readers]") {
  TempDir dir;
  const std::string db = dir.Sub("db");
  REQUIRE(RunTicketlog(db, {"apply", "-"}, Department()).exit_code == 0);
  constexpr int kWriters = 60;
  std::thread writers([&] {
    for (int i = 0; i < kWriters; ++i) {
      // Large messages make the writers flush now and then, which is what
      // tore a read-only open's view.
      RunTicketlog(db, {"apply", "-"}, OpenLine(i, 20000));
    }
  });
  int reads = 0;
  for (; reads < 200; ++reads) {
    ProcessResult dump = RunTicketlog(db, {"dump"});
    INFO(dump.err);
    REQUIRE(dump.exit_code == 0);
    std::vector<nlohmann::json> events = JsonLines(dump.out);
    for (size_t i = 0; i < events.size(); ++i) {
      REQUIRE(events[i]["position"] == i + 1);
    }
    ProcessResult verify = RunTicketlog(db, {"verify"});
    INFO(verify.out.substr(0, 500) << verify.err);
    REQUIRE(verify.exit_code == 0);
    if (events.size() == kWriters + 1) break;
  }
  writers.join();
  CHECK(reads > 0);
  CheckAnswersRight(db, kWriters);
}

TEST_CASE(
    "damage in the middle of the write-ahead log refuses to open, and "
    "repair keeps the intact log and hands back the rest",
    "[reliability][wal]") {
  TempDir dir;
  const std::string db = dir.Sub("db");
  constexpr int kCommands = 40;
  {
    // A writer killed after its acknowledgements leaves them in the WAL
    // only (a clean exit would flush them into table files).
    SpawnOptions options;
    options.argv = {TICKETLOG_TOOL_PATH, "--db", db, "apply", "-"};
    options.pipe_stdin = true;
    Child writer(options);
    std::string input = Department();
    for (int i = 0; i < kCommands; ++i) input += OpenLine(i, 500);
    REQUIRE(writer.Write(input));
    std::string line;
    for (int i = 0; i <= kCommands; ++i) REQUIRE(writer.ReadLine(line, 30000));
    ::kill(writer.pid(), SIGKILL);
  }
  std::filesystem::path wal;
  for (const auto& entry : std::filesystem::directory_iterator(db)) {
    if (entry.path().extension() == ".log" &&
        (wal.empty() || entry.file_size() > std::filesystem::file_size(wal))) {
      wal = entry.path();
    }
  }
  REQUIRE(!wal.empty());
  {
    std::fstream file(wal, std::ios::in | std::ios::out | std::ios::binary);
    auto size = std::filesystem::file_size(wal);
    REQUIRE(size > 10000);
    file.seekg(size / 2);
    char byte = 0;
    file.read(&byte, 1);
    byte ^= 0x5a;
    file.seekp(size / 2);
    file.write(&byte, 1);
  }
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{
           {"head"}, {"dump"}, {"verify"}, {"apply", "-"}}) {
    INFO(args[0]);
    ProcessResult refused = RunTicketlog(db, args, Department());
    CHECK(refused.exit_code == 2);
    CHECK(refused.err.find("corruption") != std::string::npos);
    CHECK(refused.err.find(wal.filename().string()) != std::string::npos);
  }
  // The host kept the head it was last told: repair reports what is lost.
  ProcessResult repair = RunTicketlog(
      db, {"repair", "--expect",
           std::to_string(kCommands + 1) + ":" + std::string(64, '0')});
  INFO(repair.out << repair.err);
  REQUIRE(repair.exit_code == 1);
  nlohmann::json report = nlohmann::json::parse(repair.out);
  uint64_t kept = report["position"];
  CHECK(kept < kCommands + 1);
  CHECK(report["lost_positions"] ==
        nlohmann::json::array({kept + 1, kCommands + 1}));
  uint64_t dropped = report["events_dropped"];
  if (dropped > 0) {
    // The records after the damage that still read intact are handed back.
    std::ifstream lost(report["lost_file"].get<std::string>());
    std::stringstream text;
    text << lost.rdbuf();
    std::vector<nlohmann::json> events = JsonLines(text.str());
    CHECK(events.size() == dropped);
    CHECK(events.back()["position"] == kCommands + 1);
  }
  CheckAnswersRight(db, kept - 1);
  ProcessResult head = RunTicketlog(db, {"head"});
  CHECK(nlohmann::json::parse(head.out)["position"] == kept);
  // The store takes commands again; numbers go on from what was kept.
  ProcessResult next = RunTicketlog(db, {"apply", "-"}, OpenLine(999));
  REQUIRE(next.exit_code == 0);
  CHECK(JsonLines(next.out).at(0)["position"] == kept + 1);
}

TEST_CASE(
    "a full disk is a clean I/O error, loses nothing acknowledged, and "
    "the store works again once space is freed",
    "[reliability][diskfull]") {
  if (geteuid() != 0) {
    WARN("skipped: mounting a small tmpfs needs root");
    return;
  }
  TempDir dir;
  const std::string mount_point = dir.Sub("full");
  std::filesystem::create_directories(mount_point);
  if (::mount("tmpfs", mount_point.c_str(), "tmpfs", 0, "size=4m") != 0) {
    WARN("skipped: cannot mount a tmpfs here: " << std::strerror(errno));
    return;
  }
  struct Unmount {
    std::string path;
    ~Unmount() { ::umount2(path.c_str(), MNT_DETACH); }
  } unmount{mount_point};
  const std::string db = mount_point + "/db";

  std::string input = Department();
  for (int i = 0; i < 400; ++i) input += OpenLine(i, 60000);
  ProcessResult applied = RunTicketlog(db, {"apply", "-"}, input);
  INFO(applied.err);
  CHECK(applied.signal == 0);
  REQUIRE(applied.exit_code == 2);
  CHECK(IsOneErrorLine(applied.err));
  CHECK(applied.err.find("io_error") != std::string::npos);
  uint64_t acknowledged = 0;
  for (const auto& line : JsonLines(applied.out)) {
    if (line["ok"] == true) acknowledged = line["position"];
  }
  REQUIRE(acknowledged > 1);

  // Queries and rebuild on the full disk: clean errors or right answers.
  ProcessResult head = RunTicketlog(db, {"head"});
  CHECK(head.signal == 0);
  ProcessResult rebuild = RunTicketlog(db, {"rebuild"});
  CHECK(rebuild.signal == 0);
  CHECK((rebuild.exit_code == 0 || rebuild.exit_code == 2));

  // Space freed: everything acknowledged is there and the store goes on.
  REQUIRE(::mount("tmpfs", mount_point.c_str(), "tmpfs", MS_REMOUNT,
                  "size=64m") == 0);
  head = RunTicketlog(db, {"head"});
  INFO(head.err);
  REQUIRE(head.exit_code == 0);
  CHECK(nlohmann::json::parse(head.out)["position"].get<uint64_t>() >=
        acknowledged);
  ProcessResult next = RunTicketlog(db, {"apply", "-"}, OpenLine(5000));
  INFO(next.err);
  CHECK(next.exit_code == 0);
  ProcessResult verify = RunTicketlog(db, {"verify"});
  INFO(verify.out.substr(0, 500) << verify.err);
  CHECK(verify.exit_code == 0);
}

}  // namespace ticketlog::testing
