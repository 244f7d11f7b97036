#include "store/event_store.h"

#include <fcntl.h>
#include <rocksdb/db.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <thread>

#include "base/text.h"
#include "schema/codec.h"
#include "store/coding.h"
#include "support/temp_dir.h"

using namespace ticketlog;
using store::AppendRequest;
using store::EventStore;
using ticketlog::testing::TempDir;

namespace {

Options StoreOptions(const TempDir& dir, bool sync = false) {
  Options options;
  options.path = dir.Sub("db");
  options.sync = sync;
  return options;
}

std::unique_ptr<EventStore> OpenStore(const Options& options) {
  auto store = EventStore::Open(options);
  REQUIRE(store.ok());
  return std::move(*store);
}

// An encoded event body carrying `text` as a comment on `stream`.
std::string Body(const std::string& stream, const std::string& text) {
  Event event;
  event.event_id = base::NewUuid();
  event.account = "acme";
  event.stream = stream;
  event.occurred_at_us = 1'700'000'000'000'000;
  event.recorded_at_us = event.occurred_at_us;
  event.actor = {ActorKind::kOperator, "op-1"};
  Message message;
  message.seq = 1;
  message.kind = MessageKind::kNote;
  message.author = ActorKind::kOperator;
  message.author_id = "op-1";
  message.content = text;
  event.payload = MessageAdded{message};
  return schema::EncodeEventBody(event);
}

AppendRequest Request(const std::string& stream, uint64_t expected,
                      std::vector<std::string> texts) {
  AppendRequest request;
  request.stream = stream;
  request.expected_version = expected;
  for (const auto& text : texts) request.events.push_back(Body(stream, text));
  return request;
}

// The log as text, one line per event: "position stream@version content".
std::string PrintLog(EventStore& store) {
  std::string out;
  Status s = store.ReadLog(1, [&](const store::StoredEvent& stored) {
    Event event;
    REQUIRE(schema::DecodeEventBody(stored.body, event).ok());
    out += std::to_string(stored.position) + " " + event.stream + "@" +
           std::to_string(stored.version) + " " +
           std::get<MessageAdded>(event.payload).message.content + "\n";
    return true;
  });
  REQUIRE(s.ok());
  return out;
}

}  // namespace

TEST_CASE("a stored event's body follows its record through copies and moves",
          "[store]") {
  TempDir dir;
  auto store = OpenStore(StoreOptions(dir));
  REQUIRE(store->Append(Request("t1", 0, {"hello", "world"})).ok());
  std::vector<store::StoredEvent> kept;
  REQUIRE(store
              ->ReadLog(1,
                        [&](store::StoredEvent&& event) {
                          store::StoredEvent copy = event;   // a copy
                          kept.push_back(std::move(event));  // and a move
                          kept.push_back(copy);
                          return true;
                        })
              .ok());
  kept.shrink_to_fit();  // moves them all once more
  REQUIRE(kept.size() == 4);
  for (const store::StoredEvent& event : kept) {
    const char* begin = event.record.data();
    CHECK(event.body.data() >= begin);
    CHECK(event.body.data() + event.body.size() <= begin + event.record.size());
    CHECK(store::ChainHash(event.prev_hash, event.position, event.version,
                           event.body) == event.hash);
  }
  store::StoredEvent assigned;
  assigned = kept[3];
  kept.clear();
  CHECK(store::ChainHash(assigned.prev_hash, assigned.position,
                         assigned.version, assigned.body) == assigned.hash);
}

TEST_CASE("append then read returns the events in order", "[store]") {
  TempDir dir;
  auto store = OpenStore(StoreOptions(dir));
  auto first = store->Append(Request("t1", 0, {"hello", "world"}));
  REQUIRE(first.ok());
  CHECK(first->first_position == 1);
  CHECK(first->last_position == 2);
  CHECK(first->last_version == 2);
  auto second = store->Append(Request("t2", 0, {"other"}));
  REQUIRE(second.ok());
  auto third = store->Append(Request("t1", 2, {"again"}));
  REQUIRE(third.ok());
  CHECK(third->last_version == 3);

  CHECK(PrintLog(*store) ==
        "1 t1@1 hello\n"
        "2 t1@2 world\n"
        "3 t2@1 other\n"
        "4 t1@3 again\n");

  std::string stream;
  REQUIRE(store
              ->ReadStream("t1", 2,
                           [&](const store::StoredEvent& e) {
                             stream += std::to_string(e.position) + "@" +
                                       std::to_string(e.version) + " ";
                             return true;
                           })
              .ok());
  CHECK(stream == "2@2 4@3 ");
  auto head = store->GetStreamHead("t1");
  REQUIRE(head.ok());
  CHECK(head->version == 3);
  CHECK(head->position == 4);
  CHECK(store->Head().position == 4);
}

TEST_CASE("append refuses a stale expected version", "[store]") {
  TempDir dir;
  auto store = OpenStore(StoreOptions(dir));
  REQUIRE(store->Append(Request("t1", 0, {"a", "b"})).ok());
  auto stale = store->Append(Request("t1", 1, {"c"}));
  REQUIRE_FALSE(stale.ok());
  CHECK(stale.status().code() == Code::kConflict);
  CHECK(stale.status().current_version() == 2u);
  auto exists = store->Append(Request("t1", 0, {"c"}));
  CHECK(exists.status().code() == Code::kConflict);
  CHECK(store->Head().position == 2);
  CHECK(store->Append(Request("t1", store::kAnyVersion, {"c"})).ok());
}

TEST_CASE("a stream head the store keeps in memory follows every append",
          "[store]") {
  TempDir dir;
  auto store = OpenStore(StoreOptions(dir));
  REQUIRE(store->Append(Request("t1", 0, {"a"})).ok());
  // Another stream appended beside it (checked after the join: Catch's
  // assertions are for one thread).
  Status beside;
  std::thread other(
      [&] { beside = store->Append(Request("t2", 0, {"x"})).status(); });
  REQUIRE(store->Append(Request("t1", 1, {"b", "c"})).ok());
  other.join();
  REQUIRE(beside.ok());
  auto stale = store->Append(Request("t1", 2, {"d"}));
  REQUIRE(stale.status().code() == Code::kConflict);
  CHECK(stale.status().current_version() == 3u);
  auto next = store->Append(Request("t1", 3, {"d"}));
  REQUIRE(next.ok());
  CHECK(next->last_version == 4u);
  CHECK(next->last_position == 5u);
  // A refused request moves no head.
  CHECK(store->Append(Request("t1", 9, {"e"})).status().code() ==
        Code::kConflict);
  CHECK(store->Append(Request("t1", 4, {"e"}))->last_version == 5u);
}

TEST_CASE("an entry written past Append moves the stream head appends check",
          "[store]") {
  TempDir dir;
  auto store = OpenStore(StoreOptions(dir));
  REQUIRE(store->Append(Request("t1", 0, {"a", "b"})).ok());
  // What repair and the format upgrade do: write stream index entries
  // directly. The head this process kept for t1 (version 2) is stale now.
  REQUIRE(store
              ->WriteOps({{store::Family::kStreams, store::ViewOp::Kind::kPut,
                           EventStore::StreamVersionKey("t1", 3),
                           EventStore::StreamEntryValue(3, "")}})
              .ok());
  auto stale = store->Append(Request("t1", 2, {"c"}));
  REQUIRE_FALSE(stale.ok());
  CHECK(stale.status().code() == Code::kConflict);
  CHECK(stale.status().current_version() == 3u);
}

TEST_CASE("a repeated command key appends nothing and returns the first result",
          "[store]") {
  TempDir dir;
  auto store = OpenStore(StoreOptions(dir));
  AppendRequest request = Request("t1", 0, {"a"});
  request.command_key = "acme/cmd-1";
  request.command_result = "first";
  auto first = store->Append(request);
  REQUIRE(first.ok());
  CHECK_FALSE(first->duplicate);

  AppendRequest again = Request("t1", store::kAnyVersion, {"a"});
  again.command_key = "acme/cmd-1";
  again.command_result = "second";
  auto repeat = store->Append(again);
  REQUIRE(repeat.ok());
  CHECK(repeat->duplicate);
  CHECK(repeat->command_result == "first");
  CHECK(repeat->last_position == first->last_position);
  CHECK(repeat->last_version == first->last_version);
  CHECK(store->Head().position == 1);
}

TEST_CASE("positions stay dense with four threads appending", "[store]") {
  TempDir dir;
  auto store = OpenStore(StoreOptions(dir));
  constexpr int kThreads = 4;
  constexpr int kAppends = 200;
  std::vector<std::thread> threads;
  std::atomic<int> conflicts{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kAppends; ++i) {
        // Odd appends go to a stream of this thread's own, even ones to a
        // stream every thread shares.
        std::string stream = i % 2 ? "own-" + std::to_string(t) : "shared";
        auto r = store->Append(
            Request(stream, store::kAnyVersion,
                    {std::to_string(t) + ":" + std::to_string(i)}));
        if (!r.ok()) conflicts++;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(conflicts == 0);

  uint64_t expected_position = 1;
  std::map<std::string, uint64_t> versions;
  std::set<std::string> contents;
  REQUIRE(store
              ->ReadLog(
                  1,
                  [&](const store::StoredEvent& stored) {
                    CHECK(stored.position == expected_position);
                    ++expected_position;
                    Event event;
                    REQUIRE(schema::DecodeEventBody(stored.body, event).ok());
                    CHECK(stored.version == ++versions[event.stream]);
                    contents.insert(
                        std::get<MessageAdded>(event.payload).message.content);
                    return true;
                  })
              .ok());
  CHECK(expected_position - 1 == kThreads * kAppends);
  CHECK(contents.size() == kThreads * kAppends);
  CHECK(versions["shared"] == kThreads * kAppends / 2);
  CHECK(store->Head().position == kThreads * kAppends);
}

TEST_CASE(
    "concurrent appends with expected versions on one stream never "
    "both win",
    "[store]") {
  TempDir dir;
  auto store = OpenStore(StoreOptions(dir));
  std::atomic<int> accepted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (uint64_t v = 0; v < 50; ++v) {
        if (store->Append(Request("hot", v, {"x"})).ok()) accepted++;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  // Each version can be claimed once: exactly 50 appends succeed.
  CHECK(accepted == 50);
  CHECK(store->GetStreamHead("hot")->version == 50);
}

TEST_CASE("every event's hash links to its predecessor", "[store]") {
  TempDir dir;
  auto store = OpenStore(StoreOptions(dir));
  for (int i = 0; i < 20; ++i) {
    REQUIRE(store
                ->Append(Request("t" + std::to_string(i % 3),
                                 store::kAnyVersion, {std::to_string(i)}))
                .ok());
  }
  std::string prev = store::kZeroHash;
  int count = 0;
  REQUIRE(store
              ->ReadLog(1,
                        [&](const store::StoredEvent& e) {
                          CHECK(e.prev_hash == prev);
                          CHECK(e.hash == store::ChainHash(e.prev_hash,
                                                           e.position,
                                                           e.version, e.body));
                          prev = e.hash;
                          ++count;
                          return true;
                        })
              .ok());
  CHECK(count == 20);
  CHECK(store->Head().hash == prev);
}

TEST_CASE("a store closed and reopened goes on where it stopped", "[store]") {
  TempDir dir;
  Options options = StoreOptions(dir, /*sync=*/true);
  std::string head_hash;
  {
    auto store = OpenStore(options);
    REQUIRE(store->Append(Request("t1", 0, {"a", "b"})).ok());
    AppendRequest keyed = Request("t2", 0, {"c"});
    keyed.command_key = "k";
    REQUIRE(store->Append(keyed).ok());
    head_hash = store->Head().hash;
  }
  auto store = OpenStore(options);
  CHECK(store->Head().position == 3);
  CHECK(store->Head().hash == head_hash);
  auto next = store->Append(Request("t1", 2, {"d"}));
  REQUIRE(next.ok());
  CHECK(next->last_position == 4);
  CHECK(next->last_version == 3);
  AppendRequest keyed = Request("t2", store::kAnyVersion, {"c"});
  keyed.command_key = "k";
  CHECK(store->Append(keyed)->duplicate);
  CHECK(PrintLog(*store) ==
        "1 t1@1 a\n"
        "2 t1@2 b\n"
        "3 t2@1 c\n"
        "4 t1@3 d\n");
}

TEST_CASE("a second open of the same directory is refused as busy", "[store]") {
  TempDir dir;
  Options options = StoreOptions(dir);
  auto first = OpenStore(options);
  auto second = EventStore::Open(options);
  REQUIRE_FALSE(second.ok());
  CHECK(second.status().code() == Code::kBusy);
}

TEST_CASE("a log record overwritten with garbage is reported as corruption",
          "[store]") {
  TempDir dir;
  auto store = OpenStore(StoreOptions(dir));
  REQUIRE(store->Append(Request("t1", 0, {"a", "b", "c"})).ok());
  rocksdb::WriteOptions write;
  REQUIRE(store->db()
              ->Put(write, store->handle(store::Family::kLog),
                    store::BigEndian64(2), "\x01garbage that is no envelope")
              .ok());

  auto read = store->ReadEvent(2);
  REQUIRE_FALSE(read.ok());
  CHECK(read.status().code() == Code::kCorruption);
  CHECK_THAT(read.status().message(), Catch::Contains("2"));

  std::vector<uint64_t> seen;
  Status scan = store->ReadLog(1, [&](const store::StoredEvent& e) {
    seen.push_back(e.position);
    return true;
  });
  CHECK(scan.code() == Code::kCorruption);
  CHECK(seen == std::vector<uint64_t>{1});

  Status stream = store->ReadStream("t1", 1, [](const auto&) { return true; });
  CHECK(stream.code() == Code::kCorruption);
}

TEST_CASE("a valid record moved to another position is corruption", "[store]") {
  TempDir dir;
  auto store = OpenStore(StoreOptions(dir));
  REQUIRE(store->Append(Request("t1", 0, {"a", "b"})).ok());
  auto first = store->ReadEvent(1);
  REQUIRE(first.ok());
  REQUIRE(store->db()
              ->Put(rocksdb::WriteOptions(), store->handle(store::Family::kLog),
                    store::BigEndian64(2), first->record)
              .ok());
  CHECK(store->ReadEvent(2).status().code() == Code::kCorruption);
}

TEST_CASE("replaced views go live in one switch that a reopen keeps",
          "[store][views]") {
  TempDir dir;
  Options options = StoreOptions(dir);
  {
    auto store = OpenStore(options);
    AppendRequest request = Request("t1", 0, {"a"});
    request.view_ops.push_back({store::ViewOp::Kind::kPut, "Aold", "1"});
    REQUIRE(store->Append(request).ok());
    REQUIRE(store->ReplaceViews({{"Anew", "2"}, {"Bnew", "3"}}, 2).ok());
    CHECK_FALSE(store->GetView("Aold")->has_value());
    CHECK(store->GetView("Anew")->value() == "2");
    // Live writes go to the slot that is live now.
    AppendRequest next = Request("t1", 1, {"b"});
    next.view_ops.push_back({store::ViewOp::Kind::kPut, "Cnext", "4"});
    REQUIRE(store->Append(next).ok());
  }
  {
    auto store = OpenStore(options);
    CHECK_FALSE(store->GetView("Aold")->has_value());
    CHECK(store->GetView("Bnew")->value() == "3");
    CHECK(store->GetView("Cnext")->value() == "4");
    // And back to the first slot, which the switch left empty.
    REQUIRE(store->ReplaceViews({{"Dlast", "5"}}, 2).ok());
    CHECK_FALSE(store->GetView("Aold")->has_value());
    CHECK_FALSE(store->GetView("Cnext")->has_value());
    CHECK(store->GetView("Dlast")->value() == "5");
  }
  Options reader = options;
  reader.read_only = true;
  auto store = OpenStore(reader);
  CHECK(store->GetView("Dlast")->value() == "5");
  CHECK_FALSE(store->GetView("Bnew")->has_value());
}

TEST_CASE(
    "a large view replacement, written as files on two threads, keeps every "
    "entry in key order",
    "[store][views]") {
  TempDir dir;
  auto store = OpenStore(StoreOptions(dir));
  // Enough entries for two writers; a run of long values in the first part
  // moves the split point (the halves hold equal bytes, not equal counts).
  constexpr int kEntries = 150000;
  std::vector<std::string> keys, values;
  for (int i = 0; i < kEntries; ++i) {
    keys.push_back("K" + store::BigEndian64(static_cast<uint64_t>(i)));
    values.push_back(i < 20000
                         ? std::string(200, static_cast<char>('a' + i % 26))
                         : std::to_string(i));
  }
  std::vector<std::pair<std::string_view, std::string_view>> entries;
  for (int i = 0; i < kEntries; ++i) entries.emplace_back(keys[i], values[i]);
  REQUIRE(store->ReplaceViews(entries, 2).ok());
  auto it = store->NewCursor(store::Family::kViews);
  int seen = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next(), ++seen) {
    REQUIRE(seen < kEntries);
    REQUIRE(it->key() == keys[seen]);
    REQUIRE(it->value() == values[seen]);
  }
  REQUIRE(it->status().ok());
  CHECK(seen == kEntries);
  // One file from each writer.
  rocksdb::ColumnFamilyMetaData meta;
  store->db()->GetColumnFamilyMetaData(store->handle(store::Family::kViews),
                                       &meta);
  CHECK(meta.file_count == 2);
  // The rebuild folder of files is gone once they are ingested.
  CHECK_FALSE(std::filesystem::exists(dir.Sub("db/rebuild")));
}

TEST_CASE(
    "a reader beside a writer sees the writes made before its open, "
    "whole, and none after",
    "[store][readers]") {
  TempDir dir;
  Options options = StoreOptions(dir, /*sync=*/true);
  auto writer = OpenStore(options);
  REQUIRE(writer->Append(Request("t1", 0, {"a", "b"})).ok());
  Options reader_options = options;
  reader_options.read_only = true;
  auto reader = OpenStore(reader_options);
  REQUIRE(writer->Append(Request("t2", 0, {"c"})).ok());
  CHECK(reader->Head().position == 2);
  CHECK(PrintLog(*reader) ==
        "1 t1@1 a\n"
        "2 t1@2 b\n");
  CHECK(reader->GetStreamHead("t2")->version == 0);
  auto refused = reader->Append(Request("t3", 0, {"d"}));
  CHECK(refused.status().code() == Code::kIoError);
  auto later = OpenStore(reader_options);
  CHECK(later->Head().position == 3);
}

TEST_CASE(
    "a reader removes the directories of readers that were killed, and only "
    "those",
    "[store][readers]") {
  TempDir dir;
  TempDir temp;
  // Readers make their directories under TMPDIR: this test's own.
  struct TmpDirScope {
    std::optional<std::string> saved;
    explicit TmpDirScope(const std::string& path) {
      if (const char* old = std::getenv("TMPDIR")) saved = old;
      setenv("TMPDIR", path.c_str(), 1);
    }
    ~TmpDirScope() {
      if (saved) {
        setenv("TMPDIR", saved->c_str(), 1);
      } else {
        unsetenv("TMPDIR");
      }
    }
  } scope(temp.path());
  // A process that has ended: a reader killed before its close.
  pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) _exit(0);
  REQUIRE(waitpid(child, nullptr, 0) == child);
  const std::string prefix = "ticketlog-reader-";
  const std::string dead = temp.Sub(prefix + std::to_string(child) + "-aB3dE9");
  const std::string alive =
      temp.Sub(prefix + std::to_string(getpid()) + "-aB3dE9");
  const std::string unnamed = temp.Sub(prefix + "aB3dE9");  // no process id
  const std::string not_a_dir =
      temp.Sub(prefix + std::to_string(child) + "-file00");
  // A live reader in another PID namespace: its process id means nothing
  // here, but it holds the lock on its directory's lock file.
  const std::string locked =
      temp.Sub(prefix + std::to_string(child) + "-lOcKed");
  std::filesystem::create_directories(locked);
  int lock_fd =
      open((locked + "/ticketlog-reader.lock").c_str(), O_RDWR | O_CREAT, 0600);
  REQUIRE(lock_fd >= 0);
  REQUIRE(flock(lock_fd, LOCK_EX) == 0);
  std::filesystem::create_directories(dead + "/inside");
  // A dead reader's lock file, no longer locked.
  std::ofstream(dead + "/ticketlog-reader.lock") << "";
  std::filesystem::create_directories(alive);
  std::filesystem::create_directories(unnamed);
  std::ofstream(not_a_dir) << "x";

  Options options = StoreOptions(dir);
  {
    auto writer = OpenStore(options);
    REQUIRE(writer->Append(Request("t1", 0, {"a"})).ok());
  }
  auto entries = [&] {
    std::set<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(temp.path())) {
      names.insert(e.path().filename().string());
    }
    return names;
  };
  Options reader_options = options;
  reader_options.read_only = true;
  {
    auto reader = OpenStore(reader_options);
    CHECK(reader->Head().position == 1);
    std::set<std::string> names = entries();
    CHECK_FALSE(std::filesystem::exists(dead));
    CHECK(std::filesystem::exists(alive));
    CHECK(std::filesystem::exists(unnamed));
    CHECK(std::filesystem::exists(not_a_dir));
    CHECK(std::filesystem::exists(locked));
    // Its own, named by this process: the other alive one and a new one.
    CHECK(std::count_if(names.begin(), names.end(), [&](const std::string& n) {
            return n.starts_with(prefix + std::to_string(getpid()) + "-");
          }) == 2);
    CHECK(names.size() == 5);
    // It holds its own lock file's lock.
    auto own = std::find_if(names.begin(), names.end(), [&](const auto& n) {
      return n.starts_with(prefix + std::to_string(getpid()) + "-") &&
             temp.Sub(n) != alive;
    });
    REQUIRE(own != names.end());
    int own_fd =
        open((temp.Sub(*own) + "/ticketlog-reader.lock").c_str(), O_RDONLY);
    REQUIRE(own_fd >= 0);
    CHECK(flock(own_fd, LOCK_EX | LOCK_NB) != 0);
    close(own_fd);
  }
  close(lock_fd);
  // Closed: its own directory is gone too.
  CHECK(entries() == std::set<std::string>{
                         std::filesystem::path(locked).filename().string(),
                         std::filesystem::path(alive).filename().string(),
                         std::filesystem::path(unnamed).filename().string(),
                         std::filesystem::path(not_a_dir).filename().string()});
}

TEST_CASE("a reader of a directory that holds no store fails with io_error",
          "[store][readers]") {
  TempDir dir;
  Options options = StoreOptions(dir);
  options.read_only = true;
  options.create_if_missing = false;
  auto store = EventStore::Open(options);
  REQUIRE_FALSE(store.ok());
  CHECK(store.status().code() == Code::kIoError);
}

TEST_CASE("an append writes its other streams first, each at its own version",
          "[store]") {
  TempDir dir;
  auto store = OpenStore(StoreOptions(dir));
  REQUIRE(store->Append(Request("source", 0, {"s1", "s2"})).ok());
  REQUIRE(store->Append(Request("target", 0, {"t1"})).ok());

  AppendRequest merge = Request("target", 1, {"t2"});
  merge.other_streams.push_back(
      {"source", 2, {Body("source", "s3"), Body("source", "s4")}});
  auto result = store->Append(merge);
  REQUIRE(result.ok());
  // The result describes the request's own stream.
  CHECK(result->first_position == 4);
  CHECK(result->last_position == 6);
  CHECK(result->last_version == 2);
  CHECK(PrintLog(*store) ==
        "1 source@1 s1\n2 source@2 s2\n3 target@1 t1\n"
        "4 source@3 s3\n5 source@4 s4\n6 target@2 t2\n");
  auto source_head = store->GetStreamHead("source");
  REQUIRE(source_head.ok());
  CHECK(source_head->version == 4);
  CHECK(source_head->position == 5);
}

TEST_CASE("a stale version on any stream of an append writes nothing",
          "[store]") {
  TempDir dir;
  auto store = OpenStore(StoreOptions(dir));
  REQUIRE(store->Append(Request("source", 0, {"s1"})).ok());
  REQUIRE(store->Append(Request("target", 0, {"t1"})).ok());

  AppendRequest stale_other = Request("target", 1, {"t2"});
  stale_other.other_streams.push_back({"source", 0, {Body("source", "s2")}});
  auto refused = store->Append(stale_other);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == Code::kConflict);
  CHECK(refused.status().current_version() == 1u);

  AppendRequest stale_own = Request("target", 0, {"t2"});
  stale_own.other_streams.push_back({"source", 1, {Body("source", "s2")}});
  CHECK(store->Append(stale_own).status().code() == Code::kConflict);
  CHECK(PrintLog(*store) == "1 source@1 s1\n2 target@1 t1\n");
  CHECK(store->Head().position == 2);
}

TEST_CASE(
    "a stream index scanned through a read view sees the entries of that "
    "view's snapshot only",
    "[store]") {
  TempDir dir;
  auto store = OpenStore(StoreOptions(dir));
  REQUIRE(store->Append(Request("t1", 0, {"a"})).ok());
  auto view = store->NewReadView();
  REQUIRE(store->Append(Request("t1", 1, {"b"})).ok());
  auto versions = [&](const store::ReadView* at) {
    std::vector<uint64_t> seen;
    REQUIRE(store
                ->ScanStreamIndex(
                    "t1", 1,
                    [&](uint64_t version, uint64_t, std::string_view) {
                      seen.push_back(version);
                      return true;
                    },
                    at)
                .ok());
    return seen;
  };
  CHECK(versions(view.get()) == std::vector<uint64_t>{1});
  CHECK(versions(nullptr) == std::vector<uint64_t>{1, 2});
}

TEST_CASE("a stream index entry keeps the payload given with its event",
          "[store]") {
  TempDir dir;
  auto store = OpenStore(StoreOptions(dir));
  AppendRequest first = Request("t1", 0, {"a", "b"});
  first.index_payloads = {"", "payload of b"};
  REQUIRE(store->Append(std::move(first)).ok());
  AppendRequest second = Request("t1", 2, {"c"});
  second.index_payloads = {std::string(5000, 'c')};
  store::StreamAppend& other = second.other_streams.emplace_back();
  other.stream = "t2";
  other.expected_version = 0;
  other.events = {Body("t2", "d")};
  other.index_payloads = {"payload of d"};
  REQUIRE(store->Append(std::move(second)).ok());

  std::vector<std::string> seen;
  auto scan = [&](const std::string& stream, uint64_t from) {
    seen.clear();
    REQUIRE(store
                ->ScanStreamIndex(stream, from,
                                  [&](uint64_t version, uint64_t position,
                                      std::string_view payload) {
                                    seen.push_back(
                                        std::to_string(version) + "@" +
                                        std::to_string(position) + " " +
                                        std::string(payload.substr(0, 12)));
                                    return true;
                                  })
                .ok());
  };
  scan("t1", 1);
  CHECK(seen == std::vector<std::string>{"1@1 ", "2@2 payload of b",
                                         "3@4 cccccccccccc"});
  scan("t1", 3);
  CHECK(seen == std::vector<std::string>{"3@4 cccccccccccc"});
  scan("t2", 0);
  CHECK(seen == std::vector<std::string>{"1@3 payload of d"});

  // The heads and the stream's events read through entries with payloads.
  auto head = store->GetStreamHead("t1");
  REQUIRE(head.ok());
  CHECK(head->version == 3);
  CHECK(head->position == 4);
  auto at = store->StreamHeadIfAt("t1", 3);
  REQUIRE(at.ok());
  CHECK(at->position == 4);
  std::vector<uint64_t> positions;
  REQUIRE(store
              ->ReadStream("t1", 2,
                           [&](const store::StoredEvent& stored) {
                             positions.push_back(stored.position);
                             return true;
                           })
              .ok());
  CHECK(positions == std::vector<uint64_t>{2, 4});
}

TEST_CASE("an append whose payloads do not match its events writes nothing",
          "[store]") {
  TempDir dir;
  auto store = OpenStore(StoreOptions(dir));
  AppendRequest request = Request("t1", 0, {"a", "b"});
  request.index_payloads = {"only one"};
  auto result = store->Append(std::move(request));
  REQUIRE_FALSE(result.ok());
  CHECK(result.status().code() == Code::kInvalidArgument);
  CHECK(store->Head().position == 0);
}

namespace {

// A slot vector (store/coding.h) of `pairs`, given in slot order.
std::string SlotVector(std::vector<std::pair<uint8_t, int64_t>> pairs) {
  std::string out;
  for (auto [slot, count] : pairs) store::PutSlotCount(out, slot, count);
  return out;
}

// A view value as text: "slot=count" pairs, "" for the empty vector.
std::string PrintSlots(const StatusOr<std::optional<std::string>>& value) {
  if (!value.ok()) return "error: " + value.status().message();
  if (!value->has_value()) return "absent";
  std::string out;
  bool ok = store::ForEachSlotCount(**value, [&](uint8_t slot, int64_t n) {
    if (!out.empty()) out += " ";
    out += std::to_string(slot) + "=" + std::to_string(n);
  });
  return ok ? out : "not a slot vector";
}

int64_t Scalar(const StatusOr<std::optional<std::string>>& value) {
  REQUIRE(value.ok());
  REQUIRE(value->has_value());
  REQUIRE((*value)->size() == 8);
  return static_cast<int64_t>(store::GetBigEndian64(**value));
}

// Appends an event to "t1" with `merges` as its view ops.
void Merge(EventStore& store,
           std::vector<std::pair<std::string, std::string>> merges) {
  uint64_t version = store.GetStreamHead("t1")->version;
  AppendRequest request = Request("t1", version, {"m"});
  for (auto& [key, value] : merges) {
    request.view_ops.push_back(
        {store::ViewOp::Kind::kMerge, std::move(key), std::move(value)});
  }
  REQUIRE(store.Append(std::move(request)).ok());
}

}  // namespace

TEST_CASE(
    "view merges add 8-byte counters, and slot vectors slot by slot down to "
    "the empty vector",
    "[store][views]") {
  TempDir dir;
  auto store = OpenStore(StoreOptions(dir));
  Merge(*store, {{"Cscalar", store::BigEndian64(5)},
                 {"Ccell", SlotVector({{0, 1}, {8, 1}})},
                 {"Cgone", SlotVector({{1, 1}, {9, 1}})}});
  Merge(*store, {{"Cscalar", store::BigEndian64(static_cast<uint64_t>(-7))},
                 {"Ccell", SlotVector({{0, -1}, {3, 1}, {9, 1}})},
                 {"Cnegative", SlotVector({{2, -3}, {200, 4}})}});
  Merge(*store, {{"Cgone", SlotVector({{1, -1}, {9, -1}})}});
  auto check = [&] {
    CHECK(Scalar(store->GetView("Cscalar")) == -2);
    CHECK(PrintSlots(store->GetView("Ccell")) == "3=1 8=1 9=1");
    CHECK(PrintSlots(store->GetView("Cnegative")) == "2=-3 200=4");
    // All zero: the key stays, with the empty vector.
    CHECK(store->GetView("Cgone")->value() == "");
  };
  check();
  // Compaction runs the same operator over the stored operands.
  REQUIRE(store->CompactAll().ok());
  check();
  Merge(*store, {{"Cgone", SlotVector({{4, 2}})}});
  CHECK(PrintSlots(store->GetView("Cgone")) == "4=2");
  REQUIRE(store->CompactAll().ok());
  CHECK(PrintSlots(store->GetView("Cgone")) == "4=2");
}

TEST_CASE(
    "a view merge of a slot vector onto an 8-byte counter, or of a malformed "
    "operand, fails the read as corruption",
    "[store][views]") {
  TempDir dir;
  auto store = OpenStore(StoreOptions(dir));
  Merge(*store, {{"Cmixed", store::BigEndian64(1)},
                 {"Cbadlength", std::string(10, '\1')},
                 {"Cunsorted", SlotVector({{3, 1}, {2, 1}})}});
  Merge(*store, {{"Cmixed", SlotVector({{0, 1}})}});
  for (const char* key : {"Cmixed", "Cbadlength", "Cunsorted"}) {
    INFO(key);
    auto value = store->GetView(key);
    REQUIRE_FALSE(value.ok());
    CHECK(value.status().code() == Code::kCorruption);
  }
}
