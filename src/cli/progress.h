// A progress bar on a terminal's stderr for long subcommands (demo,
// import): "  import (rows) [##########..........] 1234/5000 2.1 s".
// Without a terminal (or when the tool runs in a test with its own
// streams) it shows nothing and starts no thread.
#ifndef TICKETLOG_CLI_PROGRESS_H_
#define TICKETLOG_CLI_PROGRESS_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "cli/subcommand.h"

namespace ticketlog::cli {

class Progress {
 public:
  // `total` is what counter() reaches at the end.
  Progress(Context& ctx, std::string label, uint64_t total);

  // What the work counts up to total; thread-safe.
  std::atomic<uint64_t>& counter() { return done_; }

  // Runs `work` while redrawing the bar every 100 ms, then clears it.
  // An exception from `work` goes on after the bar was stopped.
  void Run(const std::function<void()>& work);

  // The bar for `done` of `total` after `seconds`, `width` cells wide.
  static std::string Bar(const std::string& label, uint64_t done,
                         uint64_t total, double seconds, int width = 30);

 private:
  bool show_;
  Context& ctx_;
  std::string label_;
  uint64_t total_;
  std::atomic<uint64_t> done_{0};
};

}  // namespace ticketlog::cli

#endif  // TICKETLOG_CLI_PROGRESS_H_
