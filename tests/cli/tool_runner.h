// Runs the built `ticketlog` binary (TICKETLOG_TOOL_PATH) as a child process
// with a given standard input, and collects its exit status, standard output
// and standard error. Input and outputs go through files, so that a child
// that writes a lot before reading cannot deadlock the test.
#ifndef TICKETLOG_TESTS_CLI_TOOL_RUNNER_H_
#define TICKETLOG_TESTS_CLI_TOOL_RUNNER_H_

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "support/temp_dir.h"

extern char** environ;

namespace ticketlog::testing {

struct ToolRun {
  int status = -1;  // exit status, or -1 when the tool did not exit normally
  std::string out;
  std::string err;

  // stdout as one JSON value.
  nlohmann::json Json() const {
    auto value = nlohmann::json::parse(out, nullptr, false);
    INFO(out);
    REQUIRE_FALSE(value.is_discarded());
    return value;
  }
  // stdout as JSON Lines.
  std::vector<nlohmann::json> Lines() const {
    std::vector<nlohmann::json> lines;
    std::istringstream in(out);
    std::string line;
    while (std::getline(in, line)) {
      auto value = nlohmann::json::parse(line, nullptr, false);
      INFO(line);
      REQUIRE_FALSE(value.is_discarded());
      lines.push_back(std::move(value));
    }
    return lines;
  }
};

class ToolRunner {
 public:
  // A runner whose database is a fresh directory.
  ToolRunner() : db_(dir_.Sub("db")) {}

  const std::string& db() const { return db_; }
  std::string Sub(const std::string& name) const { return dir_.Sub(name); }

  // Runs `ticketlog --db <db> args...` with `input` on stdin.
  ToolRun Run(const std::vector<std::string>& args,
              const std::string& input = "") const {
    std::vector<std::string> full = {"--db", db_};
    full.insert(full.end(), args.begin(), args.end());
    return RunRaw(full, input);
  }

  // Runs `ticketlog args...` exactly as given.
  ToolRun RunRaw(const std::vector<std::string>& args,
                 const std::string& input = "") const {
    std::string in_path = dir_.Sub("stdin"), out_path = dir_.Sub("stdout"),
                err_path = dir_.Sub("stderr");
    std::ofstream(in_path, std::ios::binary) << input;

    std::vector<std::string> argv_storage = {TICKETLOG_TOOL_PATH};
    argv_storage.insert(argv_storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& arg : argv_storage) argv.push_back(arg.data());
    argv.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, in_path.c_str(), O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
    pid_t pid = 0;
    int spawned = posix_spawn(&pid, TICKETLOG_TOOL_PATH, &actions, nullptr,
                              argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    REQUIRE(spawned == 0);
    int wait_status = 0;
    REQUIRE(waitpid(pid, &wait_status, 0) == pid);

    ToolRun run;
    run.status = WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : -1;
    run.out = ReadFile(out_path);
    run.err = ReadFile(err_path);
    return run;
  }

 private:
  static std::string ReadFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }

  TempDir dir_;
  std::string db_;
};

}  // namespace ticketlog::testing

#endif  // TICKETLOG_TESTS_CLI_TOOL_RUNNER_H_
