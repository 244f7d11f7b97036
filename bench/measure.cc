#include "bench/measure.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <fstream>
#include <map>
#include <sstream>

namespace ticketlog::bench {
namespace {

// The resident set at the last ResetPeakRss() of this process.
int64_t g_base_rss_kb = 0;

int64_t StatusFieldKb(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  size_t n = std::strlen(field);
  while (std::getline(in, line)) {
    if (line.compare(0, n, field) == 0 && line.size() > n && line[n] == ':') {
      return std::strtoll(line.c_str() + n + 1, nullptr, 10);
    }
  }
  return 0;
}

bool WriteAll(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

int64_t CurrentRssKb() { return StatusFieldKb("VmRSS"); }
int64_t PeakRssKb() { return StatusFieldKb("VmHWM"); }

void ResetPeakRss() {
  {
    std::ofstream out("/proc/self/clear_refs");
    out << "5";
  }
  g_base_rss_kb = CurrentRssKb();
}

namespace {

// The parent's side of a child writing `peak base\n` then its output to
// `fd`: reads it all, reaps the child, and parses what it sent.
ChildResult Collect(pid_t pid, int fd) {
  ChildResult result;
  std::string data;
  char buf[65536];
  while (true) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    data.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    result.error =
        WIFSIGNALED(status)
            ? "child killed by signal " + std::to_string(WTERMSIG(status))
            : "child exited with status " + std::to_string(WEXITSTATUS(status));
    return result;
  }
  size_t eol = data.find('\n');
  if (eol == std::string::npos) {
    result.error = "child sent no result";
    return result;
  }
  std::istringstream header(data.substr(0, eol));
  header >> result.peak_rss_kb >> result.base_rss_kb;
  result.output = data.substr(eol + 1);
  result.ok = true;
  return result;
}

// The child's side: sends its memory figures and `output` to `fd`.
bool Send(int fd, const std::string& output) {
  std::ostringstream header;
  header << PeakRssKb() << ' ' << g_base_rss_kb << '\n';
  bool ok = WriteAll(fd, header.str() + output);
  close(fd);
  return ok;
}

std::map<std::string, FreshFn>& FreshFns() {
  static std::map<std::string, FreshFn> fns;
  return fns;
}

// A pipe whose ends both close on exec; false, with `error`, when none
// could be had.
bool OpenPipe(int fds[2], std::string& error) {
  if (pipe2(fds, O_CLOEXEC) == 0) return true;
  error = std::string("pipe: ") + std::strerror(errno);
  return false;
}

// Forks once stdio's buffers are out (else both processes would write
// them). When the fork fails: -1, with `error`, and `fds` closed.
pid_t ForkWithPipe(const int fds[2], std::string& error) {
  std::fflush(stdout);
  std::fflush(stderr);
  pid_t pid = fork();
  if (pid < 0) {
    error = std::string("fork: ") + std::strerror(errno);
    close(fds[0]);
    close(fds[1]);
  }
  return pid;
}

constexpr const char* kFreshFlag = "--fresh-child";
// A child's exit statuses besides 0 (ChildResult::error names them).
constexpr int kSendFailed = 3;    // its result could not be sent
constexpr int kFreshBadCall = 4;  // no such function, or a bad fd
constexpr int kFreshExecFailed = 127;

}  // namespace

ChildResult RunInChild(const std::function<std::string()>& fn) {
  ChildResult result;
  int fds[2];
  if (!OpenPipe(fds, result.error)) return result;
  pid_t pid = ForkWithPipe(fds, result.error);
  if (pid < 0) return result;
  if (pid == 0) {
    close(fds[0]);
    ResetPeakRss();
    std::string output = fn();
    bool ok = Send(fds[1], output);
    std::fflush(stdout);
    _exit(ok ? 0 : kSendFailed);
  }
  close(fds[1]);
  return Collect(pid, fds[0]);
}

void RegisterFresh(const std::string& name, FreshFn fn) {
  FreshFns()[name] = std::move(fn);
}

std::optional<int> MaybeRunFresh(int argc, char** argv) {
  if (argc < 4 || std::strcmp(argv[1], kFreshFlag) != 0) return std::nullopt;
  auto it = FreshFns().find(argv[2]);
  int fd = std::atoi(argv[3]);
  if (it == FreshFns().end() || fd <= 2) return kFreshBadCall;
  // Nothing this process starts holds the parent's pipe open.
  if (fcntl(fd, F_SETFD, FD_CLOEXEC) != 0) return kFreshBadCall;
  ResetPeakRss();
  std::string output;
  try {
    output = it->second(std::vector<std::string>(argv + 4, argv + argc));
  } catch (const std::exception& e) {
    output = std::string("fatal=") + e.what() + "\n";
  }
  bool ok = Send(fd, output);
  std::fflush(stdout);
  return ok ? 0 : kSendFailed;
}

ChildResult RunFresh(const std::string& name,
                     const std::vector<std::string>& args) {
  ChildResult result;
  int fds[2];
  // The child clears the write end's close-on-exec flag alone, and learns
  // its number from its arguments.
  if (!OpenPipe(fds, result.error)) return result;
  const int write_fd = fds[1];
  std::vector<std::string> argv_text = {"ticketlog_bench_child", kFreshFlag,
                                        name, std::to_string(write_fd)};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> child_argv;
  for (auto& a : argv_text) child_argv.push_back(a.data());
  child_argv.push_back(nullptr);
  pid_t pid = ForkWithPipe(fds, result.error);
  if (pid < 0) return result;
  if (pid == 0) {
    if (fcntl(write_fd, F_SETFD, 0) == 0) {
      execv("/proc/self/exe", child_argv.data());
    }
    _exit(kFreshExecFailed);
  }
  close(write_fd);
  return Collect(pid, fds[0]);
}

Latency Summarise(std::vector<double> samples_us) {
  Latency out;
  out.samples = samples_us.size();
  if (samples_us.empty()) return out;
  std::sort(samples_us.begin(), samples_us.end());
  auto at = [&](double q) {
    size_t i = static_cast<size_t>(
        q * static_cast<double>(samples_us.size() - 1) + 0.5);
    return samples_us[std::min(i, samples_us.size() - 1)];
  };
  out.median_us = at(0.5);
  out.p90_us = at(0.9);
  out.p99_us = at(0.99);
  return out;
}

Latency TimeRepeated(int repeat, const std::function<void()>& fn) {
  fn();
  std::vector<double> samples;
  samples.reserve(repeat);
  for (int i = 0; i < repeat; ++i) {
    Stopwatch watch;
    fn();
    samples.push_back(watch.Seconds() * 1e6);
  }
  return Summarise(std::move(samples));
}

std::string WithCommas(uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  int count = 0;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    if (count > 0 && count % 3 == 0) out.push_back(',');
    out.push_back(*it);
    ++count;
  }
  std::reverse(out.begin(), out.end());
  return out;
}

}  // namespace ticketlog::bench
