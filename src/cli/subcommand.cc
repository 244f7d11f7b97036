#include "cli/subcommand.h"

#include <algorithm>
#include <charconv>

#include "base/text.h"
#include "cli/json_reader.h"

namespace ticketlog::cli {

CLI::App* Registry::Add(std::string name, std::string description,
                        std::string_view group, RunFunction run) {
  CLI::App* app = tool_.add_subcommand(std::move(name), std::move(description));
  app->group(std::string(group));
  subcommands_.emplace_back(app, std::move(run));
  return app;
}

const RunFunction* Registry::Chosen() const {
  for (const auto& [app, run] : subcommands_) {
    if (app->parsed()) return &run;
  }
  return nullptr;
}

CLI::Option* AddText(CLI::App* app, const std::string& name, TextFlag& flag,
                     const std::string& type, const std::string& help) {
  flag.option = app->add_option(name, flag.value, help)->type_name(type);
  return flag.option;
}

std::string FlagName(const TextFlag& flag) {
  return flag.option == nullptr ? "" : flag.option->get_name();
}

StatusOr<uint64_t> ParseUnsigned(std::string_view what, std::string_view text,
                                 uint64_t min, uint64_t max) {
  uint64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || value < min ||
      value > max) {
    return Status(Code::kInvalidArgument,
                  std::string(what) + " must be an integer from " +
                      std::to_string(min) + " to " + std::to_string(max));
  }
  return value;
}

StatusOr<std::optional<uint64_t>> UnsignedFlag(const TextFlag& flag,
                                               uint64_t min, uint64_t max) {
  if (!flag.given()) return std::optional<uint64_t>();
  auto value = ParseUnsigned(FlagName(flag), flag.value, min, max);
  if (!value.ok()) return value.status();
  return std::optional<uint64_t>(*value);
}

StatusOr<std::optional<TimeUs>> TimeFlag(const TextFlag& flag) {
  if (!flag.given()) return std::optional<TimeUs>();
  auto at = base::ParseTime(flag.value);
  if (!at) {
    return Status(Code::kInvalidArgument,
                  FlagName(flag) +
                      " must be an ISO-8601 time such as 2024-03-01T12:30:00Z");
  }
  return std::optional<TimeUs>(*at);
}

StatusOr<LogHead> ParseExpect(std::string_view text) {
  constexpr size_t kHashHexDigits = 64;
  const Status usage(Code::kInvalidArgument,
                     "--expect must be POSITION:HASH as printed by "
                     "`ticketlog head` (HASH is 64 hex digits)");
  size_t colon = text.find(':');
  if (colon == std::string_view::npos) return usage;
  auto position = ParseUnsigned("--expect POSITION", text.substr(0, colon), 1,
                                kMaxJsonInteger);
  if (!position.ok()) return usage;
  std::string hash(text.substr(colon + 1));
  for (char& c : hash) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
  }
  bool hex = std::all_of(hash.begin(), hash.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  });
  if (hash.size() != kHashHexDigits || !hex) return usage;
  return LogHead{*position, hash};
}

}  // namespace ticketlog::cli
