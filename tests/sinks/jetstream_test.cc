// The JetStream sink against a real nats-server -js on 127.0.0.1.
#include "sinks/jetstream.h"

#include <nats/nats.h>

#include <catch2/catch.hpp>

#include "support/nats_server.h"

namespace ticketlog::sinks {
namespace {

Event MakeEvent(uint64_t position, std::string account, std::string id) {
  Event event;
  event.position = position;
  event.version = position;
  event.event_id = std::move(id);
  event.account = std::move(account);
  event.stream = "directory";
  event.payload = DepartmentDefined{"support", "Support"};
  return event;
}

std::unique_ptr<JetStream> Sink(const std::string& url) {
  JetStreamOptions options;
  options.url = url;
  options.prefix = "tl";
  options.timeout_ms = 2000;
  auto sink = JetStream::Create(options);
  REQUIRE(sink.ok());
  return std::move(*sink);
}

// What the stream holds: message count and each message's subject, id and
// body, read back with libnats.
struct Stored {
  uint64_t count = 0;
  std::vector<std::string> lines;  // "subject id body"
};

Stored ReadStream(const std::string& url, const std::string& stream) {
  Stored out;
  natsConnection* nc = nullptr;
  REQUIRE(natsConnection_ConnectTo(&nc, url.c_str()) == NATS_OK);
  jsCtx* js = nullptr;
  REQUIRE(natsConnection_JetStream(&js, nc, nullptr) == NATS_OK);
  jsStreamInfo* info = nullptr;
  REQUIRE(js_GetStreamInfo(&info, js, stream.c_str(), nullptr, nullptr) ==
          NATS_OK);
  out.count = info->State.Msgs;
  for (uint64_t seq = info->State.FirstSeq;
       out.count > 0 && seq <= info->State.LastSeq; ++seq) {
    natsMsg* msg = nullptr;
    REQUIRE(js_GetMsg(&msg, js, stream.c_str(), seq, nullptr, nullptr) ==
            NATS_OK);
    const char* id = nullptr;
    natsMsgHeader_Get(msg, "Nats-Msg-Id", &id);
    out.lines.push_back(
        std::string(natsMsg_GetSubject(msg)) + " " + (id ? id : "-") + " " +
        std::string(natsMsg_GetData(msg),
                    static_cast<size_t>(natsMsg_GetDataLength(msg))));
    natsMsg_Destroy(msg);
  }
  jsStreamInfo_Destroy(info);
  jsCtx_Destroy(js);
  natsConnection_Destroy(nc);
  return out;
}

TEST_CASE("jetstream publishes to PREFIX.account.EventType with the event id") {
  testing::NatsServer server;
  auto sink = Sink(server.url());
  REQUIRE(sink->Publish(MakeEvent(1, "acme", "id-1"), "one").ok());
  REQUIRE(sink->Publish(MakeEvent(2, "beta", "id-2"), "two").ok());
  Stored stored = ReadStream(server.url(), sink->stream());
  CHECK(sink->stream() == "TICKETLOG_tl");
  CHECK(stored.count == 2);
  CHECK(stored.lines ==
        std::vector<std::string>{"tl.acme.DepartmentDefined id-1 one",
                                 "tl.beta.DepartmentDefined id-2 two"});
}

TEST_CASE("jetstream connects to the first server of a list that answers") {
  testing::NatsServer server;
  auto sink = Sink("nats://127.0.0.1:" + std::to_string(testing::FreePort()) +
                   "," + server.url());
  REQUIRE(sink->Publish(MakeEvent(1, "acme", "id-1"), "one").ok());
  CHECK(ReadStream(server.url(), sink->stream()).count == 1);
}

TEST_CASE("jetstream stores an event published twice once") {
  testing::NatsServer server;
  auto sink = Sink(server.url());
  REQUIRE(sink->Publish(MakeEvent(1, "acme", "id-1"), "one").ok());
  REQUIRE(sink->Publish(MakeEvent(1, "acme", "id-1"), "one").ok());
  auto again = Sink(server.url());  // another deliverer, after a crash
  REQUIRE(again->Publish(MakeEvent(1, "acme", "id-1"), "one").ok());
  CHECK(ReadStream(server.url(), sink->stream()).count == 1);
}

TEST_CASE("jetstream escapes a dot in an account so it stays one token") {
  auto sink = Sink("nats://127.0.0.1:1");
  CHECK(sink->Subject(MakeEvent(1, "acme.eu", "x")) ==
        "tl.acme%2Eeu.DepartmentDefined");
}

TEST_CASE("jetstream without a server fails the publish with io_error") {
  int port = testing::FreePort();
  auto sink = Sink("nats://127.0.0.1:" + std::to_string(port));
  CHECK(sink->Publish(MakeEvent(1, "acme", "id-1"), "one").code() ==
        Code::kIoError);
}

TEST_CASE("jetstream refuses a prefix with wildcards") {
  JetStreamOptions options;
  options.url = "nats://127.0.0.1:1";
  for (const char* prefix : {"", "a.*", "a.>", "a..b", ".a", "a b"}) {
    options.prefix = prefix;
    INFO(prefix);
    CHECK(JetStream::Create(options).status().code() == Code::kInvalidArgument);
  }
}

}  // namespace
}  // namespace ticketlog::sinks
