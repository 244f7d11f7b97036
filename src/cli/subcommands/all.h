// Every subcommand of the `ticketlog` tool, in the order `ticketlog --help`
// lists them within their groups. Each Name here has a file
// src/cli/subcommands/<name>.cc defining
//
//   void AddName(Registry& registry);
//
// which adds the subcommand, its flags and its run function (see
// cli/subcommand.h). Adding a subcommand is that file plus one line here.
#ifndef TICKETLOG_CLI_SUBCOMMANDS_ALL_H_
#define TICKETLOG_CLI_SUBCOMMANDS_ALL_H_

#include "cli/subcommand.h"

#define TICKETLOG_SUBCOMMANDS(X) \
  X(Apply)                       \
  X(Import)                      \
  X(Show)                        \
  X(Messages)                    \
  X(List)                        \
  X(Chats)                       \
  X(Stats)                       \
  X(Contact)                     \
  X(Contacts)                    \
  X(Report)                      \
  X(Search)                      \
  X(History)                     \
  X(Dump)                        \
  X(Head)                        \
  X(Rebuild)                     \
  X(Verify)                      \
  X(Repair)                      \
  X(Follow)                      \
  X(Deliver)                     \
  X(Demo)

namespace ticketlog::cli {

// Parses a --status value (S[,S...]) into `out`; invalid_argument naming
// the flag for an unknown status. Shared by list, chats and search.
Status ParseStatusList(const TextFlag& flag, std::vector<TicketStatus>& out);

#define TICKETLOG_DECLARE_SUBCOMMAND(Name) void Add##Name(Registry& registry);
TICKETLOG_SUBCOMMANDS(TICKETLOG_DECLARE_SUBCOMMAND)
#undef TICKETLOG_DECLARE_SUBCOMMAND

// Adds every subcommand above to `registry`.
inline void AddAllSubcommands(Registry& registry) {
#define TICKETLOG_ADD_SUBCOMMAND(Name) Add##Name(registry);
  TICKETLOG_SUBCOMMANDS(TICKETLOG_ADD_SUBCOMMAND)
#undef TICKETLOG_ADD_SUBCOMMAND
}

}  // namespace ticketlog::cli

#endif  // TICKETLOG_CLI_SUBCOMMANDS_ALL_H_
