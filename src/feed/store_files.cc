#include "feed/store_files.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <string_view>
#include <vector>

namespace ticketlog::feed {
namespace {

bool IsWatched(std::string_view name) {
  return name == "CURRENT" || name.starts_with("MANIFEST-") ||
         name.ends_with(".log");
}

}  // namespace

std::string StoreFingerprint(const std::string& path) {
  std::vector<std::string> entries;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(path, ec)) {
    std::string name = entry.path().filename().string();
    if (!IsWatched(name)) continue;
    struct stat st;
    if (::stat(entry.path().c_str(), &st) != 0) continue;  // just deleted
    entries.push_back(name + ":" + std::to_string(st.st_size) + ":" +
                      std::to_string(st.st_mtim.tv_sec) + "." +
                      std::to_string(st.st_mtim.tv_nsec) + ";");
  }
  std::sort(entries.begin(), entries.end());
  std::string out;
  for (const auto& e : entries) out += e;
  return out;
}

}  // namespace ticketlog::feed
