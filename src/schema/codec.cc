// Codec between the public event and view types and their FlatBuffers form.
//
// Two properties shape this file:
//  * Encoding is deterministic. Event bodies are hashed into the log's chain
//    and views are compared byte for byte, so every object is created in a
//    fixed order (never two in one function call's argument list, whose
//    order of evaluation is unspecified) and defaults are never forced.
//  * Decoding trusts nothing. Every buffer passes the verifier before it is
//    read, and the checks the verifier cannot make (enum ranges, unknown
//    union members, required pieces) return corruption.
//
// Empty strings, empty vectors and empty maps are written as absent fields
// and absent fields decode as empty, except where absent and empty mean
// different things (TicketUpdated's optional strings and labels).
#include "schema/codec.h"

#include <flatbuffers/flatbuffers.h>

#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "base/text.h"
#include "events_generated.h"
#include "schema/event_message.h"
#include "views_generated.h"

namespace ticketlog::schema {
namespace {

using Builder = flatbuffers::FlatBufferBuilder;
template <typename T>
using Off = flatbuffers::Offset<T>;
template <typename T>
using VecOff = flatbuffers::Offset<flatbuffers::Vector<T>>;
using StrOff = Off<flatbuffers::String>;
using StrVec = flatbuffers::Vector<StrOff>;

// Large enough for a typical event without regrowing; the builder doubles
// when it is not.
constexpr size_t kInitialBuilderSize = 512;
// Room for the envelope's own fields besides the body.
constexpr size_t kEnvelopeOverhead = 128;
constexpr size_t kHashSize = 32;
// The largest scalar alignment in an Event body (long, double).
constexpr size_t kBodyAlignment = 8;

// The public enums and the stored ones share their numbering, so a value
// converts with a cast; these catch a value added to one side only.
static_assert(static_cast<int>(fb::ActorKind::MAX) ==
              static_cast<int>(ActorKind::kCustomer));
static_assert(static_cast<int>(fb::Channel::MAX) ==
              static_cast<int>(Channel::kAgent));
static_assert(static_cast<int>(fb::Priority::MAX) ==
              static_cast<int>(Priority::kUrgent));
static_assert(static_cast<int>(fb::TicketStatus::MAX) ==
              static_cast<int>(TicketStatus::kClosed));
static_assert(static_cast<int>(fb::MessageKind::MAX) ==
              static_cast<int>(MessageKind::kNote));
static_assert(static_cast<int>(fb::Awaiting::MAX) ==
              static_cast<int>(Awaiting::kCustomer));
static_assert(static_cast<size_t>(fb::Payload::MAX) ==
              std::variant_size_v<EventPayload>);

std::string ToBytes(const Builder& b) {
  return std::string(reinterpret_cast<const char*>(b.GetBufferPointer()),
                     b.GetSize());
}

const uint8_t* AsBytes(std::string_view bytes) {
  return reinterpret_cast<const uint8_t*>(bytes.data());
}

std::string_view AsView(const flatbuffers::Vector<uint8_t>& v) {
  return std::string_view(reinterpret_cast<const char*>(v.data()), v.size());
}

// FlatBuffers reads scalars in place and needs them aligned (8 bytes: the
// widest scalar in the schemas), but RocksDB hands out values at any address
// (iterator slices, pinned blocks). Misaligned input is copied once.
class AlignedBytes {
 public:
  explicit AlignedBytes(std::string_view bytes) : view_(bytes) {
    if (reinterpret_cast<uintptr_t>(bytes.data()) % sizeof(uint64_t) == 0) {
      return;
    }
    copy_.resize((bytes.size() + sizeof(uint64_t) - 1) / sizeof(uint64_t));
    std::memcpy(copy_.data(), bytes.data(), bytes.size());
    view_ = std::string_view(reinterpret_cast<const char*>(copy_.data()),
                             bytes.size());
  }
  std::string_view view() const { return view_; }

 private:
  std::vector<uint64_t> copy_;
  std::string_view view_;
};

// Verifies `bytes` as a buffer whose root is T, without file identifier.
template <typename T>
bool VerifyRoot(std::string_view bytes) {
  // The verifier asserts on buffers past FlatBuffers' 2 GiB limit instead of
  // failing, so those are refused here.
  if (bytes.size() >= FLATBUFFERS_MAX_BUFFER_SIZE) return false;
  flatbuffers::Verifier verifier(AsBytes(bytes), bytes.size());
  return verifier.VerifyBuffer<T>(nullptr);
}

// ---- Encoding helpers -------------------------------------------------------

StrOff OptString(Builder& b, std::string_view s) {
  return s.empty() ? StrOff() : b.CreateString(s.data(), s.size());
}

VecOff<StrOff> StringVector(Builder& b, const std::vector<std::string>& v) {
  if (v.empty()) return {};
  std::vector<StrOff> offsets;
  offsets.reserve(v.size());
  for (const std::string& s : v) offsets.push_back(b.CreateString(s));
  return b.CreateVector(offsets);
}

Off<fb::Attribute> EncodeAttribute(Builder& b, const std::string& key,
                                   const AttributeValue& value) {
  StrOff key_offset = OptString(b, key);
  const auto* text = std::get_if<std::string>(&value);
  StrOff text_offset = text != nullptr ? OptString(b, *text) : StrOff();
  fb::AttributeBuilder a(b);
  a.add_key(key_offset);
  if (text != nullptr) {
    a.add_type(fb::AttributeType::String);
    a.add_string_value(text_offset);
  } else if (const auto* number = std::get_if<double>(&value)) {
    a.add_type(fb::AttributeType::Number);
    a.add_number_value(*number);
  } else if (const auto* integer = std::get_if<int64_t>(&value)) {
    a.add_type(fb::AttributeType::Integer);
    a.add_integer_value(*integer);
  } else {
    a.add_type(fb::AttributeType::Bool);
    a.add_bool_value(std::get<bool>(value));
  }
  return a.Finish();
}

// std::map iterates in key order, so the stored vector is sorted by key.
VecOff<Off<fb::Attribute>> AttributeVector(Builder& b,
                                           const Attributes& attributes) {
  if (attributes.empty()) return {};
  std::vector<Off<fb::Attribute>> offsets;
  offsets.reserve(attributes.size());
  for (const auto& [key, value] : attributes) {
    offsets.push_back(EncodeAttribute(b, key, value));
  }
  return b.CreateVector(offsets);
}

Off<fb::Customer> EncodeCustomer(Builder& b, const Customer& c) {
  StrOff contact = OptString(b, c.contact);
  StrOff id = OptString(b, c.id);
  StrOff name = OptString(b, c.name);
  StrOff email = OptString(b, c.email);
  StrOff phone = OptString(b, c.phone);
  return fb::CreateCustomer(b, contact, id, name, email, phone);
}

Off<fb::Attachment> EncodeAttachment(Builder& b, const Attachment& a) {
  StrOff name = OptString(b, a.name);
  StrOff content_type = OptString(b, a.content_type);
  StrOff sha256 = OptString(b, a.sha256);
  return fb::CreateAttachment(b, name, content_type, a.size_bytes, sha256);
}

Off<fb::Message> EncodeMessageTable(Builder& b, const Message& m) {
  StrOff author_id = OptString(b, m.author_id);
  StrOff content = OptString(b, m.content);
  StrOff id = OptString(b, m.id);
  StrOff merged_from = OptString(b, m.merged_from);
  VecOff<Off<fb::Attachment>> attachments;
  if (!m.attachments.empty()) {
    std::vector<Off<fb::Attachment>> offsets;
    offsets.reserve(m.attachments.size());
    for (const Attachment& a : m.attachments) {
      offsets.push_back(EncodeAttachment(b, a));
    }
    attachments = b.CreateVector(offsets);
  }
  return fb::CreateMessage(b, m.seq, static_cast<fb::MessageKind>(m.kind),
                           static_cast<fb::ActorKind>(m.author), author_id,
                           m.is_private, content, attachments, id, m.at_us,
                           merged_from, m.merged_seq);
}

// An absent sla is no offset: nothing is written.
Off<fb::SlaApplied> EncodeSla(Builder& b, const std::optional<SlaTargets>& t) {
  if (!t.has_value()) return {};
  StrOff policy = OptString(b, t->policy);
  return fb::CreateSlaApplied(b, policy, t->first_response_seconds,
                              t->resolution_seconds);
}

// ---- Encoding: one function per payload type --------------------------------

Off<fb::TicketOpened> EncodePayloadTable(Builder& b, const TicketOpened& e) {
  StrOff ticket = OptString(b, e.ticket);
  StrOff subject = OptString(b, e.subject);
  StrOff department = OptString(b, e.department);
  StrOff operator_id = OptString(b, e.operator_id);
  Off<fb::Customer> customer = EncodeCustomer(b, e.customer);
  StrOff category = OptString(b, e.category);
  VecOff<StrOff> labels = StringVector(b, e.labels);
  VecOff<Off<fb::Attribute>> attributes =
      AttributeVector(b, e.custom_attributes);
  StrOff custom_status = OptString(b, e.custom_status);
  Off<fb::Message> message;
  if (e.message.has_value()) message = EncodeMessageTable(b, *e.message);
  Off<fb::SlaApplied> sla = EncodeSla(b, e.sla);
  fb::TicketOpenedBuilder out(b);
  out.add_number(e.number);
  out.add_ticket(ticket);
  out.add_subject(subject);
  out.add_department(department);
  out.add_operator_(operator_id);
  out.add_customer(customer);
  out.add_category(category);
  out.add_labels(labels);
  out.add_custom_attributes(attributes);
  out.add_custom_status(custom_status);
  out.add_message(message);
  out.add_sla(sla);
  out.add_new_contact(e.new_contact);
  out.add_channel(static_cast<fb::Channel>(e.channel));
  out.add_priority(static_cast<fb::Priority>(e.priority));
  out.add_status(static_cast<fb::TicketStatus>(e.status));
  return out.Finish();
}

Off<fb::MessageAdded> EncodePayloadTable(Builder& b, const MessageAdded& e) {
  return fb::CreateMessageAdded(b, EncodeMessageTable(b, e.message));
}

Off<fb::TicketTransferred> EncodePayloadTable(Builder& b,
                                              const TicketTransferred& e) {
  StrOff from_department = OptString(b, e.from_department);
  StrOff to_department = OptString(b, e.to_department);
  StrOff from_operator = OptString(b, e.from_operator);
  StrOff to_operator = OptString(b, e.to_operator);
  Off<fb::SlaApplied> sla = EncodeSla(b, e.sla);
  return fb::CreateTicketTransferred(b, from_department, to_department,
                                     from_operator, to_operator, sla);
}

Off<fb::OperatorLinked> EncodePayloadTable(Builder& b,
                                           const OperatorLinked& e) {
  StrOff operator_id = OptString(b, e.operator_id);
  StrOff previous = OptString(b, e.previous_operator);
  return fb::CreateOperatorLinked(b, operator_id, previous);
}

Off<fb::OperatorUnlinked> EncodePayloadTable(Builder& b,
                                             const OperatorUnlinked& e) {
  return fb::CreateOperatorUnlinked(b, OptString(b, e.operator_id));
}

Off<fb::StatusStarted> EncodePayloadTable(Builder& b, const StatusStarted& e) {
  StrOff status = OptString(b, e.status);
  StrOff comment = OptString(b, e.comment);
  return fb::CreateStatusStarted(b, status, comment);
}

Off<fb::StatusStopped> EncodePayloadTable(Builder& b, const StatusStopped& e) {
  return fb::CreateStatusStopped(b, OptString(b, e.status), e.duration_us);
}

Off<fb::TicketFinished> EncodePayloadTable(Builder& b,
                                           const TicketFinished& e) {
  return fb::CreateTicketFinished(b, OptString(b, e.resolution));
}

Off<fb::TicketReopened> EncodePayloadTable(Builder& b,
                                           const TicketReopened& e) {
  return fb::CreateTicketReopened(b, e.by_customer_reply);
}

Off<fb::TicketClosed> EncodePayloadTable(Builder& b, const TicketClosed& e) {
  return fb::CreateTicketClosed(b, OptString(b, e.note));
}

// Here presence carries meaning: a set-but-empty subject or label list is a
// change, so those are written even when empty.
Off<fb::TicketUpdated> EncodePayloadTable(Builder& b, const TicketUpdated& e) {
  StrOff subject;
  if (e.subject.has_value()) subject = b.CreateString(*e.subject);
  StrOff category;
  if (e.category.has_value()) category = b.CreateString(*e.category);
  VecOff<StrOff> labels;
  if (e.labels.has_value()) labels = StringVector(b, *e.labels);
  VecOff<Off<fb::Attribute>> set_attributes =
      AttributeVector(b, e.set_attributes);
  VecOff<StrOff> removed = StringVector(b, e.removed_attributes);
  Off<fb::SlaApplied> sla = EncodeSla(b, e.sla);
  fb::TicketUpdatedBuilder out(b);
  out.add_subject(subject);
  out.add_category(category);
  out.add_labels(labels);
  out.add_set_attributes(set_attributes);
  out.add_removed_attributes(removed);
  out.add_sla(sla);
  if (e.channel.has_value()) {
    out.add_channel(static_cast<fb::Channel>(*e.channel));
  }
  if (e.priority.has_value()) {
    out.add_priority(static_cast<fb::Priority>(*e.priority));
  }
  out.add_labels_changed(e.labels.has_value());
  return out.Finish();
}

Off<fb::DepartmentDefined> EncodePayloadTable(Builder& b,
                                              const DepartmentDefined& e) {
  StrOff department = OptString(b, e.department);
  StrOff name = OptString(b, e.name);
  return fb::CreateDepartmentDefined(b, department, name);
}

Off<fb::OperatorRegistered> EncodePayloadTable(Builder& b,
                                               const OperatorRegistered& e) {
  StrOff operator_id = OptString(b, e.operator_id);
  StrOff name = OptString(b, e.name);
  VecOff<StrOff> departments = StringVector(b, e.departments);
  return fb::CreateOperatorRegistered(b, operator_id, name, departments);
}

Off<fb::OperatorRemoved> EncodePayloadTable(Builder& b,
                                            const OperatorRemoved& e) {
  return fb::CreateOperatorRemoved(b, OptString(b, e.operator_id));
}

Off<fb::StatusDefined> EncodePayloadTable(Builder& b, const StatusDefined& e) {
  StrOff status = OptString(b, e.status);
  StrOff name = OptString(b, e.name);
  return fb::CreateStatusDefined(b, status, name, e.resume_on_customer_reply);
}

Off<fb::ContactUpdated> EncodePayloadTable(Builder& b,
                                           const ContactUpdated& e) {
  return fb::CreateContactUpdated(b, EncodeCustomer(b, e.customer));
}

Off<fb::SlaPolicyDefined> EncodePayloadTable(Builder& b,
                                             const SlaPolicyDefined& e) {
  StrOff policy = OptString(b, e.policy);
  StrOff name = OptString(b, e.name);
  VecOff<fb::Priority> priorities;
  if (!e.priorities.empty()) {
    std::vector<fb::Priority> values;
    values.reserve(e.priorities.size());
    for (Priority p : e.priorities) {
      values.push_back(static_cast<fb::Priority>(p));
    }
    priorities = b.CreateVector(values);
  }
  StrOff department = OptString(b, e.department);
  return fb::CreateSlaPolicyDefined(b, policy, name, priorities, department,
                                    e.first_response_seconds,
                                    e.resolution_seconds);
}

Off<fb::TicketMergedInto> EncodePayloadTable(Builder& b,
                                             const TicketMergedInto& e) {
  return fb::CreateTicketMergedInto(b, OptString(b, e.ticket), e.number);
}

Off<fb::TicketMergedFrom> EncodePayloadTable(Builder& b,
                                             const TicketMergedFrom& e) {
  StrOff ticket = OptString(b, e.ticket);
  std::vector<Off<fb::Message>> offsets;
  offsets.reserve(e.messages.size());
  for (const Message& m : e.messages) {
    offsets.push_back(EncodeMessageTable(b, m));
  }
  VecOff<Off<fb::Message>> messages = b.CreateVector(offsets);
  return fb::CreateTicketMergedFrom(b, ticket, e.number, messages);
}

template <typename T>
struct OffsetTarget;
template <typename T>
struct OffsetTarget<Off<T>> {
  using type = T;
};

struct PayloadOffset {
  fb::Payload type = fb::Payload::NONE;
  Off<void> offset;
};

// The union member follows from the generated table type, so the variant's
// alternative order never has to match the schema's.
PayloadOffset EncodePayload(Builder& b, const EventPayload& payload) {
  return std::visit(
      [&b](const auto& e) {
        auto offset = EncodePayloadTable(b, e);
        using Table = typename OffsetTarget<decltype(offset)>::type;
        return PayloadOffset{fb::PayloadTraits<Table>::enum_value,
                             offset.Union()};
      },
      payload);
}

// ---- Decoding helpers -------------------------------------------------------

// Assigning into the existing string reuses its capacity on repeated decodes.
void ReadString(const flatbuffers::String* s, std::string& out) {
  if (s == nullptr) {
    out.clear();
  } else {
    out.assign(s->data(), s->size());
  }
}

std::optional<std::string> ReadOptString(const flatbuffers::String* s) {
  if (s == nullptr) return std::nullopt;
  return std::string(s->data(), s->size());
}

void ReadStrings(const StrVec* v, std::vector<std::string>& out) {
  out.clear();
  if (v == nullptr) return;
  out.reserve(v->size());
  for (const flatbuffers::String* s : *v) {
    out.emplace_back(s->data(), s->size());
  }
}

template <typename T>
std::optional<T> ReadOptScalar(const flatbuffers::Optional<T>& v) {
  if (!v.has_value()) return std::nullopt;
  return v.value();
}

// The verifier checks an enum's size, not its value: values written by a
// newer schema, or by damage, land here.
template <typename Out, typename In>
Status ReadEnum(In in, Out& out, const char* what) {
  auto raw = static_cast<std::underlying_type_t<In>>(in);
  if (raw > static_cast<decltype(raw)>(In::MAX)) {
    return Status::Corruption(std::string("out-of-range ") + what + " " +
                              std::to_string(raw));
  }
  out = static_cast<Out>(raw);
  return Status::OK();
}

template <typename Out, typename In>
Status ReadOptEnum(const flatbuffers::Optional<In>& in, std::optional<Out>& out,
                   const char* what) {
  if (!in.has_value()) {
    out.reset();
    return Status::OK();
  }
  return ReadEnum(in.value(), out.emplace(), what);
}

Status ReadAttributes(const flatbuffers::Vector<Off<fb::Attribute>>* v,
                      Attributes& out) {
  out.clear();
  if (v == nullptr) return Status::OK();
  for (const fb::Attribute* a : *v) {
    std::string key;
    ReadString(a->key(), key);
    AttributeValue value;
    switch (a->type()) {
      case fb::AttributeType::String:
        ReadString(a->string_value(), value.emplace<std::string>());
        break;
      case fb::AttributeType::Number:
        value = a->number_value();
        break;
      case fb::AttributeType::Bool:
        value = a->bool_value();
        break;
      case fb::AttributeType::Integer:
        value = a->integer_value();
        break;
      default:
        return Status::Corruption(
            "out-of-range attribute type " +
            std::to_string(static_cast<unsigned>(a->type())));
    }
    // Stored sorted by key, so each insert lands at the end.
    out.emplace_hint(out.end(), std::move(key), std::move(value));
  }
  return Status::OK();
}

// A missing customer table reads as an empty customer.
void DecodeCustomer(const fb::Customer* c, Customer& out) {
  if (c == nullptr) {
    out = Customer();
    return;
  }
  ReadString(c->contact(), out.contact);
  ReadString(c->id(), out.id);
  ReadString(c->name(), out.name);
  ReadString(c->email(), out.email);
  ReadString(c->phone(), out.phone);
}

Status DecodeMessageTable(const fb::Message& m, Message& out) {
  ReadString(m.id(), out.id);
  out.at_us = m.at_us();
  out.seq = m.seq();
  TICKETLOG_RETURN_IF_ERROR(ReadEnum(m.kind(), out.kind, "message kind"));
  TICKETLOG_RETURN_IF_ERROR(ReadEnum(m.author(), out.author, "author kind"));
  ReadString(m.author_id(), out.author_id);
  out.is_private = m.private_();
  ReadString(m.content(), out.content);
  out.attachments.clear();
  if (const auto* attachments = m.attachments()) {
    out.attachments.reserve(attachments->size());
    for (const fb::Attachment* a : *attachments) {
      Attachment& dst = out.attachments.emplace_back();
      ReadString(a->name(), dst.name);
      ReadString(a->content_type(), dst.content_type);
      dst.size_bytes = a->size_bytes();
      ReadString(a->sha256(), dst.sha256);
    }
  }
  ReadString(m.merged_from(), out.merged_from);
  out.merged_seq = m.merged_seq();
  return Status::OK();
}

void DecodeSla(const fb::SlaApplied* in, std::optional<SlaTargets>& out) {
  if (in == nullptr) {
    out.reset();
    return;
  }
  SlaTargets& t = out.emplace();
  ReadString(in->policy(), t.policy);
  t.first_response_seconds = in->first_response_seconds();
  t.resolution_seconds = in->resolution_seconds();
}

// ---- Decoding: one function per payload type --------------------------------

Status DecodePayloadTable(const fb::TicketOpened& in, TicketOpened& out) {
  ReadString(in.ticket(), out.ticket);
  out.number = in.number();
  ReadString(in.subject(), out.subject);
  ReadString(in.department(), out.department);
  ReadString(in.operator_(), out.operator_id);
  DecodeCustomer(in.customer(), out.customer);
  out.new_contact = in.new_contact();
  TICKETLOG_RETURN_IF_ERROR(ReadEnum(in.channel(), out.channel, "channel"));
  TICKETLOG_RETURN_IF_ERROR(ReadEnum(in.priority(), out.priority, "priority"));
  ReadString(in.category(), out.category);
  ReadStrings(in.labels(), out.labels);
  TICKETLOG_RETURN_IF_ERROR(
      ReadAttributes(in.custom_attributes(), out.custom_attributes));
  TICKETLOG_RETURN_IF_ERROR(ReadEnum(in.status(), out.status, "status"));
  ReadString(in.custom_status(), out.custom_status);
  DecodeSla(in.sla(), out.sla);
  if (in.message() == nullptr) {
    out.message.reset();
    return Status::OK();
  }
  return DecodeMessageTable(*in.message(), out.message.emplace());
}

Status DecodePayloadTable(const fb::MessageAdded& in, MessageAdded& out) {
  if (in.message() == nullptr) {
    return Status::Corruption("MessageAdded without a message");
  }
  return DecodeMessageTable(*in.message(), out.message);
}

Status DecodePayloadTable(const fb::TicketTransferred& in,
                          TicketTransferred& out) {
  ReadString(in.from_department(), out.from_department);
  ReadString(in.to_department(), out.to_department);
  ReadString(in.from_operator(), out.from_operator);
  ReadString(in.to_operator(), out.to_operator);
  DecodeSla(in.sla(), out.sla);
  return Status::OK();
}

Status DecodePayloadTable(const fb::OperatorLinked& in, OperatorLinked& out) {
  ReadString(in.operator_(), out.operator_id);
  ReadString(in.previous_operator(), out.previous_operator);
  return Status::OK();
}

Status DecodePayloadTable(const fb::OperatorUnlinked& in,
                          OperatorUnlinked& out) {
  ReadString(in.operator_(), out.operator_id);
  return Status::OK();
}

Status DecodePayloadTable(const fb::StatusStarted& in, StatusStarted& out) {
  ReadString(in.status(), out.status);
  ReadString(in.comment(), out.comment);
  return Status::OK();
}

Status DecodePayloadTable(const fb::StatusStopped& in, StatusStopped& out) {
  ReadString(in.status(), out.status);
  out.duration_us = in.duration_us();
  return Status::OK();
}

Status DecodePayloadTable(const fb::TicketFinished& in, TicketFinished& out) {
  ReadString(in.resolution(), out.resolution);
  return Status::OK();
}

Status DecodePayloadTable(const fb::TicketReopened& in, TicketReopened& out) {
  out.by_customer_reply = in.by_customer_reply();
  return Status::OK();
}

Status DecodePayloadTable(const fb::TicketClosed& in, TicketClosed& out) {
  ReadString(in.note(), out.note);
  return Status::OK();
}

Status DecodePayloadTable(const fb::TicketUpdated& in, TicketUpdated& out) {
  out.subject = ReadOptString(in.subject());
  TICKETLOG_RETURN_IF_ERROR(ReadOptEnum(in.channel(), out.channel, "channel"));
  TICKETLOG_RETURN_IF_ERROR(
      ReadOptEnum(in.priority(), out.priority, "priority"));
  out.category = ReadOptString(in.category());
  // Labels without labels_changed cannot come from the encoder; the flag is
  // what says the labels changed, so they are ignored then.
  if (in.labels_changed()) {
    ReadStrings(in.labels(), out.labels.emplace());
  } else {
    out.labels.reset();
  }
  TICKETLOG_RETURN_IF_ERROR(
      ReadAttributes(in.set_attributes(), out.set_attributes));
  ReadStrings(in.removed_attributes(), out.removed_attributes);
  DecodeSla(in.sla(), out.sla);
  return Status::OK();
}

Status DecodePayloadTable(const fb::DepartmentDefined& in,
                          DepartmentDefined& out) {
  ReadString(in.department(), out.department);
  ReadString(in.name(), out.name);
  return Status::OK();
}

Status DecodePayloadTable(const fb::OperatorRegistered& in,
                          OperatorRegistered& out) {
  ReadString(in.operator_(), out.operator_id);
  ReadString(in.name(), out.name);
  ReadStrings(in.departments(), out.departments);
  return Status::OK();
}

Status DecodePayloadTable(const fb::OperatorRemoved& in, OperatorRemoved& out) {
  ReadString(in.operator_(), out.operator_id);
  return Status::OK();
}

Status DecodePayloadTable(const fb::StatusDefined& in, StatusDefined& out) {
  ReadString(in.status(), out.status);
  ReadString(in.name(), out.name);
  out.resume_on_customer_reply = in.resume_on_customer_reply();
  return Status::OK();
}

Status DecodePayloadTable(const fb::ContactUpdated& in, ContactUpdated& out) {
  DecodeCustomer(in.customer(), out.customer);
  return Status::OK();
}

Status DecodePayloadTable(const fb::SlaPolicyDefined& in,
                          SlaPolicyDefined& out) {
  ReadString(in.policy(), out.policy);
  ReadString(in.name(), out.name);
  out.priorities.clear();
  if (const auto* priorities = in.priorities()) {
    for (auto p : *priorities) {
      TICKETLOG_RETURN_IF_ERROR(ReadEnum(static_cast<fb::Priority>(p),
                                         out.priorities.emplace_back(),
                                         "priority"));
    }
  }
  ReadString(in.department(), out.department);
  out.first_response_seconds = in.first_response_seconds();
  out.resolution_seconds = in.resolution_seconds();
  return Status::OK();
}

Status DecodePayloadTable(const fb::TicketMergedInto& in,
                          TicketMergedInto& out) {
  ReadString(in.ticket(), out.ticket);
  out.number = in.number();
  return Status::OK();
}

Status DecodePayloadTable(const fb::TicketMergedFrom& in,
                          TicketMergedFrom& out) {
  ReadString(in.ticket(), out.ticket);
  out.number = in.number();
  out.messages.clear();
  if (const auto* messages = in.messages()) {
    out.messages.reserve(messages->size());
    for (const fb::Message* m : *messages) {
      TICKETLOG_RETURN_IF_ERROR(
          DecodeMessageTable(*m, out.messages.emplace_back()));
    }
  }
  return Status::OK();
}

template <typename T, typename Table>
Status DecodeAs(const fb::Event& in, EventPayload& out) {
  const Table* table = in.payload_as<Table>();
  // A union type with no table behind it passes the verifier.
  if (table == nullptr) {
    return Status::Corruption("event payload is missing");
  }
  return DecodePayloadTable(*table, out.emplace<T>());
}

Status DecodePayload(const fb::Event& in, EventPayload& out) {
  switch (in.payload_type()) {
    case fb::Payload::TicketOpened:
      return DecodeAs<TicketOpened, fb::TicketOpened>(in, out);
    case fb::Payload::MessageAdded:
      return DecodeAs<MessageAdded, fb::MessageAdded>(in, out);
    case fb::Payload::TicketTransferred:
      return DecodeAs<TicketTransferred, fb::TicketTransferred>(in, out);
    case fb::Payload::OperatorLinked:
      return DecodeAs<OperatorLinked, fb::OperatorLinked>(in, out);
    case fb::Payload::OperatorUnlinked:
      return DecodeAs<OperatorUnlinked, fb::OperatorUnlinked>(in, out);
    case fb::Payload::StatusStarted:
      return DecodeAs<StatusStarted, fb::StatusStarted>(in, out);
    case fb::Payload::StatusStopped:
      return DecodeAs<StatusStopped, fb::StatusStopped>(in, out);
    case fb::Payload::TicketFinished:
      return DecodeAs<TicketFinished, fb::TicketFinished>(in, out);
    case fb::Payload::TicketReopened:
      return DecodeAs<TicketReopened, fb::TicketReopened>(in, out);
    case fb::Payload::TicketClosed:
      return DecodeAs<TicketClosed, fb::TicketClosed>(in, out);
    case fb::Payload::TicketUpdated:
      return DecodeAs<TicketUpdated, fb::TicketUpdated>(in, out);
    case fb::Payload::DepartmentDefined:
      return DecodeAs<DepartmentDefined, fb::DepartmentDefined>(in, out);
    case fb::Payload::OperatorRegistered:
      return DecodeAs<OperatorRegistered, fb::OperatorRegistered>(in, out);
    case fb::Payload::OperatorRemoved:
      return DecodeAs<OperatorRemoved, fb::OperatorRemoved>(in, out);
    case fb::Payload::StatusDefined:
      return DecodeAs<StatusDefined, fb::StatusDefined>(in, out);
    case fb::Payload::ContactUpdated:
      return DecodeAs<ContactUpdated, fb::ContactUpdated>(in, out);
    case fb::Payload::SlaPolicyDefined:
      return DecodeAs<SlaPolicyDefined, fb::SlaPolicyDefined>(in, out);
    case fb::Payload::TicketMergedInto:
      return DecodeAs<TicketMergedInto, fb::TicketMergedInto>(in, out);
    case fb::Payload::TicketMergedFrom:
      return DecodeAs<TicketMergedFrom, fb::TicketMergedFrom>(in, out);
    case fb::Payload::NONE:
      return Status::Corruption("event has no payload");
  }
  // The verifier lets unknown union members through (for forward
  // compatibility); this reader does not know how to apply one.
  return Status::Corruption(
      "unknown event type " +
      std::to_string(static_cast<unsigned>(in.payload_type())));
}

// `in` has passed the verifier.
Status DecodeVerifiedEvent(const fb::Event& in, Event& out) {
  ReadString(in.event_id(), out.event_id);
  ReadString(in.account(), out.account);
  ReadString(in.stream(), out.stream);
  out.occurred_at_us = in.occurred_at_us();
  out.recorded_at_us = in.recorded_at_us();
  TICKETLOG_RETURN_IF_ERROR(
      ReadEnum(in.actor_kind(), out.actor.kind, "actor kind"));
  ReadString(in.actor_id(), out.actor.id);
  ReadString(in.command_id(), out.command_id);
  out.schema_version = in.schema_version();
  TICKETLOG_RETURN_IF_ERROR(DecodePayload(in, out.payload));
  // Messages written before they had their own id and time take the
  // event's.
  StampOwnMessage(out);
  return Status::OK();
}

// ---- Ticket view records ----------------------------------------------------

VecOff<Off<fb::StatusDuration>> StatusDurationVector(
    Builder& b, const std::map<std::string, int64_t>& durations) {
  if (durations.empty()) return {};
  std::vector<Off<fb::StatusDuration>> offsets;
  offsets.reserve(durations.size());
  for (const auto& [status, duration_us] : durations) {
    StrOff name = OptString(b, status);
    offsets.push_back(fb::CreateStatusDuration(b, name, duration_us));
  }
  return b.CreateVector(offsets);
}

void AddOptionalTimes(fb::TicketViewRecordBuilder& out, const TicketView& v) {
  if (v.first_response_at_us.has_value()) {
    out.add_first_response_at_us(*v.first_response_at_us);
  }
  if (v.finished_at_us.has_value()) out.add_finished_at_us(*v.finished_at_us);
  if (v.closed_at_us.has_value()) out.add_closed_at_us(*v.closed_at_us);
  if (v.first_response_us.has_value()) {
    out.add_first_response_us(*v.first_response_us);
  }
  if (v.resolution_us.has_value()) out.add_resolution_us(*v.resolution_us);
}

Off<fb::TicketViewRecord> EncodeViewTable(Builder& b, const TicketView& v) {
  StrOff ticket = OptString(b, v.ticket);
  StrOff account = OptString(b, v.account);
  StrOff subject = OptString(b, v.subject);
  StrOff custom_status = OptString(b, v.custom_status);
  StrOff department = OptString(b, v.department);
  StrOff operator_id = OptString(b, v.operator_id);
  Off<fb::Customer> customer = EncodeCustomer(b, v.customer);
  StrOff category = OptString(b, v.category);
  VecOff<StrOff> labels = StringVector(b, v.labels);
  VecOff<Off<fb::Attribute>> attributes =
      AttributeVector(b, v.custom_attributes);
  StrOff resolution = OptString(b, v.resolution);
  VecOff<Off<fb::StatusDuration>> durations =
      StatusDurationVector(b, v.status_durations_us);
  StrOff sla_policy = v.sla ? OptString(b, v.sla->policy) : StrOff();
  StrOff merged_into = OptString(b, v.merged_into);
  VecOff<StrOff> merged_from = StringVector(b, v.merged_from);
  fb::TicketViewRecordBuilder out(b);
  // 8-byte scalars first, then offsets and 4-byte scalars, then bytes: the
  // fewest padding bytes.
  out.add_number(v.number);
  out.add_created_at_us(v.created_at_us);
  out.add_updated_at_us(v.updated_at_us);
  AddOptionalTimes(out, v);
  out.add_paused_us(v.paused_us);
  out.add_status_started_at_us(v.status_started_at_us);
  out.add_version(v.version);
  // A ticket without a policy writes none of these: its record stays the
  // bytes the previous version wrote.
  if (v.sla) {
    out.add_sla_first_response_seconds(v.sla->first_response_seconds);
    out.add_sla_resolution_seconds(v.sla->resolution_seconds);
  }
  out.add_ticket(ticket);
  out.add_account(account);
  out.add_subject(subject);
  out.add_custom_status(custom_status);
  out.add_department(department);
  out.add_operator_(operator_id);
  out.add_customer(customer);
  out.add_category(category);
  out.add_labels(labels);
  out.add_custom_attributes(attributes);
  out.add_resolution(resolution);
  out.add_status_durations_us(durations);
  out.add_sla_policy(sla_policy);
  out.add_merged_into(merged_into);
  out.add_merged_from(merged_from);
  out.add_reopen_count(v.reopen_count);
  out.add_transfer_count(v.transfer_count);
  out.add_message_count(v.message_count);
  out.add_status(static_cast<fb::TicketStatus>(v.status));
  out.add_channel(static_cast<fb::Channel>(v.channel));
  out.add_priority(static_cast<fb::Priority>(v.priority));
  out.add_awaiting(static_cast<fb::Awaiting>(v.awaiting));
  return out.Finish();
}

void ReadStatusDurations(const flatbuffers::Vector<Off<fb::StatusDuration>>* v,
                         std::map<std::string, int64_t>& out) {
  out.clear();
  if (v == nullptr) return;
  for (const fb::StatusDuration* d : *v) {
    std::string status;
    ReadString(d->status(), status);
    out.emplace_hint(out.end(), std::move(status), d->duration_us());
  }
}

Status DecodeViewTable(const fb::TicketViewRecord& in, TicketView& out) {
  TICKETLOG_RETURN_IF_ERROR(ReadEnum(in.status(), out.status, "status"));
  TICKETLOG_RETURN_IF_ERROR(ReadEnum(in.channel(), out.channel, "channel"));
  TICKETLOG_RETURN_IF_ERROR(ReadEnum(in.priority(), out.priority, "priority"));
  TICKETLOG_RETURN_IF_ERROR(ReadEnum(in.awaiting(), out.awaiting, "awaiting"));
  ReadString(in.ticket(), out.ticket);
  out.number = in.number();
  ReadString(in.account(), out.account);
  ReadString(in.subject(), out.subject);
  ReadString(in.custom_status(), out.custom_status);
  ReadString(in.department(), out.department);
  ReadString(in.operator_(), out.operator_id);
  DecodeCustomer(in.customer(), out.customer);
  ReadString(in.category(), out.category);
  ReadStrings(in.labels(), out.labels);
  TICKETLOG_RETURN_IF_ERROR(
      ReadAttributes(in.custom_attributes(), out.custom_attributes));
  out.created_at_us = in.created_at_us();
  out.updated_at_us = in.updated_at_us();
  out.first_response_at_us = ReadOptScalar(in.first_response_at_us());
  out.finished_at_us = ReadOptScalar(in.finished_at_us());
  out.closed_at_us = ReadOptScalar(in.closed_at_us());
  out.first_response_us = ReadOptScalar(in.first_response_us());
  out.resolution_us = ReadOptScalar(in.resolution_us());
  ReadString(in.resolution(), out.resolution);
  out.reopen_count = in.reopen_count();
  out.transfer_count = in.transfer_count();
  out.message_count = in.message_count();
  out.paused_us = in.paused_us();
  ReadStatusDurations(in.status_durations_us(), out.status_durations_us);
  out.status_started_at_us = in.status_started_at_us();
  out.version = in.version();
  // The domain's rule (ApplySla): an empty policy is no policy. The encoder
  // writes an empty name as no name, so only damage stores one; reading it
  // as "no policy" keeps a decoded view one the encoder gives back.
  if (in.sla_policy() == nullptr || in.sla_policy()->size() == 0) {
    out.sla.reset();
  } else {
    SlaTargets& sla = out.sla.emplace();
    ReadString(in.sla_policy(), sla.policy);
    sla.first_response_seconds = in.sla_first_response_seconds();
    sla.resolution_seconds = in.sla_resolution_seconds();
  }
  ReadString(in.merged_into(), out.merged_into);
  ReadStrings(in.merged_from(), out.merged_from);
  return Status::OK();
}

}  // namespace

// ---- Events -----------------------------------------------------------------

std::string EncodeEventBody(const Event& event) {
  Builder b(kInitialBuilderSize);
  b.ForceDefaults(false);
  StrOff event_id = OptString(b, event.event_id);
  StrOff account = OptString(b, event.account);
  StrOff stream = OptString(b, event.stream);
  StrOff actor_id = OptString(b, event.actor.id);
  StrOff command_id = OptString(b, event.command_id);
  PayloadOffset payload = EncodePayload(b, event.payload);
  fb::EventBuilder out(b);
  out.add_occurred_at_us(event.occurred_at_us);
  out.add_recorded_at_us(event.recorded_at_us);
  out.add_event_id(event_id);
  out.add_account(account);
  out.add_stream(stream);
  out.add_actor_id(actor_id);
  out.add_command_id(command_id);
  out.add_payload(payload.offset);
  out.add_schema_version(event.schema_version);
  out.add_actor_kind(static_cast<fb::ActorKind>(event.actor.kind));
  out.add_payload_type(payload.type);
  b.Finish(out.Finish());
  return ToBytes(b);
}

Status DecodeEventBody(std::string_view input, Event& event) {
  AlignedBytes aligned(input);
  std::string_view bytes = aligned.view();
  if (!VerifyRoot<fb::Event>(bytes)) {
    return Status::Corruption("event body fails verification");
  }
  return DecodeVerifiedEvent(*flatbuffers::GetRoot<fb::Event>(AsBytes(bytes)),
                             event);
}

Status DecodeVerifiedEventBody(std::string_view input, Event& event) {
  AlignedBytes aligned(input);
  return DecodeVerifiedEvent(
      *flatbuffers::GetRoot<fb::Event>(AsBytes(aligned.view())), event);
}

std::string EncodeEnvelope(uint64_t position, uint64_t version,
                           std::string_view prev_hash, std::string_view hash,
                           std::string_view body) {
  Builder b(body.size() + kEnvelopeOverhead);
  b.ForceDefaults(false);
  // The body keeps its bytes verbatim (they are what the chain hashes). Its
  // scalars are aligned relative to its own start, so aligning the vector
  // keeps them aligned in memory when the body is read in place.
  b.ForceVectorAlignment(body.size(), 1, kBodyAlignment);
  VecOff<uint8_t> event = b.CreateVector(AsBytes(body), body.size());
  VecOff<uint8_t> prev = b.CreateVector(AsBytes(prev_hash), prev_hash.size());
  VecOff<uint8_t> own = b.CreateVector(AsBytes(hash), hash.size());
  fb::EnvelopeBuilder out(b);
  out.add_position(position);
  out.add_version(version);
  out.add_prev_hash(prev);
  out.add_hash(own);
  out.add_event(event);
  b.Finish(out.Finish(), fb::EnvelopeIdentifier());
  return ToBytes(b);
}

StatusOr<EnvelopeView> DecodeEnvelope(std::string_view bytes) {
  if (bytes.size() >= FLATBUFFERS_MAX_BUFFER_SIZE) {
    return Status::Corruption("log record too large");
  }
  flatbuffers::Verifier verifier(AsBytes(bytes), bytes.size());
  // Checks the "TLG1" identifier and verifies the nested Event too.
  if (!fb::VerifyEnvelopeBuffer(verifier)) {
    return Status::Corruption("log record fails verification");
  }
  const fb::Envelope* envelope = fb::GetEnvelope(bytes.data());
  const flatbuffers::Vector<uint8_t>* event = envelope->event();
  if (event == nullptr || event->size() == 0) {
    return Status::Corruption("log record has no event");
  }
  const flatbuffers::Vector<uint8_t>* prev_hash = envelope->prev_hash();
  const flatbuffers::Vector<uint8_t>* hash = envelope->hash();
  if (prev_hash == nullptr || prev_hash->size() != kHashSize ||
      hash == nullptr || hash->size() != kHashSize) {
    return Status::Corruption("log record hash is not 32 bytes");
  }
  // Cheap here, and it spares readers that only route events by type an
  // unreadable body later.
  fb::Payload type =
      flatbuffers::GetRoot<fb::Event>(event->data())->payload_type();
  if (type == fb::Payload::NONE || type > fb::Payload::MAX) {
    return Status::Corruption("log record has an unknown event type " +
                              std::to_string(static_cast<unsigned>(type)));
  }
  EnvelopeView view;
  view.position = envelope->position();
  view.version = envelope->version();
  view.prev_hash = AsView(*prev_hash);
  view.hash = AsView(*hash);
  view.body = AsView(*event);
  return view;
}

StatusOr<Event> DecodeEvent(std::string_view input) {
  AlignedBytes aligned(input);
  StatusOr<EnvelopeView> envelope = DecodeEnvelope(aligned.view());
  if (!envelope.ok()) return envelope.status();
  Event event;
  event.position = envelope->position;
  event.version = envelope->version;
  event.prev_hash = base::ToHex(envelope->prev_hash);
  event.hash = base::ToHex(envelope->hash);
  // DecodeEnvelope verified the body as part of the envelope.
  TICKETLOG_RETURN_IF_ERROR(DecodeVerifiedEvent(
      *flatbuffers::GetRoot<fb::Event>(envelope->body.data()), event));
  return event;
}

// ---- Views and messages -----------------------------------------------------

std::string EncodeTicketView(const TicketView& view) {
  Builder b(kInitialBuilderSize);
  b.ForceDefaults(false);
  b.Finish(EncodeViewTable(b, view));
  return ToBytes(b);
}

Status DecodeTicketView(std::string_view input, TicketView& view) {
  AlignedBytes aligned(input);
  std::string_view bytes = aligned.view();
  if (!VerifyRoot<fb::TicketViewRecord>(bytes)) {
    return Status::Corruption("ticket view record fails verification");
  }
  return DecodeViewTable(
      *flatbuffers::GetRoot<fb::TicketViewRecord>(AsBytes(bytes)), view);
}

std::string EncodeMessage(const Message& message) {
  std::string out;
  AppendEncodedMessage(message, out);
  return out;
}

void AppendEncodedMessage(const Message& message, std::string& out) {
  // One builder per thread, cleared (its buffer kept) for each message: a
  // builder's allocations had been most of the cost of encoding a message
  // (MessagesPayload, on every append and every verify). The bytes are
  // those of a fresh builder: they depend on the calls made, not on the
  // buffer's capacity.
  thread_local Builder b(kInitialBuilderSize);
  b.Clear();
  b.ForceDefaults(false);
  b.Finish(EncodeMessageTable(b, message));
  out.append(reinterpret_cast<const char*>(b.GetBufferPointer()), b.GetSize());
}

Status DecodeMessage(std::string_view input, Message& message) {
  AlignedBytes aligned(input);
  std::string_view bytes = aligned.view();
  if (!VerifyRoot<fb::Message>(bytes)) {
    return Status::Corruption("message record fails verification");
  }
  return DecodeMessageTable(*flatbuffers::GetRoot<fb::Message>(AsBytes(bytes)),
                            message);
}

}  // namespace ticketlog::schema
