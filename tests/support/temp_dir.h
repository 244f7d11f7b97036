// A fresh directory under the system temp dir, removed with its contents
// when the object goes away.
#ifndef TICKETLOG_TESTS_SUPPORT_TEMP_DIR_H_
#define TICKETLOG_TESTS_SUPPORT_TEMP_DIR_H_

#include <filesystem>
#include <random>
#include <string>

namespace ticketlog::testing {

class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("ticketlog-test-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::permissions(path_, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::add, ec);
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string path() const { return path_.string(); }
  std::string Sub(const std::string& name) const {
    return (path_ / name).string();
  }

 private:
  std::filesystem::path path_;
};

}  // namespace ticketlog::testing

#endif  // TICKETLOG_TESTS_SUPPORT_TEMP_DIR_H_
