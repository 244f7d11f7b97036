// Status and StatusOr<T>: how every ticketlog call reports success or an
// expected failure. Expected failures never throw.
//
// A Status is a stable error code plus a human-readable message that names
// the field or state at fault. Codes are part of the public contract (they
// appear in the `ticketlog` tool's JSON output); their names never change.
//
// Thread-safety: Status and StatusOr are values; distinct objects may be used
// from different threads without synchronisation.
#ifndef TICKETLOG_STATUS_H_
#define TICKETLOG_STATUS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace ticketlog {

// Every failure the library reports. The spelling returned by CodeName() is
// the stable wire name used by the tool and documented in SPEC.md.
enum class Code : uint8_t {
  kOk = 0,
  kInvalidArgument,  // "invalid_argument": a field is malformed or out of
                     // range.
  kNotFound,  // "not_found": no such ticket (in this account), event or page.
  kAlreadyExists,  // "already_exists": a ticket with that id exists.
  kConflict,       // "conflict": expected_version differs from the current one.
  kUnknownDepartment,     // "unknown_department"
  kUnknownOperator,       // "unknown_operator"
  kUnknownStatus,         // "unknown_status"
  kOperatorHasTickets,    // "operator_has_tickets"
  kStatusAlreadyRunning,  // "status_already_running"
  kNoStatusRunning,       // "no_status_running"
  kNoOperatorLinked,      // "no_operator_linked"
  kTicketFinished,        // "ticket_finished"
  kTicketClosed,          // "ticket_closed"
  kTicketNotFinished,     // "ticket_not_finished": reopen/close need a finished
                          // ticket.
  kTooLarge,    // "too_large": attachments over the per-command limits.
  kCorruption,  // "corruption": stored bytes fail verification.
  kIoError,     // "io_error": the store could not be read or written.
  kBusy,        // "busy": the database is opened by another process.
};

// Returns the stable wire name of `code`, e.g. "invalid_argument".
std::string_view CodeName(Code code);

// Returns the code whose wire name is `name`, or nullopt.
std::optional<Code> CodeFromName(std::string_view name);

class [[nodiscard]] Status {
 public:
  // An OK status.
  Status() = default;
  Status(Code code, std::string message)
      : code_(code), message_(std::move(message)) {}

  static Status OK() { return Status(); }
  static Status InvalidArgument(std::string_view field, std::string_view why);
  static Status NotFound(std::string message) {
    return Status(Code::kNotFound, std::move(message));
  }
  static Status Corruption(std::string message) {
    return Status(Code::kCorruption, std::move(message));
  }
  static Status IoError(std::string message) {
    return Status(Code::kIoError, std::move(message));
  }
  // A conflict that carries the stream's current version.
  static Status Conflict(uint64_t expected, uint64_t current);

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  // For kConflict: the current version of the stream; otherwise nullopt.
  std::optional<uint64_t> current_version() const { return current_version_; }

  // "ok" or "<code>: <message>".
  std::string ToString() const;

  friend bool operator==(const Status& a, const Status& b) {
    return a.code_ == b.code_ && a.message_ == b.message_;
  }

 private:
  Code code_ = Code::kOk;
  std::string message_;
  std::optional<uint64_t> current_version_;
};

// Either a value of type T or a non-OK Status.
template <typename T>
class [[nodiscard]] StatusOr {
 public:
  // Implicit so that functions can `return value;` or `return status;`.
  StatusOr(T value) : value_(std::move(value)) {}         // NOLINT
  StatusOr(Status status) : value_(std::move(status)) {}  // NOLINT

  bool ok() const { return std::holds_alternative<T>(value_); }
  // Returns OK when a value is held.
  Status status() const {
    return ok() ? Status::OK() : std::get<Status>(value_);
  }
  // Requires ok().
  T& value() & { return std::get<T>(value_); }
  const T& value() const& { return std::get<T>(value_); }
  T&& value() && { return std::get<T>(std::move(value_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> value_;
};

}  // namespace ticketlog

// Returns from the enclosing function when `expr` yields a non-OK Status.
#define TICKETLOG_RETURN_IF_ERROR(expr)      \
  do {                                       \
    ::ticketlog::Status _tl_status = (expr); \
    if (!_tl_status.ok()) return _tl_status; \
  } while (0)

#endif  // TICKETLOG_STATUS_H_
