// The version of the ticketlog library, "MAJOR.MINOR.PATCH" (semantic
// versioning). The same as the CMake package's ticketlog_VERSION, the
// pkg-config module's Version and `ticketlog --version`.
#ifndef TICKETLOG_VERSION_H_
#define TICKETLOG_VERSION_H_

#include <string_view>

namespace ticketlog {

// The version of the library the program is linked with. Thread-safe; the
// text is static.
std::string_view Version();

}  // namespace ticketlog

#endif  // TICKETLOG_VERSION_H_
