// Child processes for the reliability tests: the `ticketlog` tool, and this
// test program itself re-run as a crash-test writer.
//
// Children are started with fork() + execve(). Everything the child needs
// (argv, environment) is prepared before the fork, and the child calls only
// async-signal-safe functions until execve, so that starting a child is safe
// even when RocksDB threads run in the test process. A child never inherits
// RocksDB state: it opens the database itself, in a fresh process image.
#ifndef TICKETLOG_TESTS_RELIABILITY_SUBPROCESS_H_
#define TICKETLOG_TESTS_RELIABILITY_SUBPROCESS_H_

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

extern char** environ;

namespace ticketlog::testing {

// The user id that privileged tests switch to when run as root, so that file
// permissions apply to them (root ignores them).
inline constexpr uid_t kNobody = 65534;

struct SpawnOptions {
  std::vector<std::string> argv;  // argv[0] is the program's path
  std::vector<std::string> env;   // "NAME=value" added to this environment
  bool pipe_stdin = false;        // otherwise stdin is /dev/null
  bool capture_stderr = false;    // otherwise stderr is the test's stderr
  bool as_nobody = false;         // when root: run as uid/gid 65534
  // When non-zero: the child's RLIMIT_AS, as `ulimit -v` sets it (in bytes
  // here, KiB there).
  rlim_t address_space_bytes = 0;
  // When set: the child's stdout is this file (e.g. /dev/full), not a pipe;
  // then Communicate() leaves ProcessResult::out empty.
  std::string stdout_path;
};

struct ProcessResult {
  int exit_code = -1;  // -1 when killed by a signal
  int signal = 0;      // the signal that killed it, or 0
  std::string out;
  std::string err;
};

// The path of this test program, to re-run it as a child.
inline std::string SelfPath() {
  char buf[4096];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) throw std::runtime_error("readlink /proc/self/exe failed");
  return std::string(buf, static_cast<size_t>(n));
}

class Child {
 public:
  explicit Child(const SpawnOptions& options) { Start(options); }
  ~Child() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
    CloseFd(in_);
    CloseFd(out_);
    CloseFd(err_);
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  pid_t pid() const { return pid_; }

  // Writes all of `data` to the child's stdin; false when the child closed it.
  bool Write(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::write(in_, data.data(), data.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }
  void CloseStdin() { CloseFd(in_); }

  // Reads the next line of the child's stdout (without '\n'); false at the
  // end of its output, or when nothing arrived for `timeout_ms` (then
  // timed_out() is true). Only for children whose stderr is not captured.
  bool ReadLine(std::string& line, int timeout_ms = -1) {
    while (true) {
      size_t eol = out_buffer_.find('\n');
      if (eol != std::string::npos) {
        line = out_buffer_.substr(0, eol);
        out_buffer_.erase(0, eol + 1);
        return true;
      }
      pollfd fd = {out_, POLLIN, 0};
      int ready = ::poll(&fd, 1, timeout_ms);
      if (ready < 0 && errno == EINTR) continue;
      if (ready == 0) {
        timed_out_ = true;
        return false;
      }
      char buf[65536];
      ssize_t n = ::read(out_, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        if (out_buffer_.empty()) return false;
        line = std::move(out_buffer_);  // a last line without '\n'
        out_buffer_.clear();
        return true;
      }
      out_buffer_.append(buf, static_cast<size_t>(n));
    }
  }

  bool timed_out() const { return timed_out_; }

  void Kill(int sig) { ::kill(pid_, sig); }

  // True once the child's program has installed a handler for `sig` (the
  // SigCgt mask of /proc/PID/status), waiting up to `timeout_ms` for it.
  // Tests send a signal only after this, instead of guessing how long
  // start-up takes. (The constructor returns after the execve.)
  // False at once when the child has exited.
  bool WaitUntilCatching(int sig, int timeout_ms) {
    for (int waited = 0;; waited += 10) {
      if (Catches(sig)) return true;
      siginfo_t info = {};
      if (waited >= timeout_ms ||
          (::waitid(P_PID, static_cast<id_t>(pid_), &info,
                    WEXITED | WNOHANG | WNOWAIT) == 0 &&
           info.si_pid == pid_)) {
        return false;
      }
      ::usleep(10 * 1000);
    }
  }

  // Feeds `input` (when stdin is a pipe), then reads stdout and stderr to
  // their end and waits for the child.
  ProcessResult Communicate(std::string_view input = {}) {
    ProcessResult result;
    result.out = std::move(out_buffer_);
    out_buffer_.clear();
    if (in_ >= 0 && input.empty()) CloseFd(in_);
    if (in_ >= 0) ::fcntl(in_, F_SETFL, ::fcntl(in_, F_GETFL) | O_NONBLOCK);
    while (in_ >= 0 || out_ >= 0 || err_ >= 0) {
      pollfd fds[3];
      int count = 0;
      auto add = [&](int fd, short events) {
        if (fd >= 0) fds[count++] = {fd, events, 0};
      };
      add(in_, POLLOUT);
      add(out_, POLLIN);
      add(err_, POLLIN);
      if (::poll(fds, count, -1) < 0) {
        if (errno == EINTR) continue;
        break;
      }
      for (int i = 0; i < count; ++i) {
        if (fds[i].revents == 0) continue;
        int fd = fds[i].fd;
        if (fd == in_) {
          ssize_t n = ::write(in_, input.data(), input.size());
          if (n > 0) input.remove_prefix(static_cast<size_t>(n));
          if ((n < 0 && errno != EAGAIN && errno != EINTR) || input.empty()) {
            CloseFd(in_);
          }
        } else {
          char buf[65536];
          ssize_t n = ::read(fd, buf, sizeof buf);
          if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
          if (n <= 0) {
            CloseFd(fd == out_ ? out_ : err_);
          } else {
            (fd == out_ ? result.out : result.err)
                .append(buf, static_cast<size_t>(n));
          }
        }
      }
    }
    Wait(result);
    return result;
  }

 private:
  bool Catches(int sig) const {
    std::string path = "/proc/" + std::to_string(pid_) + "/status";
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    char buf[4096];
    ssize_t n = ::read(fd, buf, sizeof buf - 1);
    ::close(fd);
    if (n <= 0) return false;
    buf[n] = '\0';
    const char* at = std::strstr(buf, "SigCgt:");
    if (at == nullptr) return false;
    unsigned long long caught = std::strtoull(at + 7, nullptr, 16);
    return (caught >> (sig - 1)) & 1ULL;
  }

  static void CloseFd(int& fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }

  void Wait(ProcessResult& result) {
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
    if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  }

  void Start(const SpawnOptions& options) {
    // Everything the child uses is built before fork().
    std::vector<std::string> env_strings;
    for (char** e = environ; *e != nullptr; ++e) env_strings.emplace_back(*e);
    for (const std::string& extra : options.env) env_strings.push_back(extra);
    std::vector<char*> argv;
    for (const std::string& a : options.argv) {
      argv.push_back(const_cast<char*>(a.c_str()));
    }
    argv.push_back(nullptr);
    std::vector<char*> envp;
    for (const std::string& e : env_strings) {
      envp.push_back(const_cast<char*>(e.c_str()));
    }
    envp.push_back(nullptr);
    bool drop = options.as_nobody && ::geteuid() == 0;

    int in_pipe[2] = {-1, -1}, out_pipe[2] = {-1, -1}, err_pipe[2] = {-1, -1};
    // The exec pipe is closed in the child by execve: its end of file tells
    // this process that the child runs the program (and no longer the
    // handlers it inherited from this one).
    int exec_pipe[2] = {-1, -1};
    int dev_null = -1;
    auto fail = [&](const char* what) {
      for (int* fd :
           {&in_pipe[0], &in_pipe[1], &out_pipe[0], &out_pipe[1], &err_pipe[0],
            &err_pipe[1], &exec_pipe[0], &exec_pipe[1], &dev_null}) {
        CloseFd(*fd);
      }
      throw std::runtime_error(what);
    };
    bool pipe_stdout = options.stdout_path.empty();
    if ((options.pipe_stdin && ::pipe2(in_pipe, O_CLOEXEC) != 0) ||
        (pipe_stdout && ::pipe2(out_pipe, O_CLOEXEC) != 0) ||
        (options.capture_stderr && ::pipe2(err_pipe, O_CLOEXEC) != 0) ||
        ::pipe2(exec_pipe, O_CLOEXEC) != 0) {
      fail("pipe2 failed");
    }
    if (!pipe_stdout) {
      out_pipe[1] = ::open(options.stdout_path.c_str(), O_WRONLY | O_CLOEXEC);
      if (out_pipe[1] < 0) fail("cannot open stdout file");
    }
    const rlimit address_space = {options.address_space_bytes,
                                  options.address_space_bytes};
    dev_null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (dev_null < 0) fail("cannot open /dev/null");
    pid_ = ::fork();
    if (pid_ < 0) fail("fork failed");
    if (pid_ == 0) {
      // The child: async-signal-safe calls only.
      ::dup2(options.pipe_stdin ? in_pipe[0] : dev_null, 0);
      ::dup2(out_pipe[1], 1);
      if (options.capture_stderr) ::dup2(err_pipe[1], 2);
      if (options.address_space_bytes != 0 &&
          ::setrlimit(RLIMIT_AS, &address_space) != 0) {
        ::_exit(126);
      }
      if (drop) {
        if (::setgroups(0, nullptr) != 0 || ::setgid(kNobody) != 0 ||
            ::setuid(kNobody) != 0) {
          ::_exit(126);
        }
      }
      ::execve(argv[0], argv.data(), envp.data());
      ::_exit(127);
    }
    ::close(dev_null);
    ::close(exec_pipe[1]);
    char ignored;
    while (::read(exec_pipe[0], &ignored, 1) < 0 && errno == EINTR) {
    }
    ::close(exec_pipe[0]);
    if (options.pipe_stdin) {
      ::close(in_pipe[0]);
      in_ = in_pipe[1];
      // A child that dies must not kill the test with SIGPIPE.
      ::signal(SIGPIPE, SIG_IGN);
    }
    ::close(out_pipe[1]);
    out_ = out_pipe[0];  // -1 when stdout went to a file
    if (options.capture_stderr) {
      ::close(err_pipe[1]);
      err_ = err_pipe[0];
    }
  }

  pid_t pid_ = -1;
  int in_ = -1;
  int out_ = -1;
  int err_ = -1;
  std::string out_buffer_;
  bool timed_out_ = false;
};

// Runs a program to completion with `input` on its stdin.
inline ProcessResult RunProcess(SpawnOptions options,
                                std::string_view input = {}) {
  options.pipe_stdin = true;
  options.capture_stderr = true;
  Child child(options);
  return child.Communicate(input);
}

#ifdef TICKETLOG_TOOL_PATH
// Runs `ticketlog --db DB ARGS...` with `input` on stdin.
inline ProcessResult RunTicketlog(const std::string& db,
                                  const std::vector<std::string>& args,
                                  std::string_view input = {},
                                  bool as_nobody = false) {
  SpawnOptions options;
  options.argv = {TICKETLOG_TOOL_PATH, "--db", db};
  options.argv.insert(options.argv.end(), args.begin(), args.end());
  options.as_nobody = as_nobody;
  return RunProcess(std::move(options), input);
}
#endif  // TICKETLOG_TOOL_PATH

}  // namespace ticketlog::testing

#endif  // TICKETLOG_TESTS_RELIABILITY_SUBPROCESS_H_
