#include "domain/validate.h"

#include <cmath>
#include <string>
#include <type_traits>
#include <variant>

#include "base/normalize.h"
#include "base/text.h"

namespace ticketlog::domain {
namespace {

std::string AtMost(size_t limit, std::string_view unit) {
  return "must be at most " + std::to_string(limit) + " " + std::string(unit);
}

bool IsAccountChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

bool IsHexDigit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
         (c >= 'A' && c <= 'F');
}

Status CheckSha256(std::string_view field, std::string_view sha256) {
  if (sha256.empty()) return Status::OK();
  if (sha256.size() != kSha256HexDigits) {
    return Status::InvalidArgument(field, "must be 64 hex digits");
  }
  for (char c : sha256) {
    if (!IsHexDigit(c)) {
      return Status::InvalidArgument(field, "must be 64 hex digits");
    }
  }
  return Status::OK();
}

Status CheckAttachment(const std::string& field, const Attachment& attachment) {
  TICKETLOG_RETURN_IF_ERROR(
      CheckId(field + ".name", attachment.name, /*required=*/true));
  TICKETLOG_RETURN_IF_ERROR(CheckId(field + ".content_type",
                                    attachment.content_type,
                                    /*required=*/false));
  return CheckSha256(field + ".sha256", attachment.sha256);
}

template <typename E>
bool AtMostValue(E value, E last) {
  return static_cast<std::underlying_type_t<E>>(value) <=
         static_cast<std::underlying_type_t<E>>(last);
}

}  // namespace

std::string Indexed(std::string_view field, size_t index) {
  std::string out(field);
  out += '[';
  out += std::to_string(index);
  out += ']';
  return out;
}

Status CheckText(std::string_view field, std::string_view value,
                 size_t max_bytes, bool required) {
  if (required && value.empty()) {
    return Status::InvalidArgument(field, "must not be empty");
  }
  if (value.size() > max_bytes) {
    return Status::InvalidArgument(field, AtMost(max_bytes, "bytes"));
  }
  if (!base::IsValidUtf8(value)) {
    return Status::InvalidArgument(field, "must be valid UTF-8");
  }
  return Status::OK();
}

Status CheckId(std::string_view field, std::string_view value, bool required) {
  return CheckText(field, value, kMaxIdBytes, required);
}

Status CheckAccount(std::string_view account) {
  if (account.empty() || account.size() > kMaxAccountBytes) {
    return Status::InvalidArgument("account", "must be 1-64 of [A-Za-z0-9_.-]");
  }
  for (char c : account) {
    if (!IsAccountChar(c)) {
      return Status::InvalidArgument("account",
                                     "must be 1-64 of [A-Za-z0-9_.-]");
    }
  }
  return Status::OK();
}

Status CheckSubject(std::string_view subject) {
  // Valid UTF-8 has at most 4 bytes per character: a longer subject is too
  // long whatever it holds, and is refused without scanning it.
  bool too_long = subject.size() > 4 * kMaxSubjectChars;
  if (!too_long) {
    TICKETLOG_RETURN_IF_ERROR(
        CheckText("subject", subject, subject.size(), /*required=*/true));
    too_long = base::Utf8Length(subject) > kMaxSubjectChars;
  }
  if (too_long) {
    return Status::InvalidArgument("subject",
                                   AtMost(kMaxSubjectChars, "characters"));
  }
  return Status::OK();
}

Status CheckContent(std::string_view field, std::string_view content) {
  return CheckText(field, content, kMaxContentBytes, /*required=*/true);
}

Status CheckLabels(std::string_view field,
                   const std::vector<std::string>& labels) {
  for (size_t i = 0; i < labels.size(); ++i) {
    std::string item = Indexed(field, i);
    TICKETLOG_RETURN_IF_ERROR(CheckId(item, labels[i], /*required=*/true));
    if (base::Trim(labels[i]).empty()) {
      return Status::InvalidArgument(item, "must not be blank");
    }
  }
  // Counted once normalised: "VIP" and "vip " are one label.
  if (base::NormalizeLabels(labels).size() > kMaxLabels) {
    return Status::InvalidArgument(field, AtMost(kMaxLabels, "labels"));
  }
  return Status::OK();
}

Status CheckAttributeKey(std::string_view key) {
  if (key.empty()) {
    return Status::InvalidArgument("custom_attributes",
                                   "a key must not be empty");
  }
  if (key.size() > kMaxAttributeKeyBytes) {
    return Status::InvalidArgument(
        "custom_attributes", "a key " + AtMost(kMaxAttributeKeyBytes, "bytes"));
  }
  if (!base::IsValidUtf8(key)) {
    return Status::InvalidArgument("custom_attributes",
                                   "a key must be valid UTF-8");
  }
  return Status::OK();
}

Status CheckAttributeValue(std::string_view key, const AttributeValue& value) {
  std::string field = "custom_attributes." + std::string(key);
  if (const auto* text = std::get_if<std::string>(&value)) {
    return CheckText(field, *text, kMaxAttributeValueBytes,
                     /*required=*/false);
  }
  if (const auto* number = std::get_if<double>(&value)) {
    if (!std::isfinite(*number)) {
      return Status::InvalidArgument(field, "must be a finite number");
    }
  }
  return Status::OK();
}

Status CheckAttributes(const Attributes& attributes) {
  if (attributes.size() > kMaxAttributes) {
    return Status::InvalidArgument("custom_attributes",
                                   AtMost(kMaxAttributes, "attributes"));
  }
  for (const auto& [key, value] : attributes) {
    TICKETLOG_RETURN_IF_ERROR(CheckAttributeKey(key));
    TICKETLOG_RETURN_IF_ERROR(CheckAttributeValue(key, value));
  }
  return Status::OK();
}

Status CheckAttachments(std::string_view field,
                        const std::vector<Attachment>& attachments) {
  if (attachments.size() > kMaxAttachmentsPerMessage) {
    return Status(Code::kTooLarge,
                  std::string(field) + ": " +
                      AtMost(kMaxAttachmentsPerMessage, "attachments"));
  }
  uint64_t total = 0;
  for (size_t i = 0; i < attachments.size(); ++i) {
    TICKETLOG_RETURN_IF_ERROR(
        CheckAttachment(Indexed(field, i), attachments[i]));
    // Compared before adding so that huge sizes cannot wrap the total.
    if (attachments[i].size_bytes > kMaxAttachmentBytesPerCommand - total) {
      return Status(Code::kTooLarge, std::string(field) + ": " +
                                         AtMost(kMaxAttachmentBytesPerCommand,
                                                "bytes in total (25 MiB)"));
    }
    total += attachments[i].size_bytes;
  }
  return Status::OK();
}

Status CheckNotBefore(TimeUs now_us, TimeUs last_us) {
  if (now_us < last_us) {
    return Status::InvalidArgument(
        "at", base::FormatTime(now_us) +
                  " is earlier than the ticket's last event, at " +
                  base::FormatTime(last_us));
  }
  return Status::OK();
}

bool IsKnown(Channel channel) { return AtMostValue(channel, Channel::kAgent); }
bool IsKnown(Priority priority) {
  return AtMostValue(priority, Priority::kUrgent);
}
bool IsKnown(MessageKind kind) { return AtMostValue(kind, MessageKind::kNote); }
bool IsKnown(TicketStatus status) {
  return AtMostValue(status, TicketStatus::kClosed);
}
bool IsKnown(ActorKind kind) { return AtMostValue(kind, ActorKind::kCustomer); }

}  // namespace ticketlog::domain
