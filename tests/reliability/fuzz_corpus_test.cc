// The fuzz targets' inputs as regression tests, run with the ordinary test
// suite (no clang needed): every seed of fuzz/corpus/ and every input that
// ever crashed a fuzzer (fuzz/regressions/, see fuzz/README.md) goes through
// the same checks as the fuzzer. Also the writer of the event seeds.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "projections/ticket_projection.h"
#include "reliability/event_decode_check.h"
#include "reliability/subprocess.h"
#include "schema/codec.h"
#include "store/event_store.h"
#include "support/engine_fixture.h"
#include "ticketlog/ticketlog.h"

namespace ticketlog::testing {
namespace {

namespace fs = std::filesystem;

fs::path FuzzDir() {
  return fs::path(TICKETLOG_TEST_DATA_DIR).parent_path().parent_path() / "fuzz";
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// The regular files of the named corpus and regression folders.
std::vector<fs::path> Inputs(const std::string& target) {
  std::vector<fs::path> files;
  for (const char* kind : {"corpus", "regressions"}) {
    fs::path dir = FuzzDir() / kind / target;
    if (!fs::is_directory(dir)) continue;
    for (const auto& entry : fs::directory_iterator(dir)) {
      if (entry.is_regular_file() && entry.path().filename() != "README.md") {
        files.push_back(entry.path());
      }
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST_CASE(
    "every event-decoding fuzz input decodes safely and round-trips, and "
    "every seed record is valid",
    "[fuzz-regression]") {
  std::vector<fs::path> files = Inputs("event_decode");
  REQUIRE(files.size() >= 10);
  int envelopes = 0;
  for (const fs::path& file : files) {
    INFO(file.string());
    std::string bytes = ReadFile(file);
    CHECK(CheckEventDecode(bytes) == "");
    std::string name = file.filename().string();
    if (name.rfind("envelope-", 0) == 0) {
      ++envelopes;
      CHECK(schema::DecodeEvent(bytes).ok());
    } else if (name.rfind("view-", 0) == 0) {
      TicketView view;
      CHECK(schema::DecodeTicketView(bytes, view).ok());
    } else if (name.rfind("message-", 0) == 0) {
      Message message;
      CHECK(schema::DecodeMessage(bytes, message).ok());
    }
  }
  CHECK(envelopes >= 15);  // one per event type
}

TEST_CASE("every decoder refuses truncations and bit flips of a valid record",
          "[fuzz-regression]") {
  std::vector<fs::path> files = Inputs("event_decode");
  REQUIRE_FALSE(files.empty());
  std::string record = ReadFile(files.front());
  for (size_t cut = 0; cut < record.size(); ++cut) {
    INFO("cut at " << cut);
    CHECK(CheckEventDecode(std::string_view(record).substr(0, cut)) == "");
  }
  for (size_t bit = 0; bit < record.size() * 8; bit += 3) {
    std::string flipped = record;
    flipped[bit / 8] = static_cast<char>(flipped[bit / 8] ^ (1 << (bit % 8)));
    INFO("bit " << bit);
    CHECK(CheckEventDecode(flipped) == "");
  }
}

// RocksDB hands out values at any address (block cache, PinnableSlice,
// iterators) and FlatBuffers reads 4- and 8-byte scalars with plain loads:
// decoding in place would be undefined behaviour. Meaningful under UBSan
// (scripts/ci-reliability.sh asan), which stops on a misaligned load.
TEST_CASE(
    "a stored record decodes from an unaligned address without undefined "
    "behaviour",
    "[fuzz-regression]") {
  std::vector<fs::path> files = Inputs("event_decode");
  REQUIRE_FALSE(files.empty());
  for (const fs::path& file : files) {
    INFO(file.string());
    std::string bytes = ReadFile(file);
    std::string buffer = "x" + bytes;  // heap-aligned + 1
    std::string_view unaligned = std::string_view(buffer).substr(1);
    std::string name = file.filename().string();
    if (name.rfind("envelope-", 0) == 0) {
      CHECK(schema::DecodeEvent(unaligned).ok());
    } else if (name.rfind("view-", 0) == 0) {
      TicketView view;
      CHECK(schema::DecodeTicketView(unaligned, view).ok());
    } else if (name.rfind("message-", 0) == 0) {
      Message message;
      CHECK(schema::DecodeMessage(unaligned, message).ok());
    }
  }
}

#ifdef TICKETLOG_TOOL_PATH
// The tool runs each line the way the fuzz target parses it.
size_t NonBlankLines(const std::string& text) {
  size_t count = 0;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    for (char c : line) {
      if (!std::isspace(static_cast<unsigned char>(c))) {
        ++count;
        break;
      }
    }
  }
  return count;
}

TEST_CASE(
    "every JSON-command fuzz input gets one well-formed answer per line from "
    "ticketlog apply, and every refusal names a field",
    "[fuzz-regression][tool]") {
  std::vector<fs::path> files = Inputs("json_command");
  REQUIRE(files.size() >= 12);
  TempDir dir;
  int accepted = 0;
  for (const fs::path& file : files) {
    INFO(file.string());
    std::string input = ReadFile(file);
    ProcessResult apply = RunTicketlog(dir.Sub("db"), {"apply", "-"}, input);
    INFO("stderr: " << apply.err);
    CHECK(apply.signal == 0);
    CHECK((apply.exit_code == 0 || apply.exit_code == 1));
    std::istringstream out(apply.out);
    size_t answers = 0;
    for (std::string line; std::getline(out, line); ++answers) {
      auto answer = nlohmann::json::parse(line, nullptr, false);
      REQUIRE(answer.is_object());
      if (answer["ok"] == true) {
        ++accepted;
        continue;
      }
      // The same property the fuzzer checks: "<field>: why".
      std::string message = answer["error"]["message"].get<std::string>();
      INFO("refusal: " << message);
      size_t colon = message.find(": ");
      CHECK((colon != std::string::npos && colon > 0));
    }
    CHECK(answers == NonBlankLines(input));
  }
  // The seeds are mostly valid commands, run in order.
  CHECK(accepted >= 10);
}
#endif  // TICKETLOG_TOOL_PATH

// ---- Writing the event seeds ------------------------------------------------

// Run by hand to regenerate fuzz/corpus/event_decode:
//   TICKETLOG_CORPUS_OUT=fuzz/corpus/event_decode \
//     build/tests/reliability_tests "fuzz corpus writer: ..."
// Writes one stored record per event type, ticket views and messages.
TEST_CASE("fuzz corpus writer: stores every event type and writes the records",
          "[.][corpus-writer]") {
  const char* out = std::getenv("TICKETLOG_CORPUS_OUT");
  if (out == nullptr) {
    SUCCEED("runs only when asked to write the corpus");
    return;
  }
  EngineFixture f;
  f.DefineDirectory("acme");
  f.Must("acme", DefineStatus{"waiting_vendor", "Waiting on the vendor"},
         kT0 + 1);
  OpenTicket open;
  open.subject = "Impressora não imprime — 打印机";
  open.department = "support";
  open.operator_id = "ana";
  open.customer = {"", "c-42", "Maria", "maria@example.com", "+55 11 5555"};
  open.channel = Channel::kWhatsapp;
  open.priority = Priority::kUrgent;
  open.category = "hardware";
  open.labels = {"printer", "vip"};
  open.custom_attributes = {
      {"plan", std::string("pro")}, {"seats", 12.5}, {"trial", false}};
  Attachment photo{"photo.jpg", "image/jpeg", 123456, std::string(64, 'a')};
  open.message = OpeningMessage{
      "It prints blank pages.", MessageKind::kIncoming, false, {photo}};
  const std::string t = f.Must("acme", open, kT0 + kMinute).ticket;
  TimeUs at = kT0 + 2 * kMinute;
  auto next = [&] { return at += kMinute; };
  f.Must("acme", Reply{t, ActorKind::kOperator, "Try a new cartridge."},
         next());
  f.Must("acme", AddComment{t, "ana", "Vendor ticket #7."}, next());
  f.Must("acme", Transfer{t, "billing", "bruno"}, next());
  f.Must("acme", UnlinkOperator{t}, next());
  f.Must("acme", LinkOperator{t, "ana"}, next());
  f.Must("acme", StartStatus{t, "waiting_vendor"}, next());
  f.Must("acme", StopStatus{t}, next());
  Update update;
  update.ticket = t;
  update.subject = "Printer prints blank pages";
  update.channel = Channel::kEmail;
  update.priority = Priority::kHigh;
  update.category = "";
  update.labels = std::vector<std::string>{"printer"};
  update.custom_attributes["seats"] = AttributeValue(13.0);
  update.custom_attributes["trial"] = std::nullopt;
  f.Must("acme", update, next());
  f.Must("acme", Finish{t, "Replaced the cartridge.", "solved"}, next());
  f.Must("acme", Reply{t, ActorKind::kCustomer, "Blank again!"}, next());
  f.Must("acme", Finish{t, "Replaced the printer.", "solved"}, next());
  f.Must("acme", Reopen{t}, next());
  f.Must("acme", Finish{t, "Closing.", "duplicate"}, next());
  f.Must("acme", Close{t}, next());
  f.Must("acme", RemoveOperator{"bruno"}, next());
  f.Close();

  fs::create_directories(out);
  auto write = [&](const std::string& name, const std::string& bytes) {
    std::ofstream file(fs::path(out) / name, std::ios::binary);
    file << bytes;
  };
  auto raw = store::EventStore::Open(f.options());
  REQUIRE(raw.ok());
  std::set<std::string> types;
  REQUIRE((*raw)
              ->ReadLog(1,
                        [&](const store::StoredEvent& stored) {
                          auto event = schema::DecodeEvent(stored.record);
                          REQUIRE(event.ok());
                          std::string type(EventTypeName(event->payload));
                          if (types.insert(type).second) {
                            write("envelope-" + type, stored.record);
                          }
                          return true;
                        })
              .ok());
  CHECK(types.size() == 15);
  auto it = (*raw)->NewCursor(store::Family::kViews);
  int views = 0, messages = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    if (it->key()[0] == 'T' && views < 2) {
      write("view-" + std::to_string(views++), std::string(it->value()));
    }
  }
  // Messages are kept in the stream index entries of their events.
  it = (*raw)->NewCursor(store::Family::kStreams);
  for (it->SeekToFirst(); it->Valid() && messages < 2; it->Next()) {
    uint64_t position = 0;
    std::string_view payload;
    REQUIRE(store::EventStore::ParseStreamEntryValue(it->value(), position,
                                                     payload));
    std::vector<std::string_view> parts;
    REQUIRE(projections::SplitMessagesPayload(payload, parts).ok());
    for (size_t i = 0; i < parts.size() && messages < 2; ++i) {
      write("message-" + std::to_string(messages++), std::string(parts[i]));
    }
  }
  CHECK(views >= 1);
  CHECK(messages >= 2);
}

}  // namespace
}  // namespace ticketlog::testing
