// Command-line flags of the `ticketlog` subcommands: "--name value",
// "--name=value" and boolean "--name"; everything else is positional, and
// "--" ends the flags. Mistakes (an unknown or repeated flag, a missing
// value, a malformed number) are usage errors: invalid_argument Statuses
// whose message is the one line the tool prints before exiting with 2.
#ifndef TICKETLOG_CLI_ARGS_H_
#define TICKETLOG_CLI_ARGS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ticketlog/status.h"
#include "ticketlog/types.h"

namespace ticketlog::cli {

struct FlagSpec {
  std::string_view name;  // without the leading "--"
  bool takes_value = true;
};

class Args {
 public:
  // Parses `args` against `flags`, expecting between `min_positional` and
  // `max_positional` positional arguments.
  static StatusOr<Args> Parse(const std::vector<std::string>& args,
                              const std::vector<FlagSpec>& flags,
                              size_t min_positional, size_t max_positional);

  bool Has(std::string_view name) const { return flags_.count(name) > 0; }
  // The flag's value; nullopt when it was not given.
  std::optional<std::string> Get(std::string_view name) const;
  const std::vector<std::string>& positional() const { return positional_; }

  // Typed values of optional flags; nullopt when the flag is absent, a usage
  // error naming the flag when its value is malformed.
  StatusOr<std::optional<uint64_t>> GetUnsigned(std::string_view name,
                                                uint64_t min,
                                                uint64_t max) const;
  StatusOr<std::optional<TimeUs>> GetTime(std::string_view name) const;

 private:
  std::map<std::string, std::string, std::less<>> flags_;
  std::vector<std::string> positional_;
};

// Parses a decimal integer in [min, max]; `what` names it in the error.
StatusOr<uint64_t> ParseUnsigned(std::string_view what, std::string_view text,
                                 uint64_t min, uint64_t max);

// Removes the global "--db DIR" / "--db=DIR" from `args` (up to a "--"),
// storing DIR in `db`. A usage error when DIR is missing.
Status ExtractDbFlag(std::vector<std::string>& args, std::string& db);

}  // namespace ticketlog::cli

#endif  // TICKETLOG_CLI_ARGS_H_
