#include "bench/bench_flags.h"

#include <cstdlib>
#include <string_view>

namespace ticketlog::bench {

BenchFlags::BenchFlags(int* argc, char** argv) {
  constexpr std::string_view kPrefix = "--tl_";
  int kept = 1;
  for (int i = 1; i < *argc; ++i) {
    std::string_view arg = argv[i];
    if (!arg.starts_with(kPrefix)) {
      argv[kept++] = argv[i];
      continue;
    }
    arg.remove_prefix(kPrefix.size());
    size_t eq = arg.find('=');
    if (eq == std::string_view::npos) {
      values_[std::string(arg)] = "true";
    } else {
      values_[std::string(arg.substr(0, eq))] = std::string(arg.substr(eq + 1));
    }
  }
  *argc = kept;
  argv[kept] = nullptr;
}

std::string BenchFlags::Get(const std::string& name,
                            const std::string& fallback) const {
  auto it = values_.find(name);
  return it == values_.end() ? fallback : it->second;
}

long long BenchFlags::GetInt(const std::string& name,
                             long long fallback) const {
  auto it = values_.find(name);
  return it == values_.end() ? fallback : std::atoll(it->second.c_str());
}

bool BenchFlags::GetBool(const std::string& name) const {
  auto it = values_.find(name);
  return it != values_.end() && it->second != "false" && it->second != "0";
}

}  // namespace ticketlog::bench
