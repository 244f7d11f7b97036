// An engine on a temporary directory with a small directory of departments,
// operators and statuses, and shorthands for commands.
#ifndef TICKETLOG_TESTS_SUPPORT_ENGINE_FIXTURE_H_
#define TICKETLOG_TESTS_SUPPORT_ENGINE_FIXTURE_H_

#include <catch2/catch.hpp>
#include <memory>
#include <string>

#include "support/temp_dir.h"
#include "ticketlog/ticketlog.h"

namespace ticketlog::testing {

// 2024-01-01T00:00:00Z; tests give every command an explicit time after it.
inline constexpr TimeUs kT0 = 1704067200LL * 1000000;
inline constexpr TimeUs kMinute = 60LL * 1000000;

class EngineFixture {
 public:
  explicit EngineFixture(bool sync = false) {
    options_.path = dir_.Sub("db");
    options_.sync = sync;
    Reopen();
  }

  Engine& engine() { return *engine_; }
  const Options& options() const { return options_; }
  void Close() { engine_.reset(); }
  void Reopen() {
    engine_.reset();
    auto opened = Engine::Open(options_);
    REQUIRE(opened.ok());
    engine_ = std::move(*opened);
  }

  StatusOr<CommandResult> Run(const std::string& account, CommandBody body,
                              TimeUs at, std::string command_id = "",
                              std::optional<uint64_t> expected = std::nullopt) {
    Command command;
    command.account = account;
    command.body = std::move(body);
    command.at_us = at;
    command.command_id = std::move(command_id);
    command.expected_version = expected;
    return engine_->Execute(command);
  }

  // Runs a command that must succeed.
  CommandResult Must(const std::string& account, CommandBody body, TimeUs at) {
    auto result = Run(account, std::move(body), at);
    INFO(result.status().ToString());
    REQUIRE(result.ok());
    return *result;
  }

  // Departments "support" and "billing", operators "ana" (support) and
  // "bruno" (billing), custom status "waiting_vendor".
  void DefineDirectory(const std::string& account, TimeUs at = kT0) {
    Must(account, DefineDepartment{"support", "Support"}, at);
    Must(account, DefineDepartment{"billing", "Billing"}, at);
    Must(account, RegisterOperator{"ana", "Ana", {"support"}}, at);
    Must(account, RegisterOperator{"bruno", "Bruno", {"billing"}}, at);
    Must(account, DefineStatus{"waiting_vendor", "Waiting for vendor"}, at);
  }

  // Opens a ticket in "support" for customer `customer_id` and returns it.
  CommandResult Open(const std::string& account, TimeUs at,
                     const std::string& customer_id = "c-1",
                     Channel channel = Channel::kApi,
                     std::string operator_id = "") {
    OpenTicket open;
    open.subject = "Printer on fire";
    open.department = "support";
    open.operator_id = std::move(operator_id);
    open.customer.id = customer_id;
    open.channel = channel;
    open.message = OpeningMessage{"It is on fire.", MessageKind::kIncoming};
    return Must(account, open, at);
  }

  uint64_t HeadPosition() { return engine_->Head()->position; }

 private:
  TempDir dir_;
  Options options_;
  std::unique_ptr<Engine> engine_;
};

}  // namespace ticketlog::testing

#endif  // TICKETLOG_TESTS_SUPPORT_ENGINE_FIXTURE_H_
