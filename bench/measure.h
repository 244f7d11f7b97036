// Measurement helpers for the comparison: runs in a child process with their
// own peak-memory figure, a monotonic stopwatch, and latency summaries.
//
// Each run forks so that runs do not pollute each other (allocator state,
// caches, RocksDB's background threads) and so that each reports its own
// peak resident set. The child resets its high-water mark (write "5" to
// /proc/self/clear_refs) once its inputs are ready, so the figure is the
// run's, not the workload generator's.
#ifndef TICKETLOG_BENCH_MEASURE_H_
#define TICKETLOG_BENCH_MEASURE_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace ticketlog::bench {

class Stopwatch {
 public:
  Stopwatch() : start_(std::chrono::steady_clock::now()) {}
  double Seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                         start_)
        .count();
  }

 private:
  std::chrono::steady_clock::time_point start_;
};

// Resident set now and its high-water mark, in KiB (from /proc/self/status).
int64_t CurrentRssKb();
int64_t PeakRssKb();
// Makes the high-water mark the current resident set.
void ResetPeakRss();

struct ChildResult {
  bool ok = false;
  std::string output;       // what the child's function returned
  std::string error;        // why it failed, when !ok
  int64_t base_rss_kb = 0;  // resident set when the peak was last reset
  int64_t peak_rss_kb = 0;  // high-water mark at the end of the run
};

// Runs `fn` in a forked child and returns its output with the child's
// memory figures. `fn` should call ResetPeakRss() once its inputs are
// ready; it returns its result as text (the parent parses it). A child that
// crashes or exits early is reported as !ok.
ChildResult RunInChild(const std::function<std::string()>& fn);

// A run in a fresh process of this program (fork and exec), for figures
// that a process of their own should give as a user's would: a forked
// child starts on the parent's heap, as the parent left it (a verify
// forked from a process that had used the engine took 10-20% more CPU,
// docs/benchmarks.md, session 14). The program registers its functions by
// name before it does anything else, and its main calls MaybeRunFresh
// first. `fn` gets the arguments RunFresh was given and returns its result
// as text, as RunInChild's function does (ResetPeakRss runs before it; it
// may reset again once its inputs are ready). Not thread-safe: register
// before starting threads.
using FreshFn = std::function<std::string(const std::vector<std::string>&)>;
void RegisterFresh(const std::string& name, FreshFn fn);
// When this process is such a child: runs its function (an exception
// becomes a "fatal=" result), sends the result to the parent, and returns
// the exit status main should return: 0, 3 when the result could not be
// sent, 4 for an unknown function or a bad pipe. nullopt otherwise.
std::optional<int> MaybeRunFresh(int argc, char** argv);
// Runs the function registered as `name` in a fresh process with `args`
// and blocks until it has ended; a child that could not exec exits 127.
// Failures are reported in the result (!ok, with `error`), never thrown.
ChildResult RunFresh(const std::string& name,
                     const std::vector<std::string>& args);

// Summary of a set of latencies, in microseconds.
struct Latency {
  double median_us = 0;
  double p90_us = 0;
  double p99_us = 0;
  size_t samples = 0;
};
Latency Summarise(std::vector<double> samples_us);

// Times `fn` `repeat` times (after one untimed warm-up call) and summarises.
Latency TimeRepeated(int repeat, const std::function<void()>& fn);

// Human-readable number with thousands separators: 1234567 -> "1,234,567".
std::string WithCommas(uint64_t n);

}  // namespace ticketlog::bench

#endif  // TICKETLOG_BENCH_MEASURE_H_
