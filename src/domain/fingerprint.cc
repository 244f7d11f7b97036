#include "domain/fingerprint.h"

#include <cstdint>
#include <type_traits>
#include <variant>

#include "base/normalize.h"
#include "base/text.h"

namespace ticketlog::domain {
namespace {

// The forms under which two spellings are the same command: a ticket id in
// any case or with braces, labels and emails in any case, phones with any
// separators.
std::string TicketId(const std::string& ticket) {
  return base::ParseUuid(ticket).value_or(ticket);
}

Customer CanonicalCustomer(const Customer& c) {
  return Customer{c.contact, std::string(base::Trim(c.id)),
                  std::string(base::Trim(c.name)),
                  base::NormalizeEmail(c.email), base::NormalizePhone(c.phone)};
}

class Canon {
 public:
  void Add(std::string_view text) {
    AddNumber(text.size());
    out_.append(text);
  }
  void Add(const std::string& text) { Add(std::string_view(text)); }
  void Add(const char* text) { Add(std::string_view(text)); }
  void Add(bool value) { out_.push_back(value ? 1 : 0); }
  void AddNumber(uint64_t value) {
    for (int shift = 56; shift >= 0; shift -= 8) {
      out_.push_back(static_cast<char>(value >> shift));
    }
  }
  template <typename E>
  requires std::is_enum_v<E>
  void Add(E value) { AddNumber(static_cast<uint64_t>(value)); }
  void Add(double value) {
    uint64_t bits;
    static_assert(sizeof bits == sizeof value);
    __builtin_memcpy(&bits, &value, sizeof bits);
    AddNumber(bits);
  }
  void Add(int64_t value) { AddNumber(static_cast<uint64_t>(value)); }
  void Add(uint64_t value) { AddNumber(value); }
  template <typename T>
  void Add(const std::optional<T>& value) {
    Add(value.has_value());
    if (value) Add(*value);
  }
  template <typename T>
  void Add(const std::vector<T>& values) {
    AddNumber(values.size());
    for (const auto& value : values) Add(value);
  }
  void Add(const Customer& c) {
    Add(c.contact), Add(c.id), Add(c.name), Add(c.email), Add(c.phone);
  }
  void Add(const Attachment& a) {
    Add(a.name), Add(a.content_type), AddNumber(a.size_bytes), Add(a.sha256);
  }
  void Add(const AttributeValue& value) {
    AddNumber(value.index());
    std::visit([this](const auto& v) { Add(v); }, value);
  }
  template <typename V>
  void Add(const std::map<std::string, V>& values) {
    AddNumber(values.size());
    for (const auto& [key, value] : values) Add(key), Add(value);
  }
  void Add(const OpeningMessage& m) {
    Add(m.content), Add(m.kind), Add(m.is_private), Add(m.attachments);
  }

  void Body(const DefineDepartment& c) { Add(c.department), Add(c.name); }
  void Body(const RegisterOperator& c) {
    Add(c.operator_id), Add(c.name), Add(c.departments);
  }
  void Body(const RemoveOperator& c) { Add(c.operator_id); }
  void Body(const DefineStatus& c) {
    Add(c.status), Add(c.name), Add(c.resume_on_customer_reply);
  }
  void Body(const DefineSlaPolicy& c) {
    Add(c.policy), Add(c.name), Add(c.priorities), Add(c.department);
    Add(c.first_response_seconds), Add(c.resolution_seconds);
  }
  void Body(const UpdateContact& c) {
    Add(c.contact), Add(c.id), Add(c.name), Add(c.email), Add(c.phone);
  }
  void Body(const OpenTicket& c) {
    Add(c.ticket.empty() ? c.ticket : TicketId(c.ticket));
    Add(c.subject), Add(c.department), Add(c.operator_id);
    Add(CanonicalCustomer(c.customer)), Add(c.channel), Add(c.priority);
    Add(c.category), Add(base::NormalizeLabels(c.labels));
    Add(c.custom_attributes), Add(c.status), Add(c.resolution);
    Add(c.message);
  }
  void Body(const Reply& c) {
    Add(TicketId(c.ticket)), Add(c.author), Add(c.content);
    Add(c.attachments);
  }
  void Body(const AddComment& c) {
    Add(TicketId(c.ticket)), Add(c.operator_id), Add(c.content);
    Add(c.attachments);
  }
  void Body(const Transfer& c) {
    Add(TicketId(c.ticket)), Add(c.department), Add(c.operator_id);
  }
  void Body(const LinkOperator& c) {
    Add(TicketId(c.ticket)), Add(c.operator_id);
  }
  void Body(const UnlinkOperator& c) { Add(TicketId(c.ticket)); }
  void Body(const StartStatus& c) {
    Add(TicketId(c.ticket)), Add(c.status), Add(c.comment);
  }
  void Body(const StopStatus& c) { Add(TicketId(c.ticket)); }
  void Body(const Finish& c) {
    Add(TicketId(c.ticket)), Add(c.content), Add(c.resolution);
    Add(c.attachments);
  }
  void Body(const Merge& c) { Add(TicketId(c.ticket)), Add(TicketId(c.into)); }
  void Body(const Reopen& c) { Add(TicketId(c.ticket)); }
  void Body(const Close& c) { Add(TicketId(c.ticket)); }
  void Body(const Update& c) {
    Add(TicketId(c.ticket)), Add(c.subject), Add(c.channel), Add(c.priority);
    Add(c.category);
    Add(c.labels ? std::optional(base::NormalizeLabels(*c.labels))
                 : std::nullopt);
    Add(base::NormalizeLabels(c.add_labels));
    Add(base::NormalizeLabels(c.remove_labels));
    Add(c.custom_attributes);
  }

  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

}  // namespace

std::string CanonicalCommand(const Command& command) {
  Canon canon;
  canon.Add(OpName(command.body));
  canon.Add(command.account);
  canon.Add(command.expected_version);
  canon.Add(command.at_us);
  canon.Add(command.actor);
  std::visit([&canon](const auto& body) { canon.Body(body); }, command.body);
  return canon.Take();
}

}  // namespace ticketlog::domain
