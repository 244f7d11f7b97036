// Field limits of SPEC section 1 and the checks that enforce them, shared by
// the ticket and directory deciders. Internal to the domain layer.
//
// Every check returns OK or invalid_argument whose message starts with the
// field's name as the spec and the tool's JSON spell it ("subject",
// "labels[3]", "custom_attributes.color", "attachments[2].name"), except the
// attachment limits, which are too_large. Pure functions; thread-safe.
#ifndef TICKETLOG_DOMAIN_VALIDATE_H_
#define TICKETLOG_DOMAIN_VALIDATE_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ticketlog/status.h"
#include "ticketlog/types.h"

namespace ticketlog::domain {

inline constexpr size_t kMaxIdBytes = 250;
inline constexpr size_t kMaxAccountBytes = 64;
inline constexpr size_t kMaxSubjectChars = 250;
inline constexpr size_t kMaxContentBytes = 64 * 1024;
inline constexpr size_t kMaxLabels = 32;
inline constexpr size_t kMaxAttributes = 64;
inline constexpr size_t kMaxAttributeKeyBytes = 64;
inline constexpr size_t kMaxAttributeValueBytes = 1024;
inline constexpr size_t kMaxAttachmentsPerMessage = 15;
inline constexpr uint64_t kMaxAttachmentBytesPerCommand = 25 * 1024 * 1024;
inline constexpr size_t kSha256HexDigits = 64;

// Returns `field` + "[" + index + "]", e.g. "labels[3]".
std::string Indexed(std::string_view field, size_t index);

// Checks that `value` is valid UTF-8 of at most `max_bytes`, and not empty
// when `required`.
Status CheckText(std::string_view field, std::string_view value,
                 size_t max_bytes, bool required);

// CheckText with the id limit (250 bytes): ids and names.
Status CheckId(std::string_view field, std::string_view value, bool required);

// Checks an account name: 1-64 of [A-Za-z0-9_.-].
Status CheckAccount(std::string_view account);

// Checks a subject: 1-250 code points of valid UTF-8.
Status CheckSubject(std::string_view subject);

// Checks message content: 1 byte to 64 KiB of valid UTF-8.
Status CheckContent(std::string_view field, std::string_view content);

// Checks a label list named `field`: each a non-blank id, at most 32 once
// normalised (base::NormalizeLabels).
Status CheckLabels(std::string_view field,
                   const std::vector<std::string>& labels);

// Checks a custom attribute key: 1-64 bytes of valid UTF-8. Problems with
// the key are reported on "custom_attributes" because a malformed key must
// not end up in a message.
Status CheckAttributeKey(std::string_view key);

// Checks a value of attribute `key` (a valid key): a string of at most 1024
// bytes of valid UTF-8, a finite number, or a bool.
Status CheckAttributeValue(std::string_view key, const AttributeValue& value);

// Checks a whole attribute map: at most 64 entries, each key and value valid.
Status CheckAttributes(const Attributes& attributes);

// Checks the attachments of one message, named `field` ("attachments" or
// "message.attachments"). too_large for more than 15 attachments or more
// than 25 MiB in total; invalid_argument for a name outside 1-250 bytes, a
// content type over 250 bytes, or a sha256 that is neither empty nor 64 hex
// digits.
Status CheckAttachments(std::string_view field,
                        const std::vector<Attachment>& attachments);

// Checks that a command at `now_us` does not go back before `last_us`, the
// time of its stream's last event; the error names the field "at".
Status CheckNotBefore(TimeUs now_us, TimeUs last_us);

// Whether an enum holds one of its declared values (a host may cast any
// integer into one).
bool IsKnown(Channel channel);
bool IsKnown(Priority priority);
bool IsKnown(MessageKind kind);
bool IsKnown(ActorKind kind);
bool IsKnown(TicketStatus status);

}  // namespace ticketlog::domain

#endif  // TICKETLOG_DOMAIN_VALIDATE_H_
