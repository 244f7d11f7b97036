// `ticketlog verify` against a store changed behind the engine's back,
// through RocksDB directly: an event rewritten with valid bytes but altered
// content, a view rewritten the same way, and a log truncated cleanly.
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <catch2/catch.hpp>
#include <string>

#include "engine/streams.h"
#include "projections/view_keys.h"
#include "schema/codec.h"
#include "store/coding.h"
#include "store/event_store.h"
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
    // Drop the last event (the ticket's version 2) with its stream index
    // entry: the chain that is left is whole, and a rebuild makes the views
    // agree with it.
    auto store = OpenStore(tool.db());
    std::string stream = engine::StreamName("acme", kTicket);
    rocksdb::WriteBatch batch;
    batch.Delete(store->handle(store::Family::kLog), store::BigEndian64(last));
    batch.Delete(store->handle(store::Family::kStreams),
                 store::EventStore::StreamVersionKey(stream, 2));
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

TEST_CASE(
    "verify checks the stream index, the heads and the idempotency "
    "records against the log",
    "[tool][audit][tamper]") {
  // Two tickets opened with command ids; the second one's idempotency record
  // copied over the first's would answer a re-sent "first" with the second
  // ticket.
  const std::string script =
      std::string(kScript) +
      R"({"op":"open_ticket","account":"acme","subject":"One","department":"support","customer":{"id":"c1"},"message":"m","command_id":"first"})"
      "\n"
      R"({"op":"open_ticket","account":"acme","subject":"Two","department":"support","customer":{"id":"c2"},"message":"m","command_id":"second"})"
      "\n";
  ToolRunner tool;
  ToolRun applied = tool.Run({"apply", "-"}, script);
  REQUIRE(applied.Lines().size() == 6);
  std::string first_ticket = applied.Lines()[4]["ticket"];
  REQUIRE(Verify(tool).status == 0);
  std::string stream = engine::StreamName("acme", kTicket);
  std::string expected_problem;
  {
    auto store = OpenStore(tool.db());
    rocksdb::WriteBatch batch;
    SECTION("a stream index entry pointing at another event") {
      batch.Put(store->handle(store::Family::kStreams),
                store::EventStore::StreamVersionKey(stream, 1),
                store::BigEndian64(3));
      expected_problem = "stream index key";
    }
    SECTION("a stream index entry the log does not back") {
      batch.Put(store->handle(store::Family::kStreams),
                store::EventStore::StreamVersionKey(stream, 7),
                store::BigEndian64(3));
      expected_problem = "is not backed by the log";
    }
    SECTION("a stream head left over from format 1") {
      batch.Put(store->handle(store::Family::kHeads), stream,
                store::BigEndian64(1) + store::BigEndian64(2));
      expected_problem = "is left over from format 1";
    }
    SECTION("an idempotency record answering another command") {
      std::string second;
      REQUIRE(store->db()
                  ->Get(rocksdb::ReadOptions(),
                        store->handle(store::Family::kIdempotency),
                        engine::CommandKey("acme", "second"), &second)
                  .ok());
      batch.Put(store->handle(store::Family::kIdempotency),
                engine::CommandKey("acme", "first"), second);
      expected_problem = "idempotency key";
    }
    SECTION("an idempotency record deleted") {
      batch.Delete(store->handle(store::Family::kIdempotency),
                   engine::CommandKey("acme", "first"));
      expected_problem = "is missing";
    }
    REQUIRE(store->db()->Write(rocksdb::WriteOptions(), &batch).ok());
  }
  ToolRun verify = Verify(tool);
  INFO(verify.out);
  CHECK(verify.status == 1);
  CHECK(Mentions(verify.Json(), expected_problem));
  // repair rewrites those families from the log: a re-sent "first" answers
  // its own ticket again.
  ToolRun repair = tool.Run({"repair"});
  INFO(repair.out << repair.err);
  REQUIRE(repair.status == 0);
  CHECK(repair.Json()["events_dropped"] == 0);
  CHECK(Verify(tool).status == 0);
  ToolRun resent = tool.Run(
      {"apply", "-"},
      R"({"op":"open_ticket","account":"acme","subject":"One","department":"support","customer":{"id":"c1"},"message":"m","command_id":"first"})"
      "\n");
  CHECK(resent.Lines().at(0)["ticket"] == first_ticket);
  CHECK(resent.Lines().at(0)["events_appended"] == 0);
}

}  // namespace ticketlog::testing

namespace ticketlog::testing {

TEST_CASE("a damaged last record is reported by verify and removed by repair",
          "[tool][audit][tamper]") {
  ToolRunner tool;
  tool.Run({"apply", "-"}, kScript);
  {
    auto store = OpenStore(tool.db());
    REQUIRE(store->db()
                ->Put(rocksdb::WriteOptions(),
                      store->handle(store::Family::kLog), store::BigEndian64(3),
                      "garbage")
                .ok());
  }
  // A writer refuses to append after it...
  ToolRun apply = tool.Run({"apply", "-"}, kScript);
  CHECK(apply.status == 2);
  CHECK(apply.err.find("corruption") != std::string::npos);
  // ...a reader opens and verify names it...
  ToolRun verify = Verify(tool);
  INFO(verify.out << verify.err);
  CHECK(verify.status == 1);
  CHECK(Mentions(verify.Json(), "position 3"));
  // ...and repair keeps the log before it.
  ToolRun repair = tool.Run({"repair"});
  INFO(repair.out << repair.err);
  REQUIRE(repair.status == 0);
  CHECK(repair.Json()["position"] == 2);
  CHECK(repair.Json()["events_dropped"] == 1);
  CHECK(Verify(tool).status == 0);
}

}  // namespace ticketlog::testing
