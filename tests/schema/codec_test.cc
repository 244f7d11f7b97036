#include "schema/codec.h"

#include <flatbuffers/flatbuffers.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "events_generated.h"
#include "views_generated.h"

using namespace ticketlog;

namespace {

Message FullMessage() {
  Message m;
  m.seq = 7;
  m.kind = MessageKind::kOutgoing;
  m.author = ActorKind::kOperator;
  m.author_id = "op-7";
  m.is_private = true;
  m.content = "Ol\xc3\xa1, segue o boleto.";
  m.attachments = {
      {"boleto.pdf", "application/pdf", 48213, std::string(64, 'a')},
      {"print.png", "image/png", 1, std::string(64, 'b')},
  };
  return m;
}

Customer FullCustomer() {
  return {"contact-1", "cust-9", "Maria Silva", "maria@example.com",
          "+5511999990000"};
}

Attributes FullAttributes() {
  return {{"contract", std::string("gold")},
          {"score", 9.75},
          {"vip", true},
          {"empty", std::string()}};
}

// One payload of every type, every field away from its default.
std::vector<EventPayload> FullPayloads() {
  TicketOpened opened;
  opened.ticket = "2f1e7a3c-0000-4000-8000-000000000001";
  opened.number = 1042;
  opened.subject = "Boleto vencido";
  opened.department = "billing";
  opened.operator_id = "op-7";
  opened.customer = FullCustomer();
  opened.new_contact = true;
  opened.channel = Channel::kWhatsapp;
  opened.priority = Priority::kUrgent;
  opened.category = "payments";
  opened.labels = {"boleto", "", "late"};
  opened.custom_attributes = FullAttributes();
  opened.status = TicketStatus::kPending;
  opened.custom_status = "waiting-bank";
  opened.message = FullMessage();

  TicketUpdated updated;
  updated.subject = "Boleto vencido (2a via)";
  updated.channel = Channel::kAgent;
  updated.priority = Priority::kHigh;
  updated.category = "collections";
  updated.labels = std::vector<std::string>{"boleto", "2a-via"};
  updated.set_attributes = FullAttributes();
  updated.removed_attributes = {"old", "older"};

  return {
      opened,
      MessageAdded{FullMessage()},
      TicketTransferred{"billing", "support", "op-7", "op-8"},
      OperatorLinked{"op-8", "op-7"},
      OperatorUnlinked{"op-8"},
      StatusStarted{"waiting-bank"},
      StatusStopped{"waiting-bank", -123456789012},
      TicketFinished{"Segunda via enviada"},
      TicketReopened{true},
      TicketClosed{"Cliente confirmou"},
      updated,
      DepartmentDefined{"billing", "Financeiro"},
      OperatorRegistered{"op-9", "Jo\xc3\xa3o", {"billing", "support"}},
      OperatorRemoved{"op-9"},
      StatusDefined{"waiting-bank", "Aguardando banco"},
  };
}

Event FullEvent(EventPayload payload) {
  Event e;
  e.event_id = "9b2d3c1e-1111-4222-8333-444455556666";
  e.account = "acme";
  e.stream = "2f1e7a3c-0000-4000-8000-000000000001";
  e.occurred_at_us = 1'700'000'000'123'456;
  e.recorded_at_us = 1'700'000'000'654'321;
  e.actor = {ActorKind::kCustomer, "contact-1"};
  e.command_id = "cmd-42";
  e.schema_version = 3;
  e.payload = std::move(payload);
  return e;
}

void CheckSameBody(const Event& got, const Event& want) {
  CHECK(got.event_id == want.event_id);
  CHECK(got.account == want.account);
  CHECK(got.stream == want.stream);
  CHECK(got.occurred_at_us == want.occurred_at_us);
  CHECK(got.recorded_at_us == want.recorded_at_us);
  CHECK(got.actor == want.actor);
  CHECK(got.command_id == want.command_id);
  CHECK(got.schema_version == want.schema_version);
  CHECK(got.payload.index() == want.payload.index());
  CHECK(got.payload == want.payload);
}

TicketView FullView() {
  TicketView v;
  v.ticket = "2f1e7a3c-0000-4000-8000-000000000001";
  v.number = 1042;
  v.account = "acme";
  v.subject = "Boleto vencido";
  v.status = TicketStatus::kFinished;
  v.custom_status = "waiting-bank";
  v.department = "billing";
  v.operator_id = "op-7";
  v.customer = FullCustomer();
  v.channel = Channel::kPhone;
  v.priority = Priority::kLow;
  v.category = "payments";
  v.labels = {"boleto", "late"};
  v.custom_attributes = FullAttributes();
  v.awaiting = Awaiting::kCustomer;
  v.created_at_us = 1'700'000'000'000'000;
  v.updated_at_us = 1'700'000'900'000'000;
  v.first_response_at_us = 1'700'000'100'000'000;
  v.finished_at_us = 1'700'000'800'000'000;
  v.closed_at_us = 1'700'000'900'000'000;
  v.first_response_us = 100'000'000;
  v.resolution_us = 0;  // set, and equal to the default: must stay set
  v.resolution = "Segunda via enviada";
  v.reopen_count = 2;
  v.transfer_count = 3;
  v.message_count = 11;
  v.paused_us = 5'000'000;
  v.status_durations_us = {{"waiting-bank", 4'000'000}, {"hold", 1'000'000}};
  v.status_started_at_us = 1'700'000'700'000'000;
  v.version = 17;
  return v;
}

std::string RawHash(char fill) { return std::string(32, fill); }

std::string FullRecord() {
  return schema::EncodeEnvelope(
      12, 5, RawHash('\x01'), RawHash('\xfe'),
      schema::EncodeEventBody(FullEvent(FullPayloads().front())));
}

template <typename Builder>
std::string Finished(Builder& b) {
  return std::string(reinterpret_cast<const char*>(b.GetBufferPointer()),
                     b.GetSize());
}

// An Event body built by hand around `payload`, for shapes the codec never
// writes.
std::string RawBody(flatbuffers::FlatBufferBuilder& b, fb::Payload type,
                    flatbuffers::Offset<void> payload,
                    fb::ActorKind actor = fb::ActorKind::Operator) {
  fb::EventBuilder e(b);
  e.add_payload(payload);
  e.add_payload_type(type);
  e.add_actor_kind(actor);
  b.Finish(e.Finish());
  return Finished(b);
}

bool IsCorruption(const Status& s) { return s.code() == Code::kCorruption; }

}  // namespace

TEST_CASE("every event type survives an encode/decode round trip", "[schema]") {
  std::vector<EventPayload> payloads = FullPayloads();
  std::set<size_t> types;
  for (const EventPayload& payload : payloads) types.insert(payload.index());
  REQUIRE(types.size() == std::variant_size_v<EventPayload>);

  for (const EventPayload& payload : payloads) {
    DYNAMIC_SECTION(EventTypeName(payload)) {
      Event original = FullEvent(payload);
      Event decoded;
      decoded.position = 77;
      REQUIRE(
          schema::DecodeEventBody(schema::EncodeEventBody(original), decoded)
              .ok());
      CheckSameBody(decoded, original);
      CHECK(decoded.position == 77);  // left alone
    }
  }
}

TEST_CASE("default-valued events round trip, empty strings included",
          "[schema]") {
  std::vector<EventPayload> payloads = FullPayloads();
  for (EventPayload& payload : payloads) {
    // Reset to the default-constructed alternative of the same type.
    std::visit([](auto& p) { p = std::decay_t<decltype(p)>(); }, payload);
    DYNAMIC_SECTION(EventTypeName(payload)) {
      Event original;
      original.payload = payload;
      Event decoded;
      decoded.schema_version = 9;
      decoded.event_id = "stale";
      REQUIRE(
          schema::DecodeEventBody(schema::EncodeEventBody(original), decoded)
              .ok());
      CheckSameBody(decoded, original);
    }
  }
}

TEST_CASE("TicketUpdated keeps unset fields apart from fields set to empty",
          "[schema]") {
  TicketUpdated empty_set;
  empty_set.subject = "";
  empty_set.category = "";
  empty_set.labels = std::vector<std::string>{};
  empty_set.channel = Channel::kApi;       // the schema default, still set
  empty_set.priority = Priority::kNormal;  // the enum default, still set
  TicketUpdated unset;

  for (const TicketUpdated& original : {empty_set, unset}) {
    Event event = FullEvent(original);
    Event decoded;
    REQUIRE(
        schema::DecodeEventBody(schema::EncodeEventBody(event), decoded).ok());
    REQUIRE(std::holds_alternative<TicketUpdated>(decoded.payload));
    CHECK(std::get<TicketUpdated>(decoded.payload) == original);
  }
}

TEST_CASE(
    "a stored record decodes to its event with position, version and "
    "hex hashes",
    "[schema]") {
  Event original = FullEvent(FullPayloads()[1]);
  std::string body = schema::EncodeEventBody(original);
  std::string record = schema::EncodeEnvelope(
      12, 5, RawHash('\x00'), std::string("\xab\xcd") + std::string(30, '\x10'),
      body);

  auto envelope = schema::DecodeEnvelope(record);
  REQUIRE(envelope.ok());
  CHECK(envelope->position == 12);
  CHECK(envelope->version == 5);
  CHECK(envelope->prev_hash == RawHash('\x00'));
  CHECK(envelope->body == body);  // verbatim, as hashed
  // Aligned in the record so that the body can be read in place.
  CHECK((envelope->body.data() - record.data()) % 8 == 0);

  auto event = schema::DecodeEvent(record);
  REQUIRE(event.ok());
  CHECK(event->position == 12);
  CHECK(event->version == 5);
  CHECK(event->prev_hash == std::string(64, '0'));
  std::string want_hash = "abcd";
  for (int i = 0; i < 30; ++i) want_hash += "10";
  CHECK(event->hash == want_hash);
  CheckSameBody(*event, original);
}

TEST_CASE("a ticket view round trips with every optional set", "[schema]") {
  TicketView original = FullView();
  TicketView decoded;
  REQUIRE(schema::DecodeTicketView(schema::EncodeTicketView(original), decoded)
              .ok());
  CHECK(decoded == original);
  CHECK(decoded.resolution_us.has_value());
}

TEST_CASE("a ticket view round trips with every optional unset", "[schema]") {
  TicketView original = FullView();
  original.first_response_at_us.reset();
  original.finished_at_us.reset();
  original.closed_at_us.reset();
  original.first_response_us.reset();
  original.resolution_us.reset();
  TicketView decoded = FullView();  // stale values must be overwritten
  REQUIRE(schema::DecodeTicketView(schema::EncodeTicketView(original), decoded)
              .ok());
  CHECK(decoded == original);

  TicketView blank;
  decoded = FullView();
  REQUIRE(
      schema::DecodeTicketView(schema::EncodeTicketView(blank), decoded).ok());
  CHECK(decoded == blank);
}

TEST_CASE("a message round trips as a record of its own", "[schema]") {
  Message original = FullMessage();
  Message decoded;
  REQUIRE(schema::DecodeMessage(schema::EncodeMessage(original), decoded).ok());
  CHECK(decoded == original);

  Message blank;
  decoded = original;
  REQUIRE(schema::DecodeMessage(schema::EncodeMessage(blank), decoded).ok());
  CHECK(decoded == blank);
}

TEST_CASE("encoding is deterministic", "[schema]") {
  for (const EventPayload& payload : FullPayloads()) {
    Event event = FullEvent(payload);
    std::string first = schema::EncodeEventBody(event);
    CHECK(schema::EncodeEventBody(event) == first);
    // Decoding and encoding again gives the same bytes too.
    Event decoded;
    REQUIRE(schema::DecodeEventBody(first, decoded).ok());
    CHECK(schema::EncodeEventBody(decoded) == first);
    CHECK(schema::EncodeEnvelope(3, 2, RawHash('a'), RawHash('b'), first) ==
          schema::EncodeEnvelope(3, 2, RawHash('a'), RawHash('b'), first));
  }
  CHECK(schema::EncodeTicketView(FullView()) ==
        schema::EncodeTicketView(FullView()));
  CHECK(schema::EncodeMessage(FullMessage()) ==
        schema::EncodeMessage(FullMessage()));
}

TEST_CASE("decoding rejects a truncated envelope as corruption", "[schema]") {
  std::string record = FullRecord();
  REQUIRE(schema::DecodeEnvelope(record).ok());
  for (size_t size = 0; size < record.size(); ++size) {
    // A copy, so that reading past `size` would be caught by sanitizers.
    std::string truncated = record.substr(0, size);
    auto envelope = schema::DecodeEnvelope(truncated);
    INFO("size " << size);
    REQUIRE_FALSE(envelope.ok());
    CHECK(IsCorruption(envelope.status()));
    CHECK(IsCorruption(schema::DecodeEvent(truncated).status()));
  }
}

// A body or view record ends with the padding after its first string, so
// cutting only padding off still verifies; it must then decode unchanged.
TEST_CASE(
    "a truncated body or view record is corruption unless only "
    "padding was cut",
    "[schema]") {
  Event original = FullEvent(FullPayloads()[0]);
  std::string body = schema::EncodeEventBody(original);
  int corrupt = 0;
  for (size_t size = 0; size < body.size(); ++size) {
    Event event;
    Status s = schema::DecodeEventBody(body.substr(0, size), event);
    INFO("size " << size);
    if (s.ok()) {
      CHECK(body.size() - size < 4);
      CheckSameBody(event, original);
    } else {
      CHECK(IsCorruption(s));
      ++corrupt;
    }
  }
  CHECK(corrupt + 3 >= static_cast<int>(body.size()));

  TicketView view = FullView();
  std::string record = schema::EncodeTicketView(view);
  for (size_t size = 0; size < record.size(); ++size) {
    TicketView decoded;
    Status s = schema::DecodeTicketView(record.substr(0, size), decoded);
    INFO("size " << size);
    if (s.ok()) {
      CHECK(record.size() - size < 4);
      CHECK(decoded == view);
    } else {
      CHECK(IsCorruption(s));
    }
  }
}

TEST_CASE("decoding random garbage reports corruption and never crashes",
          "[schema]") {
  std::mt19937 rng(20240301);
  std::uniform_int_distribution<int> length(0, 300);
  std::uniform_int_distribution<int> byte(0, 255);
  for (int i = 0; i < 400; ++i) {
    std::string garbage(length(rng), '\0');
    for (char& c : garbage) c = static_cast<char>(byte(rng));
    // Half of them carry the envelope's identifier, to get past that check.
    if (i % 2 == 1 && garbage.size() >= 8) garbage.replace(4, 4, "TLG1");
    INFO("buffer " << i << " of " << garbage.size() << " bytes");
    CHECK(IsCorruption(schema::DecodeEnvelope(garbage).status()));
    CHECK(IsCorruption(schema::DecodeEvent(garbage).status()));

    // These have no identifier, so a random buffer may happen to verify;
    // it must still come back as a value or as corruption.
    Event event;
    Status body = schema::DecodeEventBody(garbage, event);
    CHECK((body.ok() || IsCorruption(body)));
    TicketView view;
    Status view_status = schema::DecodeTicketView(garbage, view);
    CHECK((view_status.ok() || IsCorruption(view_status)));
    Message message;
    Status message_status = schema::DecodeMessage(garbage, message);
    CHECK((message_status.ok() || IsCorruption(message_status)));
  }
}

TEST_CASE("a record with a flipped byte decodes or reports corruption",
          "[schema]") {
  std::string record = FullRecord();
  int corrupt = 0;
  int decoded = 0;
  for (size_t at = 0; at < record.size(); ++at) {
    for (unsigned mask : {0x01u, 0x80u, 0xffu}) {
      std::string damaged = record;
      damaged[at] = static_cast<char>(damaged[at] ^ mask);
      auto event = schema::DecodeEvent(damaged);
      INFO("byte " << at << " mask " << mask);
      REQUIRE((event.ok() || IsCorruption(event.status())));
      ++(event.ok() ? decoded : corrupt);
    }
  }
  // Both outcomes occur: flips in string contents still verify, flips in
  // offsets do not.
  CHECK(corrupt > 0);
  CHECK(decoded > 0);
}

TEST_CASE("a view record with a flipped byte decodes or reports corruption",
          "[schema]") {
  std::string record = schema::EncodeTicketView(FullView());
  for (size_t at = 0; at < record.size(); ++at) {
    std::string damaged = record;
    damaged[at] = static_cast<char>(damaged[at] ^ 0x5a);
    TicketView view;
    Status s = schema::DecodeTicketView(damaged, view);
    INFO("byte " << at);
    REQUIRE((s.ok() || IsCorruption(s)));
  }
}

TEST_CASE("a body with an out-of-range enum is corruption", "[schema]") {
  SECTION("channel of an opened ticket") {
    flatbuffers::FlatBufferBuilder b;
    fb::TicketOpenedBuilder t(b);
    t.add_channel(static_cast<fb::Channel>(42));
    auto table = t.Finish();
    std::string body = RawBody(b, fb::Payload::TicketOpened, table.Union());
    Event event;
    CHECK(IsCorruption(schema::DecodeEventBody(body, event)));
    // The envelope checks structure only; the full decode catches it.
    std::string record =
        schema::EncodeEnvelope(1, 1, RawHash(0), RawHash(1), body);
    CHECK(schema::DecodeEnvelope(record).ok());
    CHECK(IsCorruption(schema::DecodeEvent(record).status()));
  }
  SECTION("actor kind") {
    flatbuffers::FlatBufferBuilder b;
    auto table = fb::CreateTicketReopened(b, true);
    std::string body = RawBody(b, fb::Payload::TicketReopened, table.Union(),
                               static_cast<fb::ActorKind>(3));
    Event event;
    CHECK(IsCorruption(schema::DecodeEventBody(body, event)));
  }
  SECTION("message kind inside MessageAdded") {
    flatbuffers::FlatBufferBuilder b;
    auto message = fb::CreateMessage(b, 1, static_cast<fb::MessageKind>(4));
    auto table = fb::CreateMessageAdded(b, message);
    std::string body = RawBody(b, fb::Payload::MessageAdded, table.Union());
    Event event;
    CHECK(IsCorruption(schema::DecodeEventBody(body, event)));
  }
  SECTION("attribute type") {
    flatbuffers::FlatBufferBuilder b;
    auto key = b.CreateString("k");
    auto attribute =
        fb::CreateAttribute(b, key, static_cast<fb::AttributeType>(3));
    auto attributes = b.CreateVector(&attribute, 1);
    fb::TicketUpdatedBuilder t(b);
    t.add_set_attributes(attributes);
    auto table = t.Finish();
    std::string body = RawBody(b, fb::Payload::TicketUpdated, table.Union());
    Event event;
    CHECK(IsCorruption(schema::DecodeEventBody(body, event)));
  }
  SECTION("optional priority of an update") {
    flatbuffers::FlatBufferBuilder b;
    fb::TicketUpdatedBuilder t(b);
    t.add_priority(static_cast<fb::Priority>(200));
    auto table = t.Finish();
    std::string body = RawBody(b, fb::Payload::TicketUpdated, table.Union());
    Event event;
    CHECK(IsCorruption(schema::DecodeEventBody(body, event)));
  }
  SECTION("awaiting of a view record") {
    flatbuffers::FlatBufferBuilder b;
    fb::TicketViewRecordBuilder v(b);
    v.add_awaiting(static_cast<fb::Awaiting>(2));
    b.Finish(v.Finish());
    TicketView view;
    CHECK(IsCorruption(schema::DecodeTicketView(Finished(b), view)));
  }
}

TEST_CASE("a body naming no payload or an unknown payload is corruption",
          "[schema]") {
  SECTION("no payload") {
    flatbuffers::FlatBufferBuilder b;
    std::string body = RawBody(b, fb::Payload::NONE, {});
    Event event;
    CHECK(IsCorruption(schema::DecodeEventBody(body, event)));
    std::string record =
        schema::EncodeEnvelope(1, 1, RawHash(0), RawHash(1), body);
    CHECK(IsCorruption(schema::DecodeEnvelope(record).status()));
  }
  SECTION("an event type from the future") {
    flatbuffers::FlatBufferBuilder b;
    auto table = fb::CreateTicketClosed(b);
    std::string body = RawBody(b, static_cast<fb::Payload>(99), table.Union());
    Event event;
    CHECK(IsCorruption(schema::DecodeEventBody(body, event)));
    std::string record =
        schema::EncodeEnvelope(1, 1, RawHash(0), RawHash(1), body);
    CHECK(IsCorruption(schema::DecodeEnvelope(record).status()));
  }
  SECTION("a payload type without its table") {
    flatbuffers::FlatBufferBuilder b;
    std::string body = RawBody(b, fb::Payload::StatusStarted, {});
    Event event;
    CHECK(IsCorruption(schema::DecodeEventBody(body, event)));
  }
  SECTION("MessageAdded without its message") {
    flatbuffers::FlatBufferBuilder b;
    auto table = fb::CreateMessageAdded(b);
    std::string body = RawBody(b, fb::Payload::MessageAdded, table.Union());
    Event event;
    CHECK(IsCorruption(schema::DecodeEventBody(body, event)));
  }
}

TEST_CASE("an envelope missing its event, hashes or identifier is corruption",
          "[schema]") {
  std::string body = schema::EncodeEventBody(FullEvent(TicketClosed{"x"}));
  SECTION("a hash that is not 32 bytes") {
    CHECK(IsCorruption(schema::DecodeEnvelope(
                           schema::EncodeEnvelope(1, 1, RawHash(0),
                                                  std::string(31, 'h'), body))
                           .status()));
    CHECK(IsCorruption(schema::DecodeEnvelope(
                           schema::EncodeEnvelope(1, 1, "", RawHash('h'), body))
                           .status()));
  }
  SECTION("no event") {
    CHECK(IsCorruption(
        schema::DecodeEnvelope(
            schema::EncodeEnvelope(1, 1, RawHash(0), RawHash(1), ""))
            .status()));
    flatbuffers::FlatBufferBuilder b;
    auto hash = b.CreateVector(std::vector<uint8_t>(32, 7));
    fb::EnvelopeBuilder e(b);
    e.add_position(1);
    e.add_prev_hash(hash);
    e.add_hash(hash);
    b.Finish(e.Finish(), fb::EnvelopeIdentifier());
    CHECK(IsCorruption(schema::DecodeEnvelope(Finished(b)).status()));
  }
  SECTION("no file identifier") {
    flatbuffers::FlatBufferBuilder b;
    auto event = b.CreateVector(reinterpret_cast<const uint8_t*>(body.data()),
                                body.size());
    auto hash = b.CreateVector(std::vector<uint8_t>(32, 7));
    fb::EnvelopeBuilder e(b);
    e.add_prev_hash(hash);
    e.add_hash(hash);
    e.add_event(event);
    b.Finish(e.Finish());
    CHECK(IsCorruption(schema::DecodeEnvelope(Finished(b)).status()));
  }
  SECTION("a nested event that fails verification") {
    std::string broken = body;
    broken[0] = '\x7f';  // root offset past the end of the body
    CHECK(IsCorruption(
        schema::DecodeEnvelope(
            schema::EncodeEnvelope(1, 1, RawHash(0), RawHash(1), broken))
            .status()));
  }
}

TEST_CASE("records decode from any address, as RocksDB hands them out",
          "[schema]") {
  ticketlog::TicketView view;
  view.ticket = "0b8a6f56-5a3c-4f0e-9d6e-3f1c2a7b9e10";
  view.account = "acme";
  view.subject = "Misaligned";
  view.labels = {"a", "b"};
  view.first_response_at_us = 42;
  std::string bytes = ticketlog::schema::EncodeTicketView(view);
  ticketlog::Message message;
  message.content = "hello";
  std::string message_bytes = ticketlog::schema::EncodeMessage(message);
  for (size_t offset = 1; offset < 8; ++offset) {
    std::string shifted(offset, '\0');
    shifted += bytes;
    ticketlog::TicketView decoded;
    REQUIRE(ticketlog::schema::DecodeTicketView(
                std::string_view(shifted).substr(offset), decoded)
                .ok());
    CHECK(decoded == view);
    std::string shifted_message(offset, '\0');
    shifted_message += message_bytes;
    ticketlog::Message decoded_message;
    REQUIRE(
        ticketlog::schema::DecodeMessage(
            std::string_view(shifted_message).substr(offset), decoded_message)
            .ok());
    CHECK(decoded_message == message);
  }
}
