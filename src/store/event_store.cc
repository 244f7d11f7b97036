#include "store/event_store.h"

#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/opensslv.h>
#include <rocksdb/cache.h>
#include <rocksdb/convenience.h>
#include <rocksdb/env.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/merge_operator.h>
#include <rocksdb/options.h>
#include <rocksdb/sst_file_writer.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "schema/codec.h"
#include "store/coding.h"
#include "store/read_view.h"

namespace ticketlog::store {
namespace {

// Part of the on-disk format: family names never change. Index = Family,
// then the second views slot.
constexpr std::array<const char*, kFamilyCount> kFamilyNames = {
    "log", "streams", "heads", "idempotency", "views", "meta", "views.1"};
constexpr int kViewsSlot0 = static_cast<int>(Family::kViews);
constexpr int kViewsSlot1 = 6;

// meta/head: written by format 1 only (the head is now the last log record).
constexpr std::string_view kHeadKey = "head";
// meta/format: one digit, the layout of the views (and of the families
// derived from the log) the store was last written with; absent in stores
// of format 1. Part of the on-disk format.
constexpr std::string_view kFormatKey = "format";
// meta/views: one byte, '1' when "views.1" is the live slot; absent or '0'
// for "views". Part of the on-disk format.
constexpr std::string_view kViewsKey = "views";
// Every view key sorts below this (src/projections/view_keys.h).
constexpr std::string_view kViewsEnd("\xff", 1);
// A reader retries its catch-up with the writer at most this often when the
// writer's flushes or compactions keep racing it.
constexpr int kMaxCatchUps = 50;
// At most this many appenders share one group commit, so that a leader does
// not make the first of them wait for an unbounded batch.
constexpr size_t kMaxGroup = 256;
// Stream heads kept in memory (EventStore::stream_heads_), 100-150 bytes
// each with the map's node.
constexpr size_t kMaxCachedHeads = size_t{1} << 16;

Status FromRocks(const rocksdb::Status& s, std::string_view what) {
  std::string message(what);
  message += ": ";
  message += s.ToString();
  if (s.IsCorruption()) return Status::Corruption(std::move(message));
  // RocksDB's words when another holder has the LOCK file: another process
  // ("While lock file"), or this one ("lock hold by current process"). A
  // LOCK file that cannot be opened at all is an I/O error, not busy.
  const std::string text = s.ToString();
  if (s.IsIOError() &&
      (text.find("While lock file") != std::string::npos ||
       text.find("lock hold by current process") != std::string::npos)) {
    return Status(Code::kBusy,
                  message + " (the database is open in another engine)");
  }
  return Status::IoError(std::move(message));
}

// RocksDB's info log, written so that a failed write is dropped rather than
// fatal: RocksDB's own file logger asserts that every write succeeded, so a
// full disk aborted the process from a background thread. Messages are
// diagnostics; losing some on a full disk loses nothing of the store.
class TolerantLogger final : public rocksdb::Logger {
 public:
  // Appends to `path`, starting a new file (the old one kept as `path`.old)
  // once it has grown past kMaxBytes. `path` empty: discards everything.
  explicit TolerantLogger(const std::string& path)
      : rocksdb::Logger(rocksdb::InfoLogLevel::INFO_LEVEL) {
    if (path.empty()) return;
    std::error_code ec;
    if (std::filesystem::file_size(path, ec) > kMaxBytes && !ec) {
      std::filesystem::rename(path, path + ".old", ec);
    }
    file_ = std::fopen(path.c_str(), "a");
  }
  ~TolerantLogger() override {
    if (file_) std::fclose(file_);
  }
  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override {
    if (!file_) return;
    std::lock_guard lock(mu_);
    std::vfprintf(file_, format, ap);
    std::fputc('\n', file_);
    std::fflush(file_);
    std::clearerr(file_);
  }

 private:
  static constexpr uintmax_t kMaxBytes = 4u << 20;
  std::mutex mu_;
  std::FILE* file_ = nullptr;  // written under mu_
};

// Counters in the views, added by merges so that a command moves a count
// without reading it. A value or operand is either an 8-byte big-endian
// two's complement integer (a scalar counter) or a slot vector (coding.h:
// its length is a multiple of 9, 0 included); a merge adds scalars, and
// slot vectors slot by slot, leaving out the slots that add up to zero.
// Mixing the two, or a malformed value, fails the merge: a corruption error
// to the read that met it; in a compaction, a background error that stops
// later writes until the store is reopened. The name is recorded with
// the store's options: part of the on-disk format. It stayed the same when
// slot vectors came (views format 5): RocksDB does not compare names at
// open, and format-4 values are all scalars, which add as before.
class AddMergeOperator final : public rocksdb::AssociativeMergeOperator {
 public:
  bool Merge(const rocksdb::Slice& /*key*/, const rocksdb::Slice* existing,
             const rocksdb::Slice& value, std::string* new_value,
             rocksdb::Logger* /*logger*/) const override {
    std::string_view operand = value.ToStringView();
    if (operand.size() == 8) {
      uint64_t sum = GetBigEndian64(operand);
      if (existing != nullptr) {
        if (existing->size() != 8) return false;
        sum += GetBigEndian64(existing->ToStringView());
      }
      new_value->clear();
      PutBigEndian64(*new_value, sum);
      return true;
    }
    return AddSlotVectors(
        existing != nullptr ? existing->ToStringView() : std::string_view(),
        operand, *new_value);
  }
  const char* Name() const override { return "ticketlog.AddBigEndian64"; }

 private:
  // Both in increasing slot order: one pass over the two, like a merge of
  // sorted lists. Counts wrap around in two's complement, as scalars do.
  static bool AddSlotVectors(std::string_view a, std::string_view b,
                             std::string& sum) {
    auto valid = [](std::string_view v) {
      return ForEachSlotCount(v, [](uint8_t, int64_t) {});
    };
    if (!valid(a) || !valid(b)) return false;
    auto slot = [](std::string_view v, size_t at) {
      return static_cast<unsigned char>(v[at]);
    };
    auto count = [](std::string_view v, size_t at) {
      return GetBigEndian64(v.substr(at + 1));
    };
    sum.clear();
    size_t i = 0, j = 0;
    while (i < a.size() || j < b.size()) {
      unsigned char at;
      uint64_t total = 0;
      if (j == b.size() || (i < a.size() && slot(a, i) < slot(b, j))) {
        at = slot(a, i);
        total = count(a, i);
        i += kSlotPairSize;
      } else if (i == a.size() || slot(b, j) < slot(a, i)) {
        at = slot(b, j);
        total = count(b, j);
        j += kSlotPairSize;
      } else {
        at = slot(a, i);
        total = count(a, i) + count(b, j);
        i += kSlotPairSize;
        j += kSlotPairSize;
      }
      if (total != 0) PutSlotCount(sum, at, static_cast<int64_t>(total));
    }
    return true;
  }
};

// What a reader compares to notice that the writer changed the set of files
// (flush, compaction, ingestion) while it caught up: the MANIFEST that
// CURRENT names and that file's size.
std::string ManifestState(const std::string& db_path) {
  std::ifstream current(std::filesystem::path(db_path) / "CURRENT");
  std::string name;
  std::getline(current, name);
  std::error_code ec;
  auto size =
      std::filesystem::file_size(std::filesystem::path(db_path) / name, ec);
  return name + ":" + (ec ? std::string("?") : std::to_string(size));
}

// What a failed open says before RocksDB's words: for damage, which files
// may hold it (RocksDB's message names the file only sometimes) and what to
// do about it.
std::string OpenFailure(const std::string& db_path, const rocksdb::Status& s) {
  std::string what = "opening " + db_path;
  if (!s.IsCorruption()) return what;
  std::vector<std::string> wal;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(db_path, ec)) {
    if (entry.path().extension() == ".log") {
      wal.push_back(entry.path().filename().string());
    }
  }
  std::sort(wal.begin(), wal.end());
  what += " (damaged store";
  if (!wal.empty() && s.ToString().find(".sst") == std::string::npos) {
    what += "; write-ahead log";
    for (const auto& name : wal)
      what += " " + (std::filesystem::path(db_path) / name).string();
  }
  what +=
      "; nothing was changed: see `ticketlog repair` in docs/reliability.md)";
  return what;
}

std::string EncodeHead(uint64_t version, uint64_t position) {
  std::string out;
  PutBigEndian64(out, version);
  PutBigEndian64(out, position);
  return out;
}

// Options of an iterator; a `scan` (a walk over a whole family) reads each
// block once: putting its blocks in the block cache would only evict those
// that point reads need, and the insertions and evictions cost a rebuild a
// fifth of its log reading time.
rocksdb::ReadOptions IteratorOptions(bool scan) {
  rocksdb::ReadOptions options;
  options.fill_cache = !scan;
  return options;
}

}  // namespace

rocksdb::WriteOptions EventStore::WriteOptions() const {
  rocksdb::WriteOptions options;
  options.sync = sync_;
  return options;
}

struct EventStore::Writer {
  AppendRequest* request;
  StatusOr<AppendResult> result = AppendResult{};
  bool done = false;
  std::condition_variable cv;
};

namespace {

// SHA-256, fetched from OpenSSL 3's providers once (with the default
// library context and properties of that moment, kept for the process):
// EVP_sha256() has EVP_DigestInit_ex fetch it again on every call, a third
// of the time of hashing a 1 KB event. OpenSSL before 3 has no fetching.
const EVP_MD* Sha256Digest() {
#if OPENSSL_VERSION_MAJOR >= 3
  static const EVP_MD* const digest = [] {
    const EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    if (fetched != nullptr) return fetched;
    ERR_clear_error();
    return EVP_sha256();
  }();
  return digest;
#else
  return EVP_sha256();
#endif
}

}  // namespace

void ChainHash(std::string& out, std::string_view prev_hash, uint64_t position,
               uint64_t version, std::string_view body) {
  // One context per thread: EVP_MD_CTX allocation costs more than hashing a
  // small event.
  thread_local std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(
      EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  char numbers[16];
  WriteBigEndian64(numbers, position);
  WriteBigEndian64(numbers + 8, version);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestInit_ex(ctx.get(), Sha256Digest(), nullptr);
  EVP_DigestUpdate(ctx.get(), prev_hash.data(), prev_hash.size());
  EVP_DigestUpdate(ctx.get(), numbers, sizeof numbers);
  EVP_DigestUpdate(ctx.get(), body.data(), body.size());
  EVP_DigestFinal_ex(ctx.get(), digest, &length);
  out.assign(reinterpret_cast<const char*>(digest), length);
}

std::string ChainHash(std::string_view prev_hash, uint64_t position,
                      uint64_t version, std::string_view body) {
  std::string out;
  ChainHash(out, prev_hash, position, version, body);
  return out;
}

std::string Sha256(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, Sha256Digest(),
             nullptr);
  return std::string(reinterpret_cast<const char*>(digest), length);
}

std::string EventStore::StreamVersionKey(std::string_view stream,
                                         uint64_t version) {
  std::string key;
  key.reserve(stream.size() + 10);
  PutStreamVersionKey(key, stream, version);
  return key;
}

void EventStore::PutStreamVersionKey(std::string& out, std::string_view stream,
                                     uint64_t version) {
  PutComponent(out, stream);
  PutBigEndian64(out, version);
}

std::string EventStore::StreamEntryValue(uint64_t position,
                                         std::string_view payload) {
  std::string value;
  value.reserve(8 + payload.size());
  PutBigEndian64(value, position);
  value.append(payload);
  return value;
}

bool EventStore::ParseStreamEntryValue(std::string_view value,
                                       uint64_t& position,
                                       std::string_view& payload) {
  if (value.size() < 8) return false;
  position = GetBigEndian64(value);
  payload = value.substr(8);
  return true;
}

namespace {

// Block compression by level. Flushes and the compactions out of level 0
// rewrite every byte a command writes, and they were the engine's largest
// background cost (Snappy was 12% of a buffered throughput run's samples,
// docs/benchmarks.md, session 10): with
// `uncompressed_top`, the two upper levels, small and short-lived, stay
// uncompressed. The log, written once and the bulk of a store, is
// compressed at every level. LZ4 compresses faster than Snappy at a like
// ratio; Snappy where this build of RocksDB lacks LZ4. Each block records
// its own compression, so stores written with other settings read as
// before. A rebuild's files take the last level's compression
// (rocksdb::SstFileWriter).
std::vector<rocksdb::CompressionType> LevelCompression(int levels,
                                                       bool uncompressed_top) {
  const std::vector<rocksdb::CompressionType> supported =
      rocksdb::GetSupportedCompressions();
  const bool lz4 = std::find(supported.begin(), supported.end(),
                             rocksdb::kLZ4Compression) != supported.end();
  std::vector<rocksdb::CompressionType> per_level(
      static_cast<size_t>(std::max(levels, 1)),
      lz4 ? rocksdb::kLZ4Compression : rocksdb::kSnappyCompression);
  for (size_t level = 0;
       uncompressed_top && level < 2 && level < per_level.size(); ++level) {
    per_level[level] = rocksdb::kNoCompression;
  }
  return per_level;
}

}  // namespace

StatusOr<std::unique_ptr<EventStore>> EventStore::Open(const Options& options,
                                                       Recovery recovery) {
  std::unique_ptr<EventStore> store(new EventStore());
  TICKETLOG_RETURN_IF_ERROR(store->OpenDb(options, recovery));
  return store;
}

Status EventStore::OpenDb(const Options& options, Recovery recovery) {
  read_only_ = options.read_only;
  path_ = options.path;
  rocksdb::DBOptions db_options;
  db_options.create_if_missing = options.create_if_missing;
  db_options.create_missing_column_families = true;
  db_options.max_background_jobs = 2;
  // RocksDB opens table files with 16 threads by default: each thread
  // reserves a stack, and one that cannot start aborts the process (seen
  // under `ulimit -v`). Two open a store as fast on this kind of machine.
  db_options.max_file_opening_threads = 2;
  // A family written rarely (meta) keeps every WAL file since its last
  // write alive, and a reader replays them all when it opens: a follower of
  // a writer that ran 50,000 commands took 2 s to reopen. Past this size the
  // families that hold the oldest WAL are flushed.
  db_options.max_total_wal_size = 16u << 20;
  // Group commits of concurrent appenders already merge their batches; let
  // RocksDB also pipeline WAL and memtable writes.
  db_options.enable_pipelined_write = true;
  // Damage inside the write-ahead log refuses the open (corruption) instead
  // of silently dropping every acknowledged write after the damaged record,
  // as point-in-time recovery would; only a torn last record, which no
  // acknowledged write can be, is tolerated. `ticketlog repair` recovers
  // explicitly (docs/reliability.md).
  db_options.wal_recovery_mode =
      rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords;
  db_options.info_log = std::make_shared<TolerantLogger>(
      read_only_ ? std::string()
                 : (std::filesystem::path(options.path) / "LOG").string());

  rocksdb::BlockBasedTableOptions table;
  table.block_cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  // Index and filter blocks live in the block cache, so memory stays
  // bounded by it, and are partitioned into 4 KiB blocks under a small
  // pinned top level. Unpartitioned, a 64 MiB file's index and filter are
  // megabytes each: more than one shard of the cache holds, so every read
  // fetched and decompressed them again (a ticket view took 600 us instead
  // of 3 us once the views outgrew a few files).
  table.cache_index_and_filter_blocks = true;
  table.cache_index_and_filter_blocks_with_high_priority = true;
  table.index_type = rocksdb::BlockBasedTableOptions::kTwoLevelIndexSearch;
  table.partition_filters = true;
  table.metadata_block_size = 4096;
  table.pin_top_level_index_and_filter = true;
  table.pin_l0_filter_and_index_blocks_in_cache = true;
  // Most point reads of a command miss: a new command id in idempotency,
  // a key that is not in the newest memtable or file. Bloom filters answer
  // those without reading (and decompressing) a data block per file.
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  rocksdb::ColumnFamilyOptions cf_options;
  cf_options.write_buffer_size = options.write_buffer_bytes;
  // The same for memtables: a miss skips the skip-list search.
  cf_options.memtable_prefix_bloom_size_ratio = 0.02;
  cf_options.memtable_whole_key_filtering = true;
  cf_options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  cf_options.compression_per_level =
      LevelCompression(cf_options.num_levels, /*uncompressed_top=*/true);
  // Levels are counted from the top, so that the uncompressed levels are
  // the two small upper ones (RocksDB 8.4 changed this default).
  cf_options.level_compaction_dynamic_level_bytes = false;
  rocksdb::ColumnFamilyOptions views_options = cf_options;
  views_options.merge_operator = std::make_shared<AddMergeOperator>();

  rocksdb::ColumnFamilyOptions log_options = cf_options;
  log_options.compression_per_level =
      LevelCompression(cf_options.num_levels, /*uncompressed_top=*/false);

  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (int i = 0; i < kFamilyCount; ++i) {
    bool views = i == kViewsSlot0 || i == kViewsSlot1;
    bool log = i == static_cast<int>(Family::kLog);
    families.emplace_back(kFamilyNames[i], views ? views_options
                                           : log ? log_options
                                                 : cf_options);
  }
  // RocksDB requires the default family to be listed; it stays empty.
  families.emplace_back(rocksdb::kDefaultColumnFamilyName, cf_options);

  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  if (read_only_) {
    TICKETLOG_RETURN_IF_ERROR(OpenSecondary(db_options, families, handles));
  } else {
    rocksdb::DB* raw = nullptr;
    if (recovery == Recovery::kSalvage) {
      // Every WAL record that reads intact, also past a damaged one: the
      // caller keeps the log up to the first gap and hands back the rest.
      db_options.wal_recovery_mode =
          rocksdb::WALRecoveryMode::kSkipAnyCorruptedRecords;
    }
    rocksdb::Status s =
        rocksdb::DB::Open(db_options, options.path, families, &handles, &raw);
    if (!s.ok()) return FromRocks(s, OpenFailure(options.path, s));
    db_.reset(raw);
  }
  handles_ = std::move(handles);
  sync_ = options.sync;
  TICKETLOG_RETURN_IF_ERROR(
      LoadMeta(read_only_ || recovery == Recovery::kSalvage));
  if (read_only_) return Status::OK();

  // Leftovers of a rebuild that did not finish: its files, and the views it
  // ingested into the slot that never went live.
  std::error_code ec;
  std::filesystem::remove_all(std::filesystem::path(path_) / "rebuild", ec);
  int idle = live_views_ == kViewsSlot0 ? kViewsSlot1 : kViewsSlot0;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), handles_[idle]));
  it->SeekToFirst();
  if (!it->status().ok()) return FromRocks(it->status(), "reading views");
  if (it->Valid()) {
    it.reset();
    TICKETLOG_RETURN_IF_ERROR(ClearViewsSlot(idle));
  }
  return Status::OK();
}

namespace {

// A reader's directory (the secondary instance's own) is
// <temp>/ticketlog-reader-<process id>-XXXXXX, removed when the reader
// closes; the reader holds a lock (flock) on kReaderLockFile in it while it
// lives.
constexpr std::string_view kReaderDirPrefix = "ticketlog-reader-";
constexpr const char* kReaderLockFile = "ticketlog-reader.lock";

// Removes the reader directories in `temp` that belong to this user and
// whose process has ended: a reader killed before its close (SIGKILL, or
// the SIGPIPE of `ticketlog dump | head`) leaves its directory behind.
// Best effort: what cannot be read or removed stays. A process that exists
// but cannot be signalled (another user's) counts as alive; so does a
// directory whose lock file is locked (a live reader in another PID
// namespace that shares this directory, whose process id means nothing
// here).
void RemoveDeadReaderDirs(const std::filesystem::path& temp) {
  std::vector<std::filesystem::path> dead;
  std::error_code ec;
  std::filesystem::directory_iterator it(temp, ec);
  for (; !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (!name.starts_with(kReaderDirPrefix)) continue;
    std::string_view rest =
        std::string_view(name).substr(kReaderDirPrefix.size());
    size_t dash = rest.find('-');
    if (dash == std::string_view::npos) continue;
    pid_t pid = 0;
    auto [end, parsed] = std::from_chars(rest.data(), rest.data() + dash, pid);
    if (parsed != std::errc() || end != rest.data() + dash || pid <= 0) {
      continue;
    }
    struct stat st;
    if (lstat(it->path().c_str(), &st) != 0 || !S_ISDIR(st.st_mode) ||
        st.st_uid != geteuid()) {
      continue;
    }
    if (kill(pid, 0) != 0 && errno == ESRCH) dead.push_back(it->path());
  }
  for (const auto& path : dead) {
    std::string lock_path = (path / kReaderLockFile).string();
    int fd = open(lock_path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 && errno != ENOENT) continue;
    bool held = fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) != 0;
    if (!held) {
      std::error_code ignored;
      std::filesystem::remove_all(path, ignored);
    }
    if (fd >= 0) close(fd);
  }
}

}  // namespace

Status EventStore::OpenSecondary(
    const rocksdb::DBOptions& base_options,
    const std::vector<rocksdb::ColumnFamilyDescriptor>& families,
    std::vector<rocksdb::ColumnFamilyHandle*>& handles) {
  // A read-only open of a live store replays its WAL while the writer may be
  // flushing and deleting it, and could see a log with holes. A secondary
  // instance follows the writer's MANIFEST and WAL as RocksDB intends.
  if (!std::filesystem::exists(std::filesystem::path(path_) / "CURRENT")) {
    return Status::IoError("opening " + path_ + ": no ticketlog store there");
  }
  std::error_code ec;
  std::filesystem::path temp = std::filesystem::temp_directory_path(ec);
  if (ec) {
    return Status::IoError("finding the directory for temporary files: " +
                           ec.message());
  }
  RemoveDeadReaderDirs(temp);
  std::string tmpl = (temp / (std::string(kReaderDirPrefix) +
                              std::to_string(getpid()) + "-XXXXXX"))
                         .string();
  if (mkdtemp(tmpl.data()) == nullptr) {
    return Status::IoError("creating a reader directory in " + temp.string() +
                           ": " + std::strerror(errno));
  }
  secondary_dir_ = tmpl;
  std::string lock_path =
      (std::filesystem::path(secondary_dir_) / kReaderLockFile).string();
  secondary_lock_fd_ =
      open(lock_path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (secondary_lock_fd_ < 0 || flock(secondary_lock_fd_, LOCK_EX) != 0) {
    return Status::IoError("locking " + lock_path + ": " +
                           std::strerror(errno));
  }
  rocksdb::DBOptions db_options = base_options;
  db_options.create_if_missing = false;
  db_options.create_missing_column_families = false;
  db_options.max_open_files = -1;  // required of secondary instances
  // Families the writer has not created yet (a store of an older version
  // that no writer opened since) are left out and read as empty.
  std::vector<std::string> present;
  rocksdb::Status s =
      rocksdb::DB::ListColumnFamilies(db_options, path_, &present);
  if (!s.ok()) return FromRocks(s, "opening " + path_);
  std::vector<rocksdb::ColumnFamilyDescriptor> existing;
  std::vector<int> slots;
  for (size_t i = 0; i < families.size(); ++i) {
    if (std::find(present.begin(), present.end(), families[i].name) !=
        present.end()) {
      existing.push_back(families[i]);
      slots.push_back(static_cast<int>(i));
    }
  }
  // The writer's flushes and compactions delete WAL files; a catch-up that
  // read the MANIFEST before such a change and the WALs after it would miss
  // the writes that moved. Catch up until the MANIFEST stayed still.
  // (TryCatchUpWithPrimary would do it in place, but Debian's RocksDB 7.8
  // keeps its assertions and one of them fails in the catch-up of a store
  // whose writer flushed meanwhile; opening again costs about as much.)
  std::vector<rocksdb::ColumnFamilyHandle*> opened;
  for (int attempt = 0;; ++attempt) {
    std::string before = ManifestState(path_);
    rocksdb::DB* raw = nullptr;
    s = rocksdb::DB::OpenAsSecondary(db_options, path_, secondary_dir_,
                                     existing, &opened, &raw);
    bool raced = ManifestState(path_) != before;
    if (!s.ok() && !(raced && attempt < kMaxCatchUps)) {
      return FromRocks(s, OpenFailure(path_, s));
    }
    if (!s.ok()) continue;  // a file it listed was compacted away meanwhile
    db_.reset(raw);
    if (!raced) break;
    for (auto* h : opened) {
      if (h != db_->DefaultColumnFamily()) db_->DestroyColumnFamilyHandle(h);
    }
    opened.clear();
    db_->Close().PermitUncheckedError();
    db_.reset();
    if (attempt == kMaxCatchUps) {
      return Status(Code::kBusy,
                    "the writer of " + path_ +
                        " keeps reorganising its files; try again");
    }
  }
  // A family the store lacks gets the default family's (empty) handle.
  handles.assign(families.size(), nullptr);
  for (size_t i = 0; i < slots.size(); ++i) handles[slots[i]] = opened[i];
  for (auto*& h : handles) {
    if (h == nullptr) h = db_->DefaultColumnFamily();
  }
  return Status::OK();
}

Status EventStore::LoadMeta(bool tolerate_damaged_head) {
  // The log head is its last record: no key of its own to write with every
  // command.
  {
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(rocksdb::ReadOptions(), handle(Family::kLog)));
    it->SeekToLast();
    if (!it->status().ok()) return FromRocks(it->status(), "reading the log");
    head_ = LogHead{};
    for (; it->Valid(); it->Prev()) {
      auto last = Verified(it->key().ToStringView(), it->value().ToString());
      if (last.ok()) {
        head_.position = last->position;
        head_.hash = last->hash;
        break;
      }
      // A writer must not append after a damaged record. A reader (verify
      // reports the damage) and a repair (which removes it) take the last
      // record that reads intact as the head.
      if (!tolerate_damaged_head) return last.status();
    }
    if (!it->status().ok()) return FromRocks(it->status(), "reading the log");
  }
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), handle(Family::kMeta),
                               kFormatKey, &value);
  if (s.ok()) {
    if (value.size() != 1 || value[0] < '1' || value[0] > '9') {
      return Status::Corruption("meta/format is malformed");
    }
    views_format_ = static_cast<uint32_t>(value[0] - '0');
  } else if (s.IsNotFound()) {
    views_format_ = head_.position == 0 ? 0 : 1;
  } else {
    return FromRocks(s, "reading meta/format");
  }
  s = db_->Get(rocksdb::ReadOptions(), handle(Family::kMeta), kViewsKey,
               &value);
  if (s.ok()) {
    if (value != "0" && value != "1") {
      return Status::Corruption("meta/views names no views slot");
    }
    live_views_ = value == "1" ? kViewsSlot1 : kViewsSlot0;
  } else if (!s.IsNotFound()) {
    return FromRocks(s, "reading meta/views");
  }
  return Status::OK();
}

Status EventStore::ClearViewsSlot(int slot) {
  // Whole files go at once; what remains (the memtable, files that straddle
  // nothing else but sit in L0) is covered by one range deletion and
  // compacted away.
  rocksdb::Status s =
      rocksdb::DeleteFilesInRange(db_.get(), handles_[slot], nullptr, nullptr);
  if (!s.ok()) return FromRocks(s, "clearing a views slot");
  s = db_->DeleteRange(WriteOptions(), handles_[slot], std::string_view(""),
                       kViewsEnd);
  if (!s.ok()) return FromRocks(s, "clearing a views slot");
  rocksdb::CompactRangeOptions compact;
  compact.bottommost_level_compaction =
      rocksdb::BottommostLevelCompaction::kForce;
  s = db_->CompactRange(compact, handles_[slot], nullptr, nullptr);
  return s.ok() ? Status::OK() : FromRocks(s, "clearing a views slot");
}

EventStore::~EventStore() {
  if (!db_) {
    RemoveSecondaryDir();
    return;
  }
  if (!read_only_) {
    // Readers open a secondary instance that replays the WAL: leave none
    // behind, so that a query after the writer exits reads files only. A
    // failure (a full disk) loses nothing: the WAL stays and is replayed.
    rocksdb::FlushOptions flush;
    std::vector<rocksdb::ColumnFamilyHandle*> all(handles_.begin(),
                                                  handles_.end());
    db_->Flush(flush, all).PermitUncheckedError();
  }
  for (auto* h : handles_) {
    if (h != db_->DefaultColumnFamily()) db_->DestroyColumnFamilyHandle(h);
  }
  db_->Close().PermitUncheckedError();
  db_.reset();
  RemoveSecondaryDir();
}

void EventStore::RemoveSecondaryDir() {
  if (secondary_dir_.empty()) return;
  std::error_code ec;
  std::filesystem::remove_all(secondary_dir_, ec);
  if (secondary_lock_fd_ >= 0) close(secondary_lock_fd_);
  secondary_lock_fd_ = -1;
}

StatusOr<AppendResult> EventStore::Append(AppendRequest request) {
  if (read_only_) return Status::IoError("the store is open read-only");
  Writer w;
  w.request = &request;
  std::unique_lock lock(mu_);
  writers_.push_back(&w);
  while (!w.done && &w != writers_.front()) w.cv.wait(lock);
  if (w.done) return std::move(w.result);

  // This writer leads: it commits itself and every appender queued behind
  // it, in queue order, as one RocksDB write.
  std::vector<Writer*> group;
  for (Writer* queued : writers_) {
    group.push_back(queued);
    if (group.size() == kMaxGroup) break;
  }
  LogHead head = head_;
  rocksdb::WriteBatch batch;
  std::unordered_map<std::string, StreamHead> heads;
  rocksdb::Status s;
  // Every member must be answered and woken whatever happens here: an
  // allocation that fails while the batch is built or written fails the
  // whole group instead of leaving the others waiting for ever.
  try {
    BuildGroup(group, batch, head, heads);
    // Appenders that arrive meanwhile queue behind the group; the lock is
    // not held during the write so they can.
    lock.unlock();
    s = batch.Count() > 0 ? db_->Write(WriteOptions(), &batch)
                          : rocksdb::Status::OK();
    lock.lock();
  } catch (const std::exception& e) {
    if (!lock.owns_lock()) lock.lock();
    s = rocksdb::Status::Aborted(std::string("out of resources: ") + e.what());
  }

  if (s.ok()) {
    head_ = head;
    if (stream_heads_.size() + heads.size() > kMaxCachedHeads) {
      stream_heads_.clear();
    }
    try {
      for (auto& [stream, stream_head] : heads) {
        stream_heads_.insert_or_assign(stream, stream_head);
      }
    } catch (const std::exception&) {
      // The group is committed and must still be answered: without memory
      // for a head, keep none (they are read from the stream index).
      stream_heads_.clear();
    }
    if (batch.Count() > 0) {
      ++written_.batches;
      written_.keys += batch.Count();
      written_.bytes += batch.GetDataSize();
    }
    head_cv_.notify_all();
  } else {
    stream_heads_.clear();
    Status failed = FromRocks(s, "appending");
    for (Writer* member : group) {
      if (member->result.ok()) member->result = failed;
    }
  }
  for (size_t i = 0; i < group.size(); ++i) {
    writers_.pop_front();
    group[i]->done = true;
    if (group[i] != &w) group[i]->cv.notify_one();
  }
  if (!writers_.empty()) writers_.front()->cv.notify_one();
  return std::move(w.result);
}

void EventStore::BuildGroup(
    std::vector<Writer*>& group, rocksdb::WriteBatch& batch, LogHead& head,
    std::unordered_map<std::string, StreamHead>& group_heads) {
  // Heads and command keys written earlier in this group are not in the
  // database yet: remember them here.
  std::unordered_map<std::string, AppendResult> group_commands;

  for (Writer* w : group) {
    AppendRequest& req = *w->request;

    if (!req.command_key.empty()) {
      auto seen = group_commands.find(req.command_key);
      if (seen != group_commands.end()) {
        w->result = seen->second;
        continue;
      }
      auto recorded = LookupCommand(req.command_key);
      if (!recorded.ok()) {
        w->result = recorded.status();
        continue;
      }
      if (recorded->has_value()) {
        w->result = std::move(**recorded);
        continue;
      }
    }

    // Every stream's head is checked before anything of the request goes
    // into the batch: a refused request adds nothing.
    struct Segment {
      const std::string* stream;
      uint64_t expected_version;
      const std::vector<std::string>* events;
      const std::vector<std::string>* payloads;
      StreamHead current;
    };
    std::vector<Segment> segments;
    segments.reserve(req.other_streams.size() + 1);
    for (const StreamAppend& other : req.other_streams) {
      segments.push_back({&other.stream,
                          other.expected_version,
                          &other.events,
                          &other.index_payloads,
                          {}});
    }
    segments.push_back({&req.stream,
                        req.expected_version,
                        &req.events,
                        &req.index_payloads,
                        {}});
    Status refused;
    for (Segment& segment : segments) {
      if (!segment.payloads->empty() &&
          segment.payloads->size() != segment.events->size()) {
        refused = Status::InvalidArgument("index_payloads",
                                          "must be empty or one per event");
        break;
      }
      auto in_group = group_heads.find(*segment.stream);
      auto cached = in_group == group_heads.end()
                        ? stream_heads_.find(*segment.stream)
                        : stream_heads_.end();
      if (in_group != group_heads.end()) {
        segment.current = in_group->second;
      } else if (cached != stream_heads_.end()) {
        segment.current = cached->second;
      } else {
        auto stored =
            segment.expected_version != kAnyVersion
                ? StreamHeadIfAt(*segment.stream, segment.expected_version)
                : GetStreamHead(*segment.stream);
        if (!stored.ok()) {
          refused = stored.status();
          break;
        }
        segment.current = *stored;
      }
      if (segment.expected_version != kAnyVersion &&
          segment.expected_version != segment.current.version) {
        refused =
            Status::Conflict(segment.expected_version, segment.current.version);
        break;
      }
    }
    if (!refused.ok()) {
      w->result = std::move(refused);
      continue;
    }

    AppendResult result;
    for (Segment& segment : segments) {
      StreamHead& current = segment.current;
      for (size_t i = 0; i < segment.events->size(); ++i) {
        const std::string& body = (*segment.events)[i];
        uint64_t position = head.position + 1;
        uint64_t version = current.version + 1;
        std::string hash = ChainHash(head.hash, position, version, body);
        batch.Put(
            handle(Family::kLog), BigEndian64(position),
            schema::EncodeEnvelope(position, version, head.hash, hash, body));
        batch.Put(handle(Family::kStreams),
                  StreamVersionKey(*segment.stream, version),
                  StreamEntryValue(position, segment.payloads->empty()
                                                 ? std::string_view()
                                                 : (*segment.payloads)[i]));
        if (result.first_position == 0) result.first_position = position;
        head.position = position;
        head.hash = std::move(hash);
        current = {version, position};
      }
      if (!segment.events->empty()) group_heads[*segment.stream] = current;
    }
    result.last_position = segments.back().current.position;
    result.last_version = segments.back().current.version;
    if (!req.command_key.empty()) {
      std::string record =
          EncodeHead(result.last_position, result.last_version);
      record += req.command_result;
      batch.Put(handle(Family::kIdempotency), req.command_key, record);
      AppendResult repeat = result;
      repeat.first_position = 0;
      repeat.duplicate = true;
      repeat.command_result = req.command_result;
      group_commands.emplace(req.command_key, std::move(repeat));
    }
    for (const ViewOp& op : req.view_ops) {
      switch (op.kind) {
        case ViewOp::Kind::kPut:
          batch.Put(handle(Family::kViews), op.key, op.value);
          break;
        case ViewOp::Kind::kDelete:
          batch.Delete(handle(Family::kViews), op.key);
          break;
        case ViewOp::Kind::kMerge:
          batch.Merge(handle(Family::kViews), op.key, op.value);
          break;
      }
    }
    w->result = std::move(result);
  }
}

StatusOr<EventStore::StreamHead> EventStore::GetStreamHead(
    std::string_view stream) {
  // The stream's last index entry: seek to the end of its prefix.
  std::string prefix;
  PutComponent(prefix, stream);
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), handle(Family::kStreams)));
  it->SeekForPrev(StreamVersionKey(stream, UINT64_MAX));
  if (!it->status().ok()) return FromRocks(it->status(), "reading a stream");
  if (!it->Valid() || !it->key().starts_with(prefix)) return StreamHead{};
  if (it->key().size() != prefix.size() + 8 || it->value().size() < 8) {
    return Status::Corruption("malformed stream index entry");
  }
  return StreamHead{
      GetBigEndian64(it->key().ToStringView().substr(prefix.size())),
      GetBigEndian64(it->value().ToStringView())};
}

StatusOr<EventStore::StreamHead> EventStore::StreamHeadIfAt(
    std::string_view stream, uint64_t version) {
  // Two point reads, answered mostly by Bloom filters, cost less than the
  // iterator GetStreamHead seeks with (7% of a command's time): the stream
  // is at `version` when it has that entry and not the next.
  rocksdb::ReadOptions options;
  // Pinned, not copied: an entry may carry a message.
  rocksdb::PinnableSlice value;
  StreamHead head{version, 0};
  if (version > 0) {
    rocksdb::Status s = db_->Get(options, handle(Family::kStreams),
                                 StreamVersionKey(stream, version), &value);
    if (s.IsNotFound()) return GetStreamHead(stream);
    if (!s.ok()) return FromRocks(s, "reading a stream");
    if (value.size() < 8)
      return Status::Corruption("malformed stream index entry");
    head.position = GetBigEndian64(value.ToStringView());
  }
  value.Reset();
  rocksdb::Status s = db_->Get(options, handle(Family::kStreams),
                               StreamVersionKey(stream, version + 1), &value);
  if (s.ok()) return GetStreamHead(stream);
  if (!s.IsNotFound()) return FromRocks(s, "reading a stream");
  return head;
}

StatusOr<std::optional<AppendResult>> EventStore::LookupCommand(
    std::string_view command_key) {
  std::string value;
  rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), handle(Family::kIdempotency),
               command_key, &value);
  if (s.IsNotFound()) return std::optional<AppendResult>();
  if (!s.ok()) return FromRocks(s, "reading an idempotency record");
  if (value.size() < 16) {
    return Status::Corruption("malformed idempotency record");
  }
  AppendResult result;
  result.last_position = GetBigEndian64(value);
  result.last_version = GetBigEndian64(std::string_view(value).substr(8));
  result.duplicate = true;
  result.command_result = value.substr(16);
  return std::optional<AppendResult>(std::move(result));
}

StatusOr<StoredEvent> EventStore::Verified(std::string_view key,
                                           std::string record) {
  StoredEvent event;
  event.record = std::move(record);
  TICKETLOG_RETURN_IF_ERROR(Parse(key, event));
  return event;
}

Status EventStore::Parse(std::string_view key, StoredEvent& event) {
  event.body = {};
  event.body_verified = false;
  auto envelope = schema::DecodeEnvelope(event.record);
  if (!envelope.ok()) {
    return Status::Corruption("log record at key " +
                              std::to_string(GetBigEndian64(key)) + ": " +
                              envelope.status().message());
  }
  if (key.size() != 8 || envelope->position != GetBigEndian64(key)) {
    return Status::Corruption("log record stored under position " +
                              std::to_string(GetBigEndian64(key)) +
                              " claims position " +
                              std::to_string(envelope->position));
  }
  event.position = envelope->position;
  event.version = envelope->version;
  event.prev_hash.assign(envelope->prev_hash);
  event.hash.assign(envelope->hash);
  event.body = envelope->body;
  event.body_verified = true;
  return Status::OK();
}

Status EventStore::ReadLog(uint64_t from_position,
                           const std::function<bool(StoredEvent&&)>& fn,
                           bool scan) {
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(IteratorOptions(scan), handle(Family::kLog)));
  for (it->Seek(BigEndian64(from_position)); it->Valid(); it->Next()) {
    if (it->key().size() != 8) {
      return Status::Corruption("log key of " +
                                std::to_string(it->key().size()) + " bytes");
    }
    auto event = Verified(it->key().ToStringView(), it->value().ToString());
    if (!event.ok()) return event.status();
    if (!fn(std::move(*event))) return Status::OK();
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading the log");
  return Status::OK();
}

Status EventStore::ScanLog(
    const std::function<StoredEvent&(uint64_t position)>& slot,
    const std::function<bool(uint64_t position, const Status& checked)>& fn) {
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(IteratorOptions(/*scan=*/true), handle(Family::kLog)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    std::string_view key = it->key().ToStringView();
    uint64_t position = key.size() == 8 ? GetBigEndian64(key) : 0;
    Status checked;
    if (key.size() == 8) {
      StoredEvent& event = slot(position);
      event.record.assign(it->value().ToStringView());
      checked = Parse(key, event);
    } else {
      checked = Status::Corruption("log key of " + std::to_string(key.size()) +
                                   " bytes");
    }
    if (!fn(position, checked)) break;
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading the log");
  return Status::OK();
}

StatusOr<StoredEvent> EventStore::ReadEvent(uint64_t position) {
  std::string key = BigEndian64(position);
  std::string value;
  rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), handle(Family::kLog), key, &value);
  if (s.IsNotFound()) {
    return Status::NotFound("no event at position " + std::to_string(position));
  }
  if (!s.ok()) return FromRocks(s, "reading the log");
  return Verified(key, std::move(value));
}

Status EventStore::ScanStreamIndex(
    std::string_view stream, uint64_t from_version,
    const std::function<bool(uint64_t, uint64_t, std::string_view)>& fn,
    const ReadView* at) const {
  std::string prefix;
  PutComponent(prefix, stream);
  rocksdb::ReadOptions options = IteratorOptions(false);
  if (at != nullptr) options.snapshot = at->snapshot_;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(options, handle(Family::kStreams)));
  for (it->Seek(StreamVersionKey(stream, std::max<uint64_t>(from_version, 1)));
       it->Valid() && it->key().starts_with(prefix); it->Next()) {
    uint64_t position = 0;
    std::string_view payload;
    if (it->key().size() != prefix.size() + 8 ||
        !ParseStreamEntryValue(it->value().ToStringView(), position, payload)) {
      return Status::Corruption("malformed stream index entry");
    }
    uint64_t version =
        GetBigEndian64(it->key().ToStringView().substr(prefix.size()));
    if (!fn(version, position, payload)) return Status::OK();
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading a stream");
  return Status::OK();
}

Status EventStore::ReadStream(
    std::string_view stream, uint64_t from_version,
    const std::function<bool(const StoredEvent&)>& fn) {
  std::string prefix;
  PutComponent(prefix, stream);
  rocksdb::ReadOptions read_options;
  // Pin one snapshot so the stream index and the log agree (a reader's
  // instance does not move: it needs none).
  const rocksdb::Snapshot* snapshot = read_only_ ? nullptr : db_->GetSnapshot();
  read_options.snapshot = snapshot;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(read_options, handle(Family::kStreams)));
  Status status;
  uint64_t expected = std::max<uint64_t>(from_version, 1);
  for (it->Seek(StreamVersionKey(stream, expected)); it->Valid(); it->Next()) {
    if (!it->key().starts_with(prefix)) break;
    if (it->key().size() != prefix.size() + 8 || it->value().size() < 8) {
      status = Status::Corruption("malformed stream index entry");
      break;
    }
    std::string log_key(it->value().ToStringView().substr(0, 8));
    std::string record;
    rocksdb::Status s =
        db_->Get(read_options, handle(Family::kLog), log_key, &record);
    if (!s.ok()) {
      status = s.IsNotFound() ? Status::Corruption(
                                    "stream index points at missing "
                                    "position " +
                                    std::to_string(GetBigEndian64(log_key)))
                              : FromRocks(s, "reading the log");
      break;
    }
    auto event = Verified(log_key, std::move(record));
    if (!event.ok()) {
      status = event.status();
      break;
    }
    if (event->version != expected) {
      status = Status::Corruption("stream version " +
                                  std::to_string(event->version) + " where " +
                                  std::to_string(expected) + " was expected");
      break;
    }
    ++expected;
    if (!fn(*event)) break;
  }
  if (status.ok() && !it->status().ok()) {
    status = FromRocks(it->status(), "reading a stream");
  }
  it.reset();
  if (snapshot != nullptr) db_->ReleaseSnapshot(snapshot);
  return status;
}

EventStore::WriteCounts EventStore::Written() const {
  std::lock_guard lock(mu_);
  return written_;
}

EventStore::LogHead EventStore::Head() const {
  std::lock_guard lock(mu_);
  return head_;
}

StatusOr<std::optional<std::string>> EventStore::GetView(std::string_view key) {
  std::string value;
  rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), handle(Family::kViews), key, &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return FromRocks(s, "reading a view");
  return std::optional<std::string>(std::move(value));
}

Status EventStore::ReplaceViews(
    const std::vector<std::pair<std::string_view, std::string_view>>& entries,
    uint32_t views_format) {
  if (read_only_) return Status::IoError("the store is open read-only");
  const int idle = live_views_ == kViewsSlot0 ? kViewsSlot1 : kViewsSlot0;
  // The idle slot is empty after every open and every switch; clear it
  // anyway, in case an earlier ReplaceViews of this process failed midway.
  TICKETLOG_RETURN_IF_ERROR(ClearViewsSlot(idle));

  // Sorted input: the files do not overlap, so they all land in one level.
  // A large rebuild writes two halves of the entries on two threads: block
  // compression and filter building are most of this step.
  constexpr uint64_t kFileBytes = 256u << 20;
  constexpr size_t kParallelWriteMin = 1 << 16;
  std::filesystem::path dir = std::filesystem::path(path_) / "rebuild";
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  std::filesystem::create_directories(dir, ec);
  if (ec)
    return Status::IoError("creating " + dir.string() + ": " + ec.message());
  rocksdb::ColumnFamilyDescriptor descriptor;
  handles_[idle]->GetDescriptor(&descriptor);
  const rocksdb::Options file_options(db_->GetDBOptions(), descriptor.options);
  struct Part {
    size_t begin = 0;
    size_t end = 0;
    std::vector<std::string> files;
    Status status;
  };
  // Writes entries [part.begin, part.end) as files named views-I-N.sst.
  auto write_part = [&](Part& part, int index) -> Status {
    std::unique_ptr<rocksdb::SstFileWriter> writer;
    uint64_t bytes = 0;
    auto finish = [&]() -> Status {
      if (!writer) return Status::OK();
      rocksdb::Status done = writer->Finish();
      writer.reset();
      return done.ok() ? Status::OK()
                       : FromRocks(done, "writing rebuilt views");
    };
    for (size_t i = part.begin; i < part.end; ++i) {
      const auto& [key, value] = entries[i];
      if (!writer || bytes >= kFileBytes) {
        TICKETLOG_RETURN_IF_ERROR(finish());
        part.files.push_back(
            (dir / ("views-" + std::to_string(index) + "-" +
                    std::to_string(part.files.size()) + ".sst"))
                .string());
        writer = std::make_unique<rocksdb::SstFileWriter>(
            rocksdb::EnvOptions(), file_options, handles_[idle]);
        rocksdb::Status s = writer->Open(part.files.back());
        if (!s.ok()) return FromRocks(s, "opening " + part.files.back());
        bytes = 0;
      }
      rocksdb::Status s = writer->Put(key, value);
      if (!s.ok()) return FromRocks(s, "writing rebuilt views");
      bytes += key.size() + value.size();
    }
    return finish();
  };
  auto write_files = [&]() -> Status {
    // The halves hold about as many bytes each (messages are few but long).
    std::array<Part, 2> parts;
    parts[0].end = parts[1].begin = parts[1].end = entries.size();
    if (entries.size() >= kParallelWriteMin) {
      uint64_t total = 0;
      for (const auto& [key, value] : entries)
        total += key.size() + value.size();
      uint64_t first = 0;
      size_t split = 0;
      while (split < entries.size() && first < total / 2) {
        first += entries[split].first.size() + entries[split].second.size();
        ++split;
      }
      parts[0].end = split;
    }
    parts[1].begin = parts[0].end;
    // An exception (out of memory) on either thread is rethrown once both
    // have ended: never a terminate.
    std::exception_ptr first_threw, second_threw;
    std::thread first;
    if (parts[0].end < parts[1].end) {
      try {
        first = std::thread([&] {
          try {
            parts[0].status = write_part(parts[0], 0);
          } catch (...) {
            first_threw = std::current_exception();
          }
        });
      } catch (const std::system_error&) {
        // No thread to be had: one writer for all.
        parts[0].end = parts[1].begin = 0;
      }
    }
    try {
      if (!first.joinable()) parts[0].status = write_part(parts[0], 0);
      parts[1].status = write_part(parts[1], 1);
    } catch (...) {
      second_threw = std::current_exception();
    }
    if (first.joinable()) first.join();
    if (first_threw) std::rethrow_exception(first_threw);
    if (second_threw) std::rethrow_exception(second_threw);
    TICKETLOG_RETURN_IF_ERROR(parts[0].status);
    TICKETLOG_RETURN_IF_ERROR(parts[1].status);
    std::vector<std::string> files = std::move(parts[0].files);
    files.insert(files.end(), parts[1].files.begin(), parts[1].files.end());
    if (files.empty()) return Status::OK();
    rocksdb::IngestExternalFileOptions ingest;
    ingest.move_files = true;
    rocksdb::Status s = db_->IngestExternalFile(handles_[idle], files, ingest);
    return s.ok() ? Status::OK() : FromRocks(s, "ingesting rebuilt views");
  };
  Status built = write_files();
  std::filesystem::remove_all(dir, ec);
  if (!built.ok()) {
    // The live views were never touched; leave the idle slot empty again.
    static_cast<void>(ClearViewsSlot(idle));
    return built;
  }

  // The switch: one write makes the new slot live, with the format its
  // views are in. What format 1 kept and no later format does (stream
  // heads, meta/head) goes in the same write.
  rocksdb::WriteBatch batch;
  batch.Put(
      handle(Family::kMeta), kViewsKey,
      idle == kViewsSlot1 ? std::string_view("1") : std::string_view("0"));
  batch.Put(handle(Family::kMeta), kFormatKey, std::to_string(views_format));
  batch.Delete(handle(Family::kMeta), kHeadKey);
  batch.DeleteRange(handle(Family::kHeads), std::string_view(""), kViewsEnd);
  // Synced whatever Options::sync says: the old slot's files are deleted
  // next (a MANIFEST change, durable at once), and a switch lost to a power
  // cut would leave meta/views naming a slot without files.
  rocksdb::WriteOptions switch_options;
  switch_options.sync = true;
  rocksdb::Status s = db_->Write(switch_options, &batch);
  if (!s.ok()) {
    static_cast<void>(ClearViewsSlot(idle));
    return FromRocks(s, "switching to the rebuilt views");
  }
  const int retired = live_views_;
  live_views_ = idle;
  views_format_ = views_format;
  // The old views are no longer read; a failure to drop them now is
  // repaired by the next open, which clears the idle slot.
  static_cast<void>(ClearViewsSlot(retired));
  return Status::OK();
}

Status EventStore::CompactAll() {
  if (read_only_) return Status::IoError("the store is open read-only");
  rocksdb::CompactRangeOptions options;
  // Rewrites the last level too, dropping the tombstones of the list
  // entries commands replace.
  options.bottommost_level_compaction =
      rocksdb::BottommostLevelCompaction::kForceOptimized;
  for (auto* h : handles_) {
    rocksdb::Status s = db_->CompactRange(options, h, nullptr, nullptr);
    if (!s.ok()) return FromRocks(s, "compacting");
  }
  return Status::OK();
}

Status EventStore::SetViewsFormat(uint32_t views_format) {
  if (read_only_) return Status::IoError("the store is open read-only");
  rocksdb::WriteOptions options;
  options.sync = true;
  rocksdb::Status s = db_->Put(options, handle(Family::kMeta), kFormatKey,
                               std::to_string(views_format));
  if (!s.ok()) return FromRocks(s, "writing meta/format");
  views_format_ = views_format;
  return Status::OK();
}

Status EventStore::WriteOps(const std::vector<FamilyOp>& ops) {
  if (read_only_) return Status::IoError("the store is open read-only");
  rocksdb::WriteBatch batch;
  for (const FamilyOp& op : ops) {
    switch (op.kind) {
      case ViewOp::Kind::kPut:
        batch.Put(handle(op.family), op.key, op.value);
        break;
      case ViewOp::Kind::kDelete:
        batch.Delete(handle(op.family), op.key);
        break;
      case ViewOp::Kind::kMerge:
        batch.Merge(handle(op.family), op.key, op.value);
        break;
    }
  }
  rocksdb::WriteOptions options;
  options.sync = true;
  rocksdb::Status s = db_->Write(options, &batch);
  {
    // The ops may move stream heads (repair, an upgrade).
    std::lock_guard lock(mu_);
    stream_heads_.clear();
  }
  if (!s.ok()) return FromRocks(s, "writing the store");
  return Status::OK();
}

Status EventStore::WriteRepair(const std::vector<FamilyOp>& ops,
                               const LogHead& head) {
  TICKETLOG_RETURN_IF_ERROR(WriteOps(ops));
  std::lock_guard lock(mu_);
  head_ = head;
  head_cv_.notify_all();
  return Status::OK();
}

std::unique_ptr<ReadView> EventStore::NewReadView() const {
  // A reader's instance never catches up after its open: it is a snapshot.
  return std::unique_ptr<ReadView>(
      new ReadView(*this, read_only_ ? nullptr : db_->GetSnapshot()));
}

uint64_t EventStore::WaitForHead(uint64_t position,
                                 std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mu_);
  head_cv_.wait_for(lock, timeout, [&] { return head_.position > position; });
  return head_.position;
}

std::unique_ptr<Cursor> EventStore::NewCursor(Family family, bool scan) const {
  return std::unique_ptr<Cursor>(new Cursor(std::unique_ptr<rocksdb::Iterator>(
      db_->NewIterator(IteratorOptions(scan), handle(family)))));
}

}  // namespace ticketlog::store
