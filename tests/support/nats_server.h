// A real `nats-server -js` for the tests: on 127.0.0.1, a free port and a
// temporary store directory; stopped by its process id (SIGTERM, then
// SIGKILL) when the object goes away.
#ifndef TICKETLOG_TESTS_SUPPORT_NATS_SERVER_H_
#define TICKETLOG_TESTS_SUPPORT_NATS_SERVER_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "support/temp_dir.h"

extern char** environ;

namespace ticketlog::testing {

// A TCP port on 127.0.0.1 that was free a moment ago.
inline int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr = {};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    throw std::runtime_error("no free port");
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

inline bool Accepts(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr = {};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

class NatsServer {
 public:
  NatsServer() : port_(FreePort()) {
    std::vector<std::string> args = {"nats-server", "-js",
                                     "-a",          "127.0.0.1",
                                     "-p",          std::to_string(port_),
                                     "-sd",         dir_.Sub("js"),
                                     "-l",          dir_.Sub("nats.log")};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (::posix_spawnp(&pid_, "nats-server", nullptr, nullptr, argv.data(),
                       environ) != 0) {
      throw std::runtime_error(
          "cannot start nats-server (scripts/install-deps.sh)");
    }
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!Accepts(port_)) {
      if (std::chrono::steady_clock::now() > deadline) {
        throw std::runtime_error("nats-server did not start");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  ~NatsServer() { Stop(); }
  NatsServer(const NatsServer&) = delete;
  NatsServer& operator=(const NatsServer&) = delete;

  std::string url() const {
    return "nats://127.0.0.1:" + std::to_string(port_);
  }

  void Stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    for (int i = 0; i < 100; ++i) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }

 private:
  TempDir dir_;
  int port_;
  pid_t pid_ = -1;
};

}  // namespace ticketlog::testing

#endif  // TICKETLOG_TESTS_SUPPORT_NATS_SERVER_H_
