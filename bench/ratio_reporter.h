// RatioReporter: Google Benchmark's console output plus, at the end, the
// ratio of the engine's figure to each baseline's, measured in the same run.
//
// Benchmarks name their backend as one segment of their name, e.g.
// "Append/ticketlog/threads:2" and "Append/limit/threads:2". For every run
// whose name holds the subject segment ("ticketlog"), the reporter looks up
// the run with that segment replaced by each baseline and prints
// subject / baseline: items per second for throughput benchmarks (higher
// is better for the engine), real time per iteration for latency
// benchmarks (lower is better for the engine).
#ifndef TICKETLOG_BENCH_RATIO_REPORTER_H_
#define TICKETLOG_BENCH_RATIO_REPORTER_H_

#include <benchmark/benchmark.h>

#include <map>
#include <string>
#include <vector>

namespace ticketlog::bench {

class RatioReporter : public benchmark::ConsoleReporter {
 public:
  enum class Metric { kItemsPerSecond, kRealTime };

  RatioReporter(std::string subject, std::vector<std::string> baselines,
                Metric metric);

  void ReportRuns(const std::vector<Run>& runs) override;
  void Finalize() override;

 private:
  std::string subject_;
  std::vector<std::string> baselines_;
  Metric metric_;
  std::vector<std::string> order_;        // run names as reported
  std::map<std::string, double> values_;  // run name -> metric
};

}  // namespace ticketlog::bench

#endif  // TICKETLOG_BENCH_RATIO_REPORTER_H_
