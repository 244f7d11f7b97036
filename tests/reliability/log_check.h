// The invariants the crash and concurrency tests check on a database, given
// what the test knows about the commands it sent:
//  - the hash chain verifies, the views equal a rebuild, and an earlier head
//    (when given) is still in the log with the same hash;
//  - positions are dense from 1, every stream's versions are dense from 1,
//    and Head() is the last event;
//  - every accepted command's events are in the log exactly once, contiguous,
//    in its stream, ending at the position and version it was acknowledged
//    with; a refused command has no events; a command whose outcome is
//    unknown (in flight when its writer was killed) is either whole or
//    absent; no event belongs to a command nobody sent;
//  - each ticket's view is at its stream's last version;
//  - re-sending an accepted command id returns the acknowledged result and
//    appends nothing.
// Problems are returned as text so that a failing test says what differs.
#ifndef TICKETLOG_TESTS_RELIABILITY_LOG_CHECK_H_
#define TICKETLOG_TESTS_RELIABILITY_LOG_CHECK_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "ticketlog/ticketlog.h"

namespace ticketlog::testing {

// A ticket that never exists: re-sent command ids name it so that a command
// id the engine did not record is refused with not_found instead of writing.
inline constexpr const char* kNoSuchTicket =
    "00000000-0000-4000-8000-000000000000";

struct SentCommand {
  enum class Outcome { kAccepted, kRefused, kUnknown };
  std::string account;
  std::string command_id;  // unique per account, never empty
  Outcome outcome = Outcome::kUnknown;
  CommandResult result;   // kAccepted
  Code code = Code::kOk;  // kRefused
};

struct LoggedEvent {
  uint64_t position = 0;
  uint64_t version = 0;
  std::string stream;  // account + "/" + stream name
};

inline std::string StreamOf(const std::string& account,
                            const std::string& name) {
  return account + "/" + name;
}

inline std::string JoinLines(const std::vector<std::string>& lines,
                             size_t max_lines = 40) {
  std::string out;
  for (size_t i = 0; i < lines.size() && i < max_lines; ++i) {
    out += lines[i] + "\n";
  }
  if (lines.size() > max_lines) {
    out += "... and " + std::to_string(lines.size() - max_lines) + " more\n";
  }
  return out;
}

// Checks every invariant above; returns the problems found (none: empty).
inline std::vector<std::string> CheckLog(
    Engine& engine, const std::vector<SentCommand>& sent,
    const std::optional<LogHead>& earlier_head = std::nullopt) {
  std::vector<std::string> problems;
  auto problem = [&](std::string text) { problems.push_back(std::move(text)); };

  auto report = engine.Verify(earlier_head);
  if (!report.ok()) {
    problem("Verify failed to run: " + report.status().ToString());
  } else {
    for (const std::string& p : report->problems) problem("Verify: " + p);
  }

  // The whole log, grouped by command.
  std::map<std::string, std::vector<LoggedEvent>> by_command;  // account/id
  std::map<std::string, uint64_t> stream_versions;
  std::map<std::string, std::set<std::string>> tickets;  // account -> ids
  uint64_t expected_position = 1;
  Status read = engine.ReadLog(1, [&](const Event& event) {
    if (event.position != expected_position) {
      problem("position " + std::to_string(event.position) + " where " +
              std::to_string(expected_position) + " was expected");
    }
    expected_position = event.position + 1;
    std::string stream = StreamOf(event.account, event.stream);
    uint64_t& version = stream_versions[stream];
    if (event.version != version + 1) {
      problem("stream " + stream + " has version " +
              std::to_string(event.version) + " after " +
              std::to_string(version));
    }
    version = event.version;
    if (event.stream != kDirectoryStream) {
      tickets[event.account].insert(event.stream);
    }
    if (event.command_id.empty()) {
      problem("event at position " + std::to_string(event.position) +
              " has no command id");
    }
    by_command[StreamOf(event.account, event.command_id)].push_back(
        {event.position, event.version, stream});
    return true;
  });
  if (!read.ok()) problem("ReadLog: " + read.ToString());
  auto head = engine.Head();
  if (!head.ok() || head->position != expected_position - 1) {
    problem("Head() is " +
            (head.ok() ? std::to_string(head->position)
                       : head.status().ToString()) +
            " but the log ends at " + std::to_string(expected_position - 1));
  }

  // Each sent command against the log.
  std::map<std::string, std::vector<const SentCommand*>> sends;
  for (const SentCommand& s : sent) {
    sends[StreamOf(s.account, s.command_id)].push_back(&s);
  }
  for (const auto& [key, list] : sends) {
    const std::vector<LoggedEvent>& events = by_command[key];
    bool unknown = false;
    uint64_t appended = 0;
    const SentCommand* first = nullptr;  // the send that appended
    for (const SentCommand* s : list) {
      if (s->outcome == SentCommand::Outcome::kUnknown) unknown = true;
      if (s->outcome == SentCommand::Outcome::kAccepted &&
          s->result.events_appended > 0) {
        appended += s->result.events_appended;
        if (first == nullptr) first = s;
      }
    }
    // Whatever happened, one command's events are contiguous in one stream.
    for (size_t i = 1; i < events.size(); ++i) {
      if (events[i].position != events[i - 1].position + 1 ||
          events[i].version != events[i - 1].version + 1 ||
          events[i].stream != events[0].stream) {
        problem("command " + key + " has events that are not contiguous");
        break;
      }
    }
    if (unknown && appended == 0) continue;  // whole (above) or absent
    if (events.size() != appended) {
      problem("command " + key + " was acknowledged with " +
              std::to_string(appended) + " event(s) but the log has " +
              std::to_string(events.size()));
      continue;
    }
    if (first != nullptr && !events.empty()) {
      const CommandResult& r = first->result;
      std::string stream =
          StreamOf(first->account,
                   r.ticket.empty() ? std::string(kDirectoryStream) : r.ticket);
      if (events.back().position != r.position ||
          events.back().version != r.version || events[0].stream != stream) {
        problem("command " + key + " was acknowledged at position " +
                std::to_string(r.position) + " version " +
                std::to_string(r.version) + " of " + stream +
                " but its last event is at position " +
                std::to_string(events.back().position) + " version " +
                std::to_string(events.back().version) + " of " +
                events[0].stream);
      }
    }
  }
  for (const auto& [key, events] : by_command) {
    if (!events.empty() && sends.count(key) == 0) {
      problem("the log has " + std::to_string(events.size()) +
              " event(s) of command " + key + ", which nobody sent");
    }
  }

  // Views are at their stream's last version.
  for (const auto& [account, ids] : tickets) {
    for (const std::string& ticket : ids) {
      auto view = engine.GetTicket(account, ticket);
      uint64_t version = stream_versions[StreamOf(account, ticket)];
      if (!view.ok()) {
        problem("GetTicket " + account + "/" + ticket + ": " +
                view.status().ToString());
      } else if (view->version != version) {
        problem("ticket " + account + "/" + ticket + " view is at version " +
                std::to_string(view->version) + ", its stream at " +
                std::to_string(version));
      }
    }
    ListQuery all;
    all.account = account;
    auto page = engine.List(all);
    if (!page.ok() || page->total != ids.size()) {
      problem(
          "List(" + account + ").total is " +
          (page.ok() ? std::to_string(page->total) : page.status().ToString()) +
          ", the log has " + std::to_string(ids.size()) + " ticket(s)");
    }
  }

  // Re-sending an accepted command id returns its result, appending nothing.
  uint64_t head_before = head.ok() ? head->position : 0;
  for (const auto& [key, list] : sends) {
    const SentCommand* accepted = nullptr;
    for (const SentCommand* s : list) {
      if (s->outcome == SentCommand::Outcome::kAccepted &&
          (accepted == nullptr || s->result.events_appended > 0)) {
        accepted = s;
      }
    }
    if (accepted == nullptr) continue;
    Command again;
    again.account = accepted->account;
    again.command_id = accepted->command_id;
    again.body = StopStatus{kNoSuchTicket};
    auto repeat = engine.Execute(again);
    CommandResult want = accepted->result;
    want.events_appended = 0;
    if (!repeat.ok() || !(*repeat == want)) {
      problem("re-sending command " + key + " returned " +
              (repeat.ok() ? "ticket " + repeat->ticket + " version " +
                                 std::to_string(repeat->version) +
                                 " position " + std::to_string(repeat->position)
                           : repeat.status().ToString()) +
              " instead of the acknowledged version " +
              std::to_string(want.version) + " position " +
              std::to_string(want.position));
    }
  }
  auto head_after = engine.Head();
  if (!head_after.ok() || head_after->position != head_before) {
    problem("re-sending acknowledged command ids moved the log head");
  }
  return problems;
}

}  // namespace ticketlog::testing

#endif  // TICKETLOG_TESTS_RELIABILITY_LOG_CHECK_H_
