#include "cli/args.h"

#include <charconv>
#include <utility>

#include "base/text.h"

namespace ticketlog::cli {
namespace {

Status Usage(std::string message) {
  return Status(Code::kInvalidArgument, std::move(message));
}

bool IsFlag(std::string_view arg) {
  return arg.size() > 2 && arg.substr(0, 2) == "--";
}

}  // namespace

StatusOr<Args> Args::Parse(const std::vector<std::string>& args,
                           const std::vector<FlagSpec>& flags,
                           size_t min_positional, size_t max_positional) {
  Args parsed;
  bool flags_ended = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (flags_ended || !IsFlag(arg)) {
      if (arg == "--" && !flags_ended) {
        flags_ended = true;
        continue;
      }
      parsed.positional_.push_back(arg);
      continue;
    }
    std::string_view body = std::string_view(arg).substr(2);
    std::optional<std::string> inline_value;
    if (size_t eq = body.find('='); eq != std::string_view::npos) {
      inline_value = std::string(body.substr(eq + 1));
      body = body.substr(0, eq);
    }
    const FlagSpec* spec = nullptr;
    for (const FlagSpec& candidate : flags) {
      if (candidate.name == body) spec = &candidate;
    }
    if (spec == nullptr) return Usage("unknown flag --" + std::string(body));
    if (parsed.Has(body)) {
      return Usage("--" + std::string(body) + " given twice");
    }
    std::string value;
    if (spec->takes_value) {
      if (inline_value) {
        value = std::move(*inline_value);
      } else if (i + 1 < args.size()) {
        value = args[++i];
      } else {
        return Usage("--" + std::string(body) + " needs a value");
      }
    } else if (inline_value) {
      return Usage("--" + std::string(body) + " takes no value");
    }
    parsed.flags_.emplace(std::string(body), std::move(value));
  }
  if (parsed.positional_.size() < min_positional) {
    return Usage(min_positional == 1 ? "missing argument"
                                     : "missing arguments");
  }
  if (parsed.positional_.size() > max_positional) {
    return Usage("unexpected argument \"" + parsed.positional_[max_positional] +
                 "\"");
  }
  return parsed;
}

std::optional<std::string> Args::Get(std::string_view name) const {
  auto it = flags_.find(name);
  if (it == flags_.end()) return std::nullopt;
  return it->second;
}

StatusOr<std::optional<uint64_t>> Args::GetUnsigned(std::string_view name,
                                                    uint64_t min,
                                                    uint64_t max) const {
  auto text = Get(name);
  if (!text) return std::optional<uint64_t>();
  auto value = ParseUnsigned("--" + std::string(name), *text, min, max);
  if (!value.ok()) return value.status();
  return std::optional<uint64_t>(*value);
}

StatusOr<std::optional<TimeUs>> Args::GetTime(std::string_view name) const {
  auto text = Get(name);
  if (!text) return std::optional<TimeUs>();
  auto at = base::ParseTime(*text);
  if (!at) {
    return Usage("--" + std::string(name) +
                 " must be an ISO-8601 time such as 2024-03-01T12:30:00Z");
  }
  return std::optional<TimeUs>(*at);
}

StatusOr<uint64_t> ParseUnsigned(std::string_view what, std::string_view text,
                                 uint64_t min, uint64_t max) {
  uint64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || value < min ||
      value > max) {
    return Usage(std::string(what) + " must be an integer from " +
                 std::to_string(min) + " to " + std::to_string(max));
  }
  return value;
}

Status ExtractDbFlag(std::vector<std::string>& args, std::string& db) {
  std::vector<std::string> rest;
  bool seen = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") {
      rest.insert(rest.end(), args.begin() + static_cast<ptrdiff_t>(i),
                  args.end());
      break;
    }
    if (arg == "--db" || arg.rfind("--db=", 0) == 0) {
      if (seen) return Usage("--db given twice");
      seen = true;
      if (arg == "--db") {
        if (i + 1 >= args.size()) return Usage("--db needs a directory");
        db = args[++i];
      } else {
        db = arg.substr(5);
      }
      if (db.empty()) return Usage("--db needs a directory");
      continue;
    }
    rest.push_back(arg);
  }
  args = std::move(rest);
  return Status::OK();
}

}  // namespace ticketlog::cli
