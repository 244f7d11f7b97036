// The engine's side of the change feed: waiting for the next append.
#include <algorithm>
#include <chrono>

#include "engine/engine_impl.h"

namespace ticketlog::engine {

uint64_t EngineImpl::WaitForAppend(uint64_t position, int64_t timeout_ms) {
  // No engine lock: a waiter must not hold off Rebuild or Verify.
  return store_->WaitForHead(
      position, std::chrono::milliseconds(std::max<int64_t>(0, timeout_ms)));
}

}  // namespace ticketlog::engine
