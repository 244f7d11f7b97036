// End to end, SPEC section 5: the help-desk semantics users of the seed
// products expect. The first case of each kind is a real report kept in
// tests/data/semantics (run as given, with the value the user expected);
// the variants after it try the same kind of fault in other shapes.
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <string>

#include "cli/tool_runner.h"

namespace ticketlog::testing {
namespace {

using nlohmann::json;

std::string Case(const std::string& name) {
  std::ifstream in(std::string(TICKETLOG_TEST_DATA_DIR) + "/semantics/" + name);
  REQUIRE(in.good());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

class Desk {
 public:
  // Applies JSON Lines and returns the result lines; any exit status.
  std::vector<json> Apply(const std::string& lines) {
    ToolRun run = tool_.Run({"apply"}, lines);
    INFO(run.out + run.err);
    REQUIRE((run.status == 0 || run.status == 1));
    return run.Lines();
  }
  // Applies lines that must all be accepted.
  std::vector<json> Accept(const std::string& lines) {
    ToolRun run = tool_.Run({"apply"}, lines);
    INFO(run.out + run.err);
    REQUIRE(run.status == 0);
    return run.Lines();
  }
  json Query(const std::vector<std::string>& args) {
    ToolRun run = tool_.Run(args);
    INFO(run.out + run.err);
    REQUIRE(run.status == 0);
    return run.Json();
  }
  ToolRun Run(const std::vector<std::string>& args) { return tool_.Run(args); }
  uint64_t Head() { return Query({"head"})["position"].get<uint64_t>(); }

 private:
  ToolRunner tool_;
};

const char* kDirectory =
    R"({"op":"define_department","account":"acme","department":"support","name":"Support","at":"2024-03-01T00:00:00Z"}
{"op":"register_operator","account":"acme","operator":"ana","name":"Ana Lima","departments":["support"],"at":"2024-03-01T00:00:00Z"}
{"op":"register_operator","account":"acme","operator":"bia","name":"Bia Souza","at":"2024-03-01T00:00:00Z"}
)";

TEST_CASE("a customer reply ends a pending status and counts the pause",
          "[tool][semantics]") {
  Desk desk;
  desk.Accept(Case("pending-customer-reply.jsonl"));
  json view = desk.Query(
      {"show", "--account", "acme", "f1f1f1f1-0000-4000-8000-000000000001"});
  CHECK(view["status"] == "open");
  CHECK(view["custom_status"].is_null());
  CHECK(view["paused_seconds"] == 7200);
  CHECK(view["awaiting"] == "operator");

  SECTION("a defined status resumes by default, unless defined not to") {
    desk.Accept(
        R"({"op":"define_status","account":"acme","status":"vendor","name":"Waiting for vendor","resume_on_customer_reply":false}
{"op":"define_status","account":"acme","status":"customer","name":"Waiting for customer"}
{"op":"open_ticket","account":"acme","ticket":"f1f1f1f1-0000-4000-8000-000000000002","subject":"A","customer":{"id":"c1"},"message":"m","at":"2024-03-05T09:00:00Z"}
{"op":"start_status","account":"acme","ticket":"f1f1f1f1-0000-4000-8000-000000000002","status":"vendor","comment":"RMA 881 opened","at":"2024-03-05T09:10:00Z"}
{"op":"reply","account":"acme","ticket":"f1f1f1f1-0000-4000-8000-000000000002","author":"customer","content":"any news?","at":"2024-03-05T10:00:00Z"}
{"op":"open_ticket","account":"acme","ticket":"f1f1f1f1-0000-4000-8000-000000000003","subject":"B","customer":{"id":"c1"},"message":"m","at":"2024-03-05T09:00:00Z"}
{"op":"start_status","account":"acme","ticket":"f1f1f1f1-0000-4000-8000-000000000003","status":"customer","at":"2024-03-05T09:30:00Z"}
{"op":"reply","account":"acme","ticket":"f1f1f1f1-0000-4000-8000-000000000003","author":"customer","content":"here it is","at":"2024-03-05T10:00:00Z"}
)");
    json vendor = desk.Query(
        {"show", "--account", "acme", "f1f1f1f1-0000-4000-8000-000000000002"});
    CHECK(vendor["status"] == "pending");
    CHECK(vendor["custom_status"] == "vendor");
    json customer = desk.Query(
        {"show", "--account", "acme", "f1f1f1f1-0000-4000-8000-000000000003"});
    CHECK(customer["status"] == "open");
    CHECK(customer["paused_seconds"] == 1800);
    // start_status keeps its comment, shown in history.
    json history = desk.Run({"history", "--account", "acme",
                             "f1f1f1f1-0000-4000-8000-000000000002"})
                       .Lines()[1];
    CHECK(history["type"] == "StatusStarted");
    CHECK(history["payload"]["comment"] == "RMA 881 opened");
  }
}

TEST_CASE("emails match in any case: one contact, found in any spelling",
          "[tool][semantics]") {
  Desk desk;
  desk.Accept(Case("email-case.jsonl"));
  json all = desk.Query({"list", "--account", "acme"});
  REQUIRE(all["total"] == 2);
  CHECK(all["items"][0]["customer"]["contact"] ==
        all["items"][1]["customer"]["contact"]);
  for (const char* spelling : {"SAM.DOE@EXAMPLE.TEST", "sam.doe@example.test",
                               " Sam.Doe@example.test "}) {
    INFO(spelling);
    CHECK(desk.Query({"list", "--account", "acme", "--customer",
                      spelling})["total"] == 2);
  }
  json contact =
      desk.Query({"contact", "--account", "acme", "SAM.doe@example.TEST"});
  CHECK(contact["email"] == "Sam.Doe@Example.TEST");
  CHECK(contact["ticket_count"] == 2);
  CHECK(contact["created_at"] == "2024-03-04T09:00:00Z");
  json contacts = desk.Query({"contacts", "--account", "acme"});
  CHECK(contacts["total"] == 1);
  CHECK(contacts["items"].size() == 1);
}

TEST_CASE("phones match on their digits with the leading plus kept",
          "[tool][semantics]") {
  Desk desk;
  desk.Accept(
      R"({"op":"open_ticket","account":"acme","subject":"One","customer":{"phone":"+55 11 91234-5678","name":"Rui"},"message":"m","at":"2024-03-04T09:00:00Z"}
{"op":"open_ticket","account":"acme","subject":"Two","customer":{"phone":"+5511912345678"},"message":"m","at":"2024-03-04T10:00:00Z"}
{"op":"open_ticket","account":"acme","subject":"Three","customer":{"phone":"(+55) 11.91234.5678"},"message":"m","at":"2024-03-04T11:00:00Z"}
{"op":"open_ticket","account":"acme","subject":"Other","customer":{"phone":"5511912345678"},"message":"m","at":"2024-03-04T12:00:00Z"}
)");
  CHECK(desk.Query({"contacts", "--account", "acme"})["total"] == 2);
  CHECK(desk.Query({"list", "--account", "acme", "--customer",
                    "+55 (11) 91234 5678"})["total"] == 3);
  CHECK(desk.Query({"list", "--account", "acme", "--customer",
                    "5511912345678"})["total"] == 1);
  json rui = desk.Query({"contact", "--account", "acme", "+5511912345678"});
  CHECK(rui["name"] == "Rui");
  CHECK(rui["ticket_count"] == 3);
}

TEST_CASE("every view shows the contact's current details",
          "[tool][semantics]") {
  Desk desk;
  desk.Accept(Case("stale-contact.jsonl"));
  json page = desk.Query({"list", "--account", "acme"});
  REQUIRE(page["items"].size() == 2);
  for (const auto& item : page["items"]) {
    CHECK(item["customer"]["email"] == "ray@example.test");
    CHECK(item["customer"]["phone"] == "+15550108");
  }
  CHECK(desk.Query({"list", "--account", "acme", "--customer",
                    "+15550108"})["total"] == 2);

  SECTION("the update is an event of the ticket that brought it") {
    std::string second =
        page["items"][0]["ticket"].get<std::string>();  // newest first
    auto events = desk.Run({"history", "--account", "acme", second}).Lines();
    REQUIRE(events.size() == 2);
    CHECK(events[1]["type"] == "ContactUpdated");
    CHECK(events[1]["payload"]["customer"]["phone"] == "+15550108");
  }

  SECTION(
      "update_contact changes them everywhere, and refuses a shared email") {
    desk.Accept(
        R"({"op":"open_ticket","account":"acme","subject":"Three","customer":{"email":"zoe@example.test"},"message":"m3","at":"2024-03-04T11:00:00Z"}
{"op":"update_contact","account":"acme","contact":"c8","name":"Ray Lee","email":"ray.lee@example.test"}
)");
    json items =
        desk.Query({"list", "--account", "acme", "--customer", "c8"})["items"];
    REQUIRE(items.size() == 2);
    for (const auto& item : items) {
      CHECK(item["customer"]["name"] == "Ray Lee");
      CHECK(item["customer"]["email"] == "ray.lee@example.test");
    }
    // The old email no longer names the contact; the new one does.
    CHECK(
        desk.Run({"contact", "--account", "acme", "ray@example.test"}).status ==
        1);
    CHECK(desk.Query({"contact", "--account", "acme",
                      "RAY.LEE@example.test"})["id"] == "c8");
    uint64_t head = desk.Head();
    auto refused = desk.Apply(
        R"({"op":"update_contact","account":"acme","contact":"ray.lee@example.test","email":"ZOE@example.test"}
{"op":"update_contact","account":"acme","contact":"nobody@example.test","name":"X"}
{"op":"update_contact","account":"acme","contact":"c8","id":"","email":"","phone":""}
)");
    CHECK(refused[0]["error"]["code"] == "already_exists");
    CHECK(refused[0]["error"]["message"].get<std::string>().starts_with(
        "email: "));
    CHECK(refused[1]["error"]["code"] == "not_found");
    CHECK(refused[2]["error"]["code"] == "invalid_argument");
    CHECK(desk.Head() == head);
    // Nothing changed is no event.
    CHECK(
        desk.Accept(
            R"({"op":"update_contact","account":"acme","contact":"c8","name":"Ray Lee"})")
            [0]["version"] ==
        desk.Accept(
            R"({"op":"update_contact","account":"acme","contact":"c8","name":"Ray Lee"})")
            [0]["version"]);
  }
}

TEST_CASE("a command id re-sent with another command is idempotency_mismatch",
          "[tool][semantics]") {
  Desk desk;
  auto results = desk.Apply(Case("command-id-reused.jsonl"));
  REQUIRE(results.size() == 2);
  CHECK(results[0]["ok"] == true);
  CHECK(results[1]["ok"] == false);
  CHECK(results[1]["error"]["code"] == "idempotency_mismatch");
  CHECK(desk.Run({"show", "--account", "acme",
                  "f3f3f3f3-0000-4000-8000-000000000002"})
            .status == 1);
  // The same command again still answers with the first result.
  auto again = desk.Accept(
      Case("command-id-reused.jsonl")
          .substr(0, Case("command-id-reused.jsonl").find('\n') + 1));
  CHECK(again[0]["ticket"] == results[0]["ticket"]);
  CHECK(again[0]["position"] == results[0]["position"]);
  // Another field, another op, another ticket: each a mismatch.
  auto variants = desk.Apply(
      R"({"op":"open_ticket","account":"acme","ticket":"f3f3f3f3-0000-4000-8000-000000000001","subject":"First customer","customer":{"id":"c1"},"message":"m1 changed","command_id":"web-form-17","at":"2024-03-04T09:00:00Z"}
{"op":"reply","account":"acme","ticket":"f3f3f3f3-0000-4000-8000-000000000001","content":"hi","command_id":"web-form-17"}
{"op":"define_department","account":"acme","department":"d","name":"D","command_id":"web-form-17"}
)");
  for (const auto& line : variants) {
    CHECK(line["error"]["code"] == "idempotency_mismatch");
  }
}

TEST_CASE("time order binds a ticket's own events only", "[tool][semantics]") {
  Desk desk;
  auto results = desk.Apply(Case("directory-import-order.jsonl"));
  CHECK(results[1]["ok"] == true);
  // Other tickets' later events do not bind a new one; its own do.
  auto tickets = desk.Apply(
      R"({"op":"open_ticket","account":"acme","ticket":"a0000000-0000-4000-8000-000000000001","subject":"Late","customer":{"id":"c1"},"message":"m","at":"2024-06-01T00:00:00Z"}
{"op":"open_ticket","account":"acme","ticket":"a0000000-0000-4000-8000-000000000002","subject":"Early","customer":{"id":"c1"},"message":"m","at":"2024-01-01T00:00:00Z"}
{"op":"update_contact","account":"acme","contact":"c1","name":"Old import","at":"2023-01-01T00:00:00Z"}
{"op":"reply","account":"acme","ticket":"a0000000-0000-4000-8000-000000000001","content":"x","at":"2024-05-01T00:00:00Z"}
)");
  CHECK(tickets[1]["ok"] == true);
  CHECK(tickets[2]["ok"] == true);
  CHECK(tickets[3]["error"]["code"] == "invalid_argument");
  CHECK(tickets[3]["error"]["message"] ==
        "at: 2024-05-01T00:00:00Z is earlier than the ticket's last event, "
        "at 2024-06-01T00:00:00Z");
}

TEST_CASE("messages carry their id, time and author's name",
          "[tool][semantics]") {
  Desk desk;
  desk.Accept(kDirectory);
  desk.Accept(Case("message-times.jsonl"));
  desk.Accept(
      R"({"op":"update_contact","account":"acme","contact":"c1","name":"Carla"}
{"op":"link_operator","account":"acme","ticket":"f4f4f4f4-0000-4000-8000-000000000001","operator":"ana","at":"2019-07-09T10:00:00Z"}
{"op":"reply","account":"acme","ticket":"f4f4f4f4-0000-4000-8000-000000000001","author":"operator","content":"On it.","at":"2019-07-09T10:05:00Z"}
)");
  json page = desk.Query({"messages", "--account", "acme",
                          "f4f4f4f4-0000-4000-8000-000000000001"});
  REQUIRE(page["items"].size() == 3);
  const json& first = page["items"][0];
  CHECK(first["at"] == "2019-07-01T09:00:00Z");
  CHECK(page["items"][1]["at"] == "2019-07-08T15:00:00Z");
  CHECK(first["author"] == "customer");
  CHECK(first["author_name"] == "Carla");
  CHECK(page["items"][2]["author_name"] == "Ana Lima");
  CHECK(first["message"].get<std::string>().size() == 36);
  CHECK(first["message"] != page["items"][1]["message"]);
  CHECK(first["seq"] == 1);
  // The same ids after a rebuild.
  REQUIRE(desk.Run({"rebuild"}).status == 0);
  json rebuilt = desk.Query({"messages", "--account", "acme",
                             "f4f4f4f4-0000-4000-8000-000000000001"});
  CHECK(rebuilt == page);
}

TEST_CASE("labels are case-insensitive, trimmed and deduplicated",
          "[tool][semantics]") {
  Desk desk;
  desk.Accept(Case("label-case.jsonl"));
  for (const char* spelling : {"vip", "VIP", "Vip "}) {
    INFO(spelling);
    json page = desk.Query({"list", "--account", "acme", "--label", spelling});
    REQUIRE(page["total"] == 1);
    CHECK(page["items"][0]["labels"] == json::array({"vip"}));
  }
  std::string ticket =
      desk.Query({"list", "--account", "acme"})["items"][0]["ticket"];
  desk.Accept(
      R"({"op":"update","account":"acme","ticket":")" + ticket +
      R"(","add_labels":[" Billing","VIP","Ação"],"remove_labels":["vip"],"at":"2024-03-04T09:05:00Z"})"
      "\n");
  json view = desk.Query({"show", "--account", "acme", ticket});
  CHECK(view["labels"] == json::array({"billing", "ação"}));
  CHECK(desk.Query({"list", "--account", "acme", "--label", "AÇÃO"})["total"] ==
        1);
  CHECK(desk.Query({"list", "--account", "acme", "--label", "vip"})["total"] ==
        0);
}

TEST_CASE("64-bit integers in custom attributes are exact end to end",
          "[tool][semantics]") {
  Desk desk;
  auto results = desk.Accept(Case("big-integer.jsonl"));
  CHECK(results[1]["version"] == 2);
  ToolRun show = desk.Run(
      {"show", "--account", "acme", "f6f6f6f6-0000-4000-8000-000000000001"});
  REQUIRE(show.status == 0);
  CHECK(show.out.find(R"("legacy_id":635476923356034757)") !=
        std::string::npos);
  CHECK(show.Json()["version"] == 2);
  // Extremes, negatives and a decimal next to them.
  desk.Accept(
      R"({"op":"update","account":"acme","ticket":"f6f6f6f6-0000-4000-8000-000000000001","custom_attributes":{"max":9223372036854775807,"min":-9223372036854775808,"ratio":0.25},"at":"2024-03-04T09:02:00Z"})"
      "\n");
  show = desk.Run(
      {"show", "--account", "acme", "f6f6f6f6-0000-4000-8000-000000000001"});
  CHECK(show.out.find(R"("max":9223372036854775807)") != std::string::npos);
  CHECK(show.out.find(R"("min":-9223372036854775808)") != std::string::npos);
  CHECK(show.out.find(R"("ratio":0.25)") != std::string::npos);
  // Past 64 bits is refused with the field named, nothing written.
  uint64_t head = desk.Head();
  auto refused = desk.Apply(
      R"({"op":"update","account":"acme","ticket":"f6f6f6f6-0000-4000-8000-000000000001","custom_attributes":{"huge":18446744073709551615},"at":"2024-03-04T09:03:00Z"})"
      "\n");
  CHECK(refused[0]["error"]["code"] == "invalid_argument");
  CHECK(refused[0]["error"]["message"].get<std::string>().starts_with(
      "custom_attributes.huge: "));
  CHECK(desk.Head() == head);
  // History and dump carry the exact value too.
  ToolRun dump = desk.Run({"dump"});
  CHECK(dump.out.find("635476923356034757") != std::string::npos);
}

TEST_CASE("open_ticket takes message_type and opens in any status",
          "[tool][semantics]") {
  Desk desk;
  desk.Accept(kDirectory);
  auto results = desk.Accept(
      R"({"op":"open_ticket","account":"acme","ticket":"b0000000-0000-4000-8000-000000000001","subject":"Chat","customer":{"id":"c1"},"operator":"ana","message":{"content":"Hello from us","message_type":"outgoing"},"at":"2024-03-04T09:00:00Z"}
{"op":"open_ticket","account":"acme","ticket":"b0000000-0000-4000-8000-000000000002","subject":"Done","customer":{"id":"c1"},"status":"finished","resolution":"solved","message":"m","at":"2024-03-04T09:00:00Z"}
{"op":"open_ticket","account":"acme","ticket":"b0000000-0000-4000-8000-000000000003","subject":"Closed","customer":{"id":"c1"},"status":"closed","message":{"content":"x","kind":"activity"},"at":"2024-03-04T09:00:00Z"}
)");
  CHECK(results[1]["version"] == 2);
  CHECK(results[2]["version"] == 3);
  CHECK(desk.Query(
            {"messages", "--account", "acme",
             "b0000000-0000-4000-8000-000000000001"})["items"][0]["kind"] ==
        "outgoing");
  json finished = desk.Query({"show", "--account", "acme", "--number", "2"});
  CHECK(finished["status"] == "finished");
  CHECK(finished["resolution"] == "solved");
  CHECK(desk.Query({"show", "--account", "acme", "--number", "3"})["status"] ==
        "closed");
  auto refused = desk.Apply(
      R"({"op":"open_ticket","account":"acme","subject":"X","customer":{"id":"c1"},"message":{"content":"x","message_type":"note"}}
{"op":"open_ticket","account":"acme","subject":"X","customer":{"id":"c1"},"status":"archived"}
{"op":"reply","account":"acme","ticket":"b0000000-0000-4000-8000-000000000003","author":"customer","content":"hi"}
)");
  CHECK(refused[0]["error"]["message"].get<std::string>().starts_with(
      "message.message_type: "));
  CHECK(refused[1]["error"]["message"].get<std::string>().starts_with(
      "status: "));
  CHECK(refused[2]["error"]["code"] == "ticket_closed");
}

TEST_CASE("actor names the operator who acts, in history",
          "[tool][semantics]") {
  Desk desk;
  desk.Accept(kDirectory);
  desk.Accept(
      R"({"op":"open_ticket","account":"acme","ticket":"c0000000-0000-4000-8000-000000000001","subject":"A","customer":{"id":"c1"},"message":"m","at":"2024-03-04T09:00:00Z"}
{"op":"update","account":"acme","ticket":"c0000000-0000-4000-8000-000000000001","priority":"high","actor":"bia","at":"2024-03-04T09:01:00Z"}
{"op":"transfer","account":"acme","ticket":"c0000000-0000-4000-8000-000000000001","department":"support","actor":"ana","at":"2024-03-04T09:02:00Z"}
)");
  auto history = desk.Run({"history", "--account", "acme",
                           "c0000000-0000-4000-8000-000000000001"})
                     .Lines();
  REQUIRE(history.size() == 3);
  CHECK(history[0]["actor"]["kind"] == "customer");
  CHECK(history[1]["actor"] == json{{"kind", "operator"}, {"id", "bia"}});
  CHECK(history[2]["actor"] == json{{"kind", "operator"}, {"id", "ana"}});
  uint64_t head = desk.Head();
  auto refused = desk.Apply(
      R"({"op":"update","account":"acme","ticket":"c0000000-0000-4000-8000-000000000001","priority":"low","actor":"ghost"})"
      "\n");
  CHECK(refused[0]["error"]["code"] == "unknown_operator");
  CHECK(
      refused[0]["error"]["message"].get<std::string>().starts_with("actor: "));
  CHECK(desk.Head() == head);
}

TEST_CASE("show --number and list --number find a ticket by protocol number",
          "[tool][semantics]") {
  Desk desk;
  desk.Accept(
      R"({"op":"open_ticket","account":"acme","subject":"One","customer":{"id":"c1"},"message":"m","at":"2024-03-04T09:00:00Z"}
{"op":"open_ticket","account":"acme","subject":"Two","customer":{"id":"c2"},"message":"m","at":"2024-03-04T09:01:00Z"}
{"op":"open_ticket","account":"other","subject":"Elsewhere","customer":{"id":"c1"},"message":"m","at":"2024-03-04T09:01:00Z"}
)");
  CHECK(desk.Query({"show", "--account", "acme", "--number", "2"})["subject"] ==
        "Two");
  CHECK(desk.Query({"show", "--account", "other", "--number",
                    "1"})["subject"] == "Elsewhere");
  CHECK(desk.Run({"show", "--account", "acme", "--number", "3"}).status == 1);
  json page = desk.Query({"list", "--account", "acme", "--number", "1"});
  CHECK(page["total"] == 1);
  CHECK(page["items"][0]["subject"] == "One");
  CHECK(desk.Query({"list", "--account", "acme", "--number", "1", "--customer",
                    "c2"})["total"] == 0);
  CHECK(desk.Query({"list", "--account", "acme", "--number", "9"})["total"] ==
        0);
  json as_of = desk.Query(
      {"show", "--account", "acme", "--number", "1", "--at-version", "1"});
  CHECK(as_of["subject"] == "One");
  CHECK(desk.Run({"show", "--account", "acme"}).status == 2);
}

TEST_CASE("rebuild and verify agree with every section 5 view",
          "[tool][semantics]") {
  Desk desk;
  desk.Accept(kDirectory);
  for (const char* name :
       {"pending-customer-reply.jsonl", "email-case.jsonl", "label-case.jsonl",
        "big-integer.jsonl", "stale-contact.jsonl", "message-times.jsonl"}) {
    desk.Apply(Case(name));
  }
  desk.Accept(
      R"({"op":"update_contact","account":"acme","contact":"c8","phone":"+1 555 0199"})"
      "\n");
  // A ticket that brings a new email for a known contact (the old lookup
  // goes in the same batch), tickets opened finished and closed, an actor.
  desk.Accept(
      R"({"op":"open_ticket","account":"acme","subject":"New mail","customer":{"id":"c8","email":"ray.new@example.test","name":" Ray "},"message":"m","at":"2024-03-05T09:00:00Z"}
{"op":"open_ticket","account":"acme","subject":"Done","customer":{"id":"c9"},"status":"finished","resolution":"solved","message":"m","actor":"ana","at":"2024-03-05T09:00:00Z"}
{"op":"open_ticket","account":"acme","subject":"Closed","customer":{"phone":"+1 555 0199"},"status":"closed","message":"m","at":"2024-03-05T09:00:00Z"}
)");
  CHECK(desk.Run({"contact", "--account", "acme", "ray@example.test"}).status ==
        1);
  CHECK(desk.Query({"contact", "--account", "acme",
                    "ray.new@example.test"})["name"] == "Ray");
  ToolRun verify = desk.Run({"verify"});
  INFO(verify.out + verify.err);
  CHECK(verify.status == 0);
  json before = desk.Query({"list", "--account", "acme"});
  json contacts = desk.Query({"contacts", "--account", "acme"});
  REQUIRE(desk.Run({"rebuild"}).status == 0);
  CHECK(desk.Query({"list", "--account", "acme"}) == before);
  CHECK(desk.Query({"contacts", "--account", "acme"}) == contacts);
  CHECK(desk.Run({"verify"}).status == 0);
}

}  // namespace
}  // namespace ticketlog::testing
