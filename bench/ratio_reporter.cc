#include "bench/ratio_reporter.h"

#include <unistd.h>

#include <cstdio>
#include <ostream>
#include <sstream>
#include <utility>

namespace ticketlog::bench {
namespace {

std::vector<std::string> Segments(const std::string& name) {
  std::vector<std::string> out;
  std::stringstream in(name);
  std::string part;
  while (std::getline(in, part, '/')) out.push_back(part);
  return out;
}

std::string Join(const std::vector<std::string>& parts) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out.push_back('/');
    out += parts[i];
  }
  return out;
}

}  // namespace

RatioReporter::RatioReporter(std::string subject,
                             std::vector<std::string> baselines, Metric metric)
    // Colour only on a terminal, as the library's default reporter does.
    : ConsoleReporter(isatty(STDOUT_FILENO) ? OO_ColorTabular : OO_Tabular),
      subject_(std::move(subject)),
      baselines_(std::move(baselines)),
      metric_(metric) {}

void RatioReporter::ReportRuns(const std::vector<Run>& runs) {
  ConsoleReporter::ReportRuns(runs);
  for (const Run& run : runs) {
    if (run.error_occurred || run.run_type != Run::RT_Iteration) continue;
    double value = 0;
    if (metric_ == Metric::kItemsPerSecond) {
      auto it = run.counters.find("items_per_second");
      if (it == run.counters.end()) continue;
      value = it->second.value;
    } else {
      value = run.GetAdjustedRealTime();
    }
    std::string name = run.benchmark_name();
    if (!values_.count(name)) order_.push_back(name);
    values_[name] = value;
  }
}

void RatioReporter::Finalize() {
  ConsoleReporter::Finalize();
  std::ostream& out = GetOutputStream();
  out << "\n"
      << subject_ << " ratios ("
      << (metric_ == Metric::kItemsPerSecond
              ? "items/s of " + subject_ + " / items/s of the baseline"
              : "time of " + subject_ + " / time of the baseline")
      << "), measured in this run:\n";
  bool any = false;
  for (const std::string& name : order_) {
    std::vector<std::string> parts = Segments(name);
    for (size_t i = 0; i < parts.size(); ++i) {
      if (parts[i] != subject_) continue;
      for (const std::string& baseline : baselines_) {
        std::vector<std::string> other = parts;
        other[i] = baseline;
        auto it = values_.find(Join(other));
        if (it == values_.end() || it->second <= 0) continue;
        char ratio[32];
        std::snprintf(ratio, sizeof ratio, "%.3f",
                      values_.at(name) / it->second);
        out << "  " << name << "  " << subject_ << "/" << baseline << " = "
            << ratio << "\n";
        any = true;
      }
    }
  }
  if (!any) out << "  (no pairs of runs to compare)\n";
  out.flush();
}

}  // namespace ticketlog::bench
