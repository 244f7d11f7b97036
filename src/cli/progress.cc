#include "cli/progress.h"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <thread>

namespace ticketlog::cli {

Progress::Progress(Context& ctx, std::string label, uint64_t total)
    : show_(&ctx.err == &std::cerr && isatty(STDERR_FILENO)),
      ctx_(ctx),
      label_(std::move(label)),
      total_(total) {}

std::string Progress::Bar(const std::string& label, uint64_t done,
                          uint64_t total, double seconds, int width) {
  uint64_t shown = total == 0 ? 0 : std::min(done, total);
  int filled =
      total == 0
          ? 0
          : static_cast<int>(shown * static_cast<uint64_t>(width) / total);
  return fmt::format("  {} [{}{}] {}/{} {:.1f} s", label,
                     std::string(static_cast<size_t>(filled), '#'),
                     std::string(static_cast<size_t>(width - filled), '.'),
                     done, total, seconds);
}

void Progress::Run(const std::function<void()>& work) {
  if (!show_) return work();
  using Clock = std::chrono::steady_clock;
  auto start = Clock::now();
  std::atomic<bool> finished{false};
  std::thread painter([&] {
    while (!finished.load()) {
      double seconds =
          std::chrono::duration<double>(Clock::now() - start).count();
      ctx_.err << "\r" << Bar(label_, done_.load(), total_, seconds)
               << std::flush;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  // A joinable thread that is destroyed calls std::terminate: join it
  // before an exception from `work` (out of memory) goes on.
  try {
    work();
  } catch (...) {
    finished = true;
    painter.join();
    throw;
  }
  finished = true;
  painter.join();
  ctx_.err << "\r\033[K" << std::flush;
}

}  // namespace ticketlog::cli
