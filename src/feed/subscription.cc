// Durable checkpoints as small files beside the store. The file holds the
// position in decimal and a newline; anything else is corruption.
#include "ticketlog/subscription.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <string_view>

namespace ticketlog {
namespace {

constexpr size_t kMaxNameBytes = 64;
constexpr std::string_view kDirectory = "subscriptions";

Status CheckName(const std::string& name) {
  if (name.empty() || name.size() > kMaxNameBytes) {
    return Status::InvalidArgument("subscription", "must be 1-64 characters");
  }
  if (name.front() == '.') {
    return Status::InvalidArgument("subscription", "must not start with '.'");
  }
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
    if (!ok) {
      return Status::InvalidArgument("subscription",
                                     "may only hold [A-Za-z0-9_.-]");
    }
  }
  return Status::OK();
}

Status Errno(const std::string& what) {
  return Status::IoError(what + ": " + std::strerror(errno));
}

Status WriteAll(int fd, std::string_view data, const std::string& file) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno("writing " + file);
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status::OK();
}

Status SyncDirectory(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Errno("opening " + dir);
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return Errno("syncing " + dir);
  return Status::OK();
}

StatusOr<uint64_t> ReadCheckpoint(const std::string& file) {
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return uint64_t{0};
    return Errno("opening " + file);
  }
  char buf[32];
  ssize_t n = ::read(fd, buf, sizeof buf);
  ::close(fd);
  if (n < 0) return Errno("reading " + file);
  std::string_view text(buf, static_cast<size_t>(n));
  uint64_t position = 0;
  if (text.empty() || text.back() != '\n') {
    return Status::Corruption(file + " is not a checkpoint");
  }
  text.remove_suffix(1);
  auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), position);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return Status::Corruption(file + " is not a checkpoint");
  }
  return position;
}

}  // namespace

StatusOr<std::unique_ptr<Subscription>> Subscription::Open(
    const std::string& db_path, const std::string& name) {
  TICKETLOG_RETURN_IF_ERROR(CheckName(name));
  std::error_code ec;
  if (!std::filesystem::is_directory(db_path, ec)) {
    return Status::IoError("opening " + db_path + ": no such directory");
  }
  std::filesystem::path dir = std::filesystem::path(db_path) / kDirectory;
  std::filesystem::create_directory(dir, ec);
  if (ec) {
    return Status::IoError("creating " + dir.string() + ": " + ec.message());
  }
  std::unique_ptr<Subscription> sub(new Subscription());
  sub->name_ = name;
  sub->file_ = (dir / name).string();
  std::string lock = sub->file_ + ".lock";
  sub->lock_fd_ = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (sub->lock_fd_ < 0) return Errno("opening " + lock);
  if (::flock(sub->lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) {
      return Status(Code::kBusy,
                    "subscription " + name + " is in use by another deliverer");
    }
    return Errno("locking " + lock);
  }
  auto position = ReadCheckpoint(sub->file_);
  if (!position.ok()) return position.status();
  sub->position_ = *position;
  return sub;
}

Subscription::~Subscription() {
  if (lock_fd_ >= 0) ::close(lock_fd_);  // releases the flock
}

Status Subscription::Advance(uint64_t position) {
  if (position < position_) {
    return Status::InvalidArgument(
        "position",
        "a checkpoint never moves back (at " + std::to_string(position_) + ")");
  }
  if (position == position_) return Status::OK();
  std::string temp = file_ + ".tmp";
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Errno("creating " + temp);
  Status written = WriteAll(fd, std::to_string(position) + "\n", temp);
  if (written.ok() && ::fsync(fd) != 0) written = Errno("syncing " + temp);
  ::close(fd);
  TICKETLOG_RETURN_IF_ERROR(written);
  if (::rename(temp.c_str(), file_.c_str()) != 0) {
    return Errno("renaming " + temp);
  }
  TICKETLOG_RETURN_IF_ERROR(
      SyncDirectory(std::filesystem::path(file_).parent_path().string()));
  position_ = position;
  return Status::OK();
}

}  // namespace ticketlog
