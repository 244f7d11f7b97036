// The identity of a command for idempotency: two commands with the same
// command_id are the same command when their canonical bytes are equal.
#ifndef TICKETLOG_DOMAIN_FINGERPRINT_H_
#define TICKETLOG_DOMAIN_FINGERPRINT_H_

#include <string>

#include "ticketlog/commands.h"

namespace ticketlog::domain {

// An unambiguous byte string of every field of `command` but its
// command_id: the op, the account, expected_version, at, actor and each
// field of the body (unset optionals distinct from empty values), with
// ticket ids, labels, emails and phones in their canonical forms, so that
// two spellings of one command are one command. Equal commands give equal
// bytes. Part of the on-disk format (its SHA-256 is kept in idempotency
// records): the encoding of existing fields never changes.
std::string CanonicalCommand(const Command& command);

}  // namespace ticketlog::domain

#endif  // TICKETLOG_DOMAIN_FINGERPRINT_H_
