// Options for opening a ticketlog database. A plain struct: every field has a
// default, units are in the names.
#ifndef TICKETLOG_OPTIONS_H_
#define TICKETLOG_OPTIONS_H_

#include <cstddef>
#include <cstdint>
#include <string>

namespace ticketlog {

struct Options {
  // Directory of the embedded store. Created when missing and
  // create_if_missing is true.
  std::string path = "./ticketlog-data";

  bool create_if_missing = true;

  // When true (the default) every acknowledged command is on stable storage
  // before the call returns: it survives a power cut. When false, writes go
  // to the OS buffer cache (they survive a process crash, not a power cut)
  // and throughput is much higher.
  bool sync = true;

  // Size of the shared block cache for reads.
  size_t block_cache_bytes = 64u << 20;

  // Size of each memtable before it is flushed.
  size_t write_buffer_bytes = 64u << 20;

  // Open read-only: queries and audits only; every command fails.
  bool read_only = false;
  // Keep the full-text search index (Engine::Search) in <path>/search. It
  // is a projection of the log, updated off the command path by a thread
  // of the engine; a search first brings it up to the last acknowledged
  // command. When false, Search fails and nothing is indexed.
  bool search = true;
  // The indexer commits the index to disk after this many events, and after
  // any pause in the commands; a crash loses at most what it has not
  // committed, which the next open indexes again from the log.
  uint32_t search_commit_events = 10000;
};

}  // namespace ticketlog

#endif  // TICKETLOG_OPTIONS_H_
