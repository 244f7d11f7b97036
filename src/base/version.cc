#include "ticketlog/version.h"

namespace ticketlog {

// TICKETLOG_VERSION_STRING comes from project(ticketlog VERSION …) in
// CMakeLists.txt.
std::string_view Version() { return TICKETLOG_VERSION_STRING; }

}  // namespace ticketlog
