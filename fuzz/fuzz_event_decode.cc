// libFuzzer target: every decoder of stored bytes (envelopes, event bodies,
// ticket views, messages) on arbitrary input. Stored bytes are untrusted: a
// damaged disk or an attacker can put anything in the store, and decoding
// must answer corruption, never crash. The properties checked are in
// tests/reliability/event_decode_check.h, which the regression test
// tests/reliability/fuzz_corpus_test.cc replays on fuzz/corpus/event_decode
// and fuzz/regressions/event_decode.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "reliability/event_decode_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  std::string problem = ticketlog::testing::CheckEventDecode(bytes);
  if (!problem.empty()) {
    std::fprintf(stderr, "fuzz_event_decode: %s\n", problem.c_str());
    std::abort();
  }
  return 0;
}
