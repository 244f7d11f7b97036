// Flags of the Google Benchmark programs that are ours, not the library's.
// They are spelled --tl_NAME=VALUE (or --tl_NAME for true) and removed from
// argv before benchmark::Initialize sees it, so that the library's own flags
// (--benchmark_filter, --benchmark_format, ...) keep working.
#ifndef TICKETLOG_BENCH_BENCH_FLAGS_H_
#define TICKETLOG_BENCH_BENCH_FLAGS_H_

#include <map>
#include <string>

namespace ticketlog::bench {

class BenchFlags {
 public:
  // Takes the --tl_ flags out of argv (adjusting argc).
  BenchFlags(int* argc, char** argv);

  std::string Get(const std::string& name, const std::string& fallback) const;
  long long GetInt(const std::string& name, long long fallback) const;
  bool GetBool(const std::string& name) const;

 private:
  std::map<std::string, std::string> values_;
};

}  // namespace ticketlog::bench

#endif  // TICKETLOG_BENCH_BENCH_FLAGS_H_
