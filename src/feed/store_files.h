// What a follower in another process can see of a live store without
// opening it: the state of the files its writer changes on every write.
#ifndef TICKETLOG_FEED_STORE_FILES_H_
#define TICKETLOG_FEED_STORE_FILES_H_

#include <string>

namespace ticketlog::feed {

// The names, sizes and modification times of the store's write-ahead logs,
// MANIFEST files and CURRENT, in one string. Every acknowledged append grows
// a write-ahead log (also unsynced writes: the size is the page cache's), and
// a flush or compaction changes the MANIFEST, so an unchanged fingerprint
// means nothing was appended. Empty when the directory cannot be read.
std::string StoreFingerprint(const std::string& path);

}  // namespace ticketlog::feed

#endif  // TICKETLOG_FEED_STORE_FILES_H_
