#include "ticketlog/status.h"

#include <array>

namespace ticketlog {
namespace {

struct CodeEntry {
  Code code;
  std::string_view name;
};

// The wire names are part of the public contract; never change one.
constexpr std::array<CodeEntry, 19> kCodes = {{
    {Code::kOk, "ok"},
    {Code::kInvalidArgument, "invalid_argument"},
    {Code::kNotFound, "not_found"},
    {Code::kAlreadyExists, "already_exists"},
    {Code::kConflict, "conflict"},
    {Code::kUnknownDepartment, "unknown_department"},
    {Code::kUnknownOperator, "unknown_operator"},
    {Code::kUnknownStatus, "unknown_status"},
    {Code::kOperatorHasTickets, "operator_has_tickets"},
    {Code::kStatusAlreadyRunning, "status_already_running"},
    {Code::kNoStatusRunning, "no_status_running"},
    {Code::kNoOperatorLinked, "no_operator_linked"},
    {Code::kTicketFinished, "ticket_finished"},
    {Code::kTicketClosed, "ticket_closed"},
    {Code::kTicketNotFinished, "ticket_not_finished"},
    {Code::kTooLarge, "too_large"},
    {Code::kCorruption, "corruption"},
    {Code::kIoError, "io_error"},
    {Code::kBusy, "busy"},
}};

}  // namespace

std::string_view CodeName(Code code) {
  for (const auto& entry : kCodes) {
    if (entry.code == code) return entry.name;
  }
  return "unknown";
}

std::optional<Code> CodeFromName(std::string_view name) {
  for (const auto& entry : kCodes) {
    if (entry.name == name) return entry.code;
  }
  return std::nullopt;
}

Status Status::InvalidArgument(std::string_view field, std::string_view why) {
  std::string message(field);
  message += ": ";
  message += why;
  return Status(Code::kInvalidArgument, std::move(message));
}

Status Status::Conflict(uint64_t expected, uint64_t current) {
  Status status(Code::kConflict,
                "expected version " + std::to_string(expected) +
                    ", current version " + std::to_string(current));
  status.current_version_ = current;
  return status;
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  std::string out(CodeName(code_));
  out += ": ";
  out += message_;
  return out;
}

}  // namespace ticketlog
