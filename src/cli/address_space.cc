#include "cli/address_space.h"

#include <sys/mman.h>
#include <sys/resource.h>

#include <algorithm>
#include <string>

#if defined(__GLIBC__)
#include <malloc.h>
#include <pthread.h>
#endif

namespace ticketlog::cli {

std::optional<uint64_t> AddressSpaceLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_AS, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) {
    return std::nullopt;
  }
  return static_cast<uint64_t>(limit.rlim_cur);
}

// Opening a RocksDB store starts 16 short-lived table-loading threads
// (max_file_opening_threads) besides its background threads, and a thread
// that fails to start there is std::terminate, not an error. With glibc's
// defaults each thread reserves an 8 MiB stack and, when it first
// allocates, a 64 MiB malloc arena: measured with `ticketlog apply` on a new
// store, the peak was 554 MB of address space, and under `ulimit -v 400000`
// one run in five aborted, under 300000 every run. With one arena and
// 2 MiB stacks the same run peaks at 58 MB.
void FitProcessToAddressSpace() {
#if defined(__GLIBC__)
  if (!AddressSpaceLimit()) return;
  mallopt(M_ARENA_MAX, 1);
  constexpr size_t kThreadStackBytes = size_t{2} << 20;
  pthread_attr_t attr;
  if (pthread_getattr_default_np(&attr) != 0) return;
  size_t stack_bytes = 0;
  if (pthread_attr_getstacksize(&attr, &stack_bytes) == 0 &&
      stack_bytes > kThreadStackBytes &&
      pthread_attr_setstacksize(&attr, kThreadStackBytes) == 0) {
    pthread_setattr_default_np(&attr);
  }
  pthread_attr_destroy(&attr);
#endif
}

Status CheckAddressSpaceLeft(uint64_t bytes, std::string_view what) {
  std::optional<uint64_t> limit = AddressSpaceLimit();
  if (!limit) return Status::OK();
  void* room = mmap(nullptr, bytes, PROT_NONE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (room == MAP_FAILED) {
    return Status::IoError(
        "not enough address space: " + std::string(what) + " takes about " +
        std::to_string(bytes >> 20) + " MiB more than the limit of " +
        std::to_string(*limit >> 10) + " KiB (ulimit -v) leaves");
  }
  munmap(room, bytes);
  return Status::OK();
}

void FitStoreToAddressSpace(Options& options) {
  std::optional<uint64_t> limit = AddressSpaceLimit();
  if (!limit) return;
  options.block_cache_bytes =
      std::min<uint64_t>(options.block_cache_bytes, *limit / 8);
  options.write_buffer_bytes =
      std::min<uint64_t>(options.write_buffer_bytes, *limit / 32);
}

}  // namespace ticketlog::cli
