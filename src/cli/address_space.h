// How the `ticketlog` tool fits into a limited address space (RLIMIT_AS,
// `ulimit -v`), so that such a limit makes it fail cleanly (exit 2) or not
// at all, instead of aborting inside a thread it could not start.
//
// Without a limit nothing changes: the store keeps its defaults and the
// process its glibc defaults.
#ifndef TICKETLOG_CLI_ADDRESS_SPACE_H_
#define TICKETLOG_CLI_ADDRESS_SPACE_H_

#include <cstdint>
#include <optional>
#include <string_view>

#include "ticketlog/options.h"
#include "ticketlog/status.h"

namespace ticketlog::cli {

// The soft RLIMIT_AS in bytes; nullopt when there is none.
std::optional<uint64_t> AddressSpaceLimit();

// Under a limit, makes threads cheap in address space: one malloc arena for
// all threads and 2 MiB thread stacks. Call first thing in main, before any
// thread starts; not thread-safe.
void FitProcessToAddressSpace();

// Address space that opening a small store takes on top of what the tool
// holds before (19.6 MB): measured 37 to 43 MB once threads are fitted as
// above, mostly the stacks of RocksDB's 16 table-loading threads, which
// glibc keeps cached after they end.
inline constexpr uint64_t kOpenStoreBytes = uint64_t{48} << 20;

// The same for a default `ticketlog demo` run, store included: its peak was
// 103 to 113 MB of address space.
inline constexpr uint64_t kDemoBytes = uint64_t{96} << 20;

// Under a limit, checks that the address space left can hold `bytes` more,
// by reserving and releasing that much (never touched, so it costs no
// memory). Returns OK, or io_error saying that `what` does not fit. Better
// than running out inside RocksDB: a thread it cannot start, or an
// allocation that fails on one of its background threads, aborts the
// process.
Status CheckAddressSpaceLeft(uint64_t bytes, std::string_view what);

// Under a limit, caps the block cache at 1/8 of it and each write buffer
// at 1/32, so that the store's memory grows within the limit.
void FitStoreToAddressSpace(Options& options);

}  // namespace ticketlog::cli

#endif  // TICKETLOG_CLI_ADDRESS_SPACE_H_
