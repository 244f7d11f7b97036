// `ticketlog verify` against a store changed behind the engine's back,
// through RocksDB directly: an event rewritten with valid bytes but altered
// content, a view rewritten the same way, and a log truncated cleanly.
#include <catch2/catch.hpp>

#include <string>

#include "projections/keys.h"
#include "schema/codec.h"
#include "store/event_store.h"
#include "store/keys.h"
#include "tool_runner.h"

namespace ticketlog::testing {
namespace {

constexpr char kTicket[] = "0b8a6f56-5a3c-4f0e-9d6e-3f1c2a7b9e10";

const char kScript[] =
    R"({"op":"define_department","account":"acme","department":"support","name":"Support"})"
    "\n"
    R"({"op":"open_ticket","account":"acme","ticket":"0b8a6f56-5a3c-4f0e-9d6e-3f1c2a7b9e10","subject":"Refund","department":"support","customer":{"email":"m@example.com"},"message":"Please refund order 1234."})"
    "\n"
    R"({"op":"reply","account":"acme","ticket":"0b8a6f56-5a3c-4f0e-9d6e-3f1c2a7b9e10","author":"customer","content":"Any news?"})"
    "\n"
    R"({"op":"comment","account":"acme","ticket":"0b8a6f56-5a3c-4f0e-9d6e-3f1c2a7b9e10","operator":"nobody","content":"x"})"
    "\n";

std::unique_ptr<store::EventStore> OpenStore(const std::string& db) {
  Options options;
  options.path = db;
  options.create_if_missing = false;
  auto store = store::EventStore::Open(options);
  REQUIRE(store.ok());
  return std::move(*store);
}

ToolRun Verify(const ToolRunner& tool, const std::string& expect = "") {
  if (expect.empty()) return tool.Run({"verify"});
  return tool.Run({"verify", "--expect", expect});
}

bool Mentions(const nlohmann::json& report, const std::string& text) {
  for (const auto& problem : report["problems"]) {
    if (problem.get<std::string>().find(text) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("verify catches an event rewritten with valid bytes",
          "[tool][audit][tamper]") {
  ToolRunner tool;
  tool.Run({"apply", "-"}, kScript);
  REQUIRE(Verify(tool).status == 0);
  {
    auto store = OpenStore(tool.db());
    // Position 3 is the customer's reply: change what the customer said,
    // keep its place in the chain.
    auto stored = store->ReadEvent(3);
    REQUIRE(stored.ok());
    Event event;
    REQUIRE(schema::DecodeEventBody(stored->body, event).ok());
    auto& added = std::get<MessageAdded>(event.payload);
    REQUIRE(added.message.content == "Any news?");
    added.message.content = "Never mind, keep the money.";
    std::string forged = schema::EncodeEnvelope(
        stored->position, stored->version, stored->prev_hash, stored->hash,
        schema::EncodeEventBody(event));
    REQUIRE(schema::DecodeEvent(forged).ok());  // valid bytes
    REQUIRE(store->db()
                ->Put(rocksdb::WriteOptions(),
                      store->handle(store::Family::kLog), store::BigEndian64(3),
                      forged)
                .ok());
  }
  ToolRun verify = Verify(tool);
  INFO(verify.out);
  CHECK(verify.status == 1);
  nlohmann::json report = verify.Json();
  CHECK(report["ok"] == false);
  CHECK(Mentions(report, "position 3: content does not match its hash"));
}

TEST_CASE("verify catches a view rewritten behind the engine's back",
          "[tool][audit][tamper]") {
  ToolRunner tool;
  tool.Run({"apply", "-"}, kScript);
  {
    auto store = OpenStore(tool.db());
    std::string key = projections::TicketKey("acme", kTicket);
    auto bytes = store->GetView(key);
    REQUIRE(bytes.ok());
    REQUIRE(bytes->has_value());
    TicketView view;
    REQUIRE(schema::DecodeTicketView(**bytes, view).ok());
    view.status = TicketStatus::kClosed;
    REQUIRE(store->db()
                ->Put(rocksdb::WriteOptions(),
                      store->handle(store::Family::kViews), key,
                      schema::EncodeTicketView(view))
                .ok());
  }
  CHECK(tool.Run({"show", "--account", "acme", kTicket}).Json()["status"] ==
        "closed");
  ToolRun verify = Verify(tool);
  INFO(verify.out);
  CHECK(verify.status == 1);
  CHECK(Mentions(verify.Json(), "differs from a rebuild"));
  // A rebuild repairs the view from the log.
  REQUIRE(tool.Run({"rebuild"}).status == 0);
  CHECK(Verify(tool).status == 0);
  CHECK(tool.Run({"show", "--account", "acme", kTicket}).Json()["status"] ==
        "open");
}

TEST_CASE("verify --expect catches a log truncated cleanly",
          "[tool][audit][tamper]") {
  ToolRunner tool;
  tool.Run({"apply", "-"}, kScript);
  nlohmann::json head = tool.Run({"head"}).Json();
  uint64_t last = head["position"].get<uint64_t>();
  REQUIRE(last == 3);
  std::string expect =
      std::to_string(last) + ":" + head["hash"].get<std::string>();
  {
    // Drop the last event and move the recorded head back: the chain that
    // is left is whole, and a rebuild makes the views agree with it.
    auto store = OpenStore(tool.db());
    auto previous = store->ReadEvent(last - 1);
    REQUIRE(previous.ok());
    rocksdb::WriteBatch batch;
    batch.Delete(store->handle(store::Family::kLog), store::BigEndian64(last));
    std::string meta = store::BigEndian64(last - 1) + previous->hash;
    batch.Put(store->handle(store::Family::kMeta), "head", meta);
    REQUIRE(store->db()->Write(rocksdb::WriteOptions(), &batch).ok());
  }
  REQUIRE(tool.Run({"rebuild"}).status == 0);
  // Without the head kept elsewhere the truncation goes unseen...
  CHECK(Verify(tool).status == 0);
  // ...with it, it is caught.
  ToolRun verify = Verify(tool, expect);
  INFO(verify.out);
  CHECK(verify.status == 1);
  nlohmann::json report = verify.Json();
  CHECK(report["ok"] == false);
  CHECK(Mentions(report, "does not hold position 3"));
}

}  // namespace ticketlog::testing
