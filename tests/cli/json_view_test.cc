// The JSON the tool prints: the spec's keys in the spec's order, nulls for
// missing values, ISO-8601 times, and event payloads by spec names.
#include "cli/json_view.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace ticketlog::cli {
namespace {

// 2024-01-01T00:00:00Z
constexpr TimeUs kT0 = 1704067200LL * 1000000;

std::vector<std::string> Keys(const OutJson& object) {
  std::vector<std::string> keys;
  for (const auto& item : object.items()) keys.push_back(item.key());
  return keys;
}

TicketView SampleView() {
  TicketView v;
  v.ticket = "6f1c0b2e-8d4a-4e7b-9a51-3c2d1e0f9a8b";
  v.number = 7;
  v.account = "acme";
  v.subject = "Printer on fire";
  v.status = TicketStatus::kPending;
  v.custom_status = "waiting_vendor";
  v.department = "support";
  v.customer = Customer{"k-1", "c-1", "", "c@example.com", ""};
  v.channel = Channel::kChat;
  v.priority = Priority::kHigh;
  v.labels = {"vip"};
  v.custom_attributes = {{"seats", 12.0},
                         {"ratio", 0.5},
                         {"vip", true},
                         {"plan", std::string("pro")}};
  v.awaiting = Awaiting::kCustomer;
  v.created_at_us = kT0;
  v.updated_at_us = kT0 + 90 * 1000000LL;
  v.first_response_at_us = kT0 + 60 * 1000000LL;
  v.first_response_us = 60 * 1000000LL;
  v.reopen_count = 1;
  v.transfer_count = 2;
  v.message_count = 3;
  v.paused_us = 1500000;
  v.status_durations_us = {{"pending", 1500000}};
  v.status_started_at_us = kT0 + 80 * 1000000LL;
  v.version = 9;
  return v;
}

TEST_CASE("ticket view keys follow the spec", "[json_view]") {
  OutJson json = TicketViewJson(SampleView(), 0);
  const std::vector<std::string> spec = {"ticket",        "number",
                                         "account",       "subject",
                                         "status",        "custom_status",
                                         "department",    "operator",
                                         "customer",      "channel",
                                         "priority",      "category",
                                         "labels",        "custom_attributes",
                                         "awaiting",      "created_at",
                                         "updated_at",    "first_response_at",
                                         "finished_at",   "closed_at",
                                         "reopen_count",  "transfer_count",
                                         "message_count", "paused_seconds",
                                         "version",       "sla"};
  std::vector<std::string> keys = Keys(json);
  REQUIRE(keys.size() > spec.size());
  CHECK(std::vector<std::string>(keys.begin(), keys.begin() + spec.size()) ==
        spec);
  CHECK(Keys(json["customer"]) ==
        std::vector<std::string>{"contact", "id", "name", "email", "phone"});
}

TEST_CASE("ticket view values", "[json_view]") {
  OutJson json = TicketViewJson(SampleView(), 0);
  CHECK(json["number"] == 7);
  CHECK(json["status"] == "pending");
  CHECK(json["custom_status"] == "waiting_vendor");
  CHECK(json["operator"].is_null());
  CHECK(json["category"].is_null());
  CHECK(json["customer"]["contact"] == "k-1");
  CHECK(json["customer"]["name"].is_null());
  CHECK(json["customer"]["phone"].is_null());
  CHECK(json["channel"] == "chat");
  CHECK(json["priority"] == "high");
  CHECK(json["labels"] == OutJson::array({"vip"}));
  CHECK(Dump(json["custom_attributes"]) ==
        R"({"plan":"pro","ratio":0.5,"seats":12,"vip":true})");
  CHECK(json["awaiting"] == "customer");
  CHECK(json["created_at"] == "2024-01-01T00:00:00Z");
  CHECK(json["updated_at"] == "2024-01-01T00:01:30Z");
  CHECK(json["first_response_at"] == "2024-01-01T00:01:00Z");
  CHECK(json["finished_at"].is_null());
  CHECK(json["closed_at"].is_null());
  CHECK(json["paused_seconds"] == 1.5);
  CHECK(json["version"] == 9);
  CHECK(json["resolution"].is_null());
  CHECK(json["first_response_seconds"] == 60.0);
  CHECK(json["resolution_seconds"].is_null());
  CHECK(json["status_seconds"]["pending"] == 1.5);
  CHECK(json["custom_status_started_at"] == "2024-01-01T00:01:20Z");
}

TEST_CASE("pages and stats", "[json_view]") {
  ListPage page;
  page.items = {SampleView()};
  page.page = 2;
  page.total = 51;
  OutJson list = ListPageJson(page, 0);
  CHECK(Keys(list) ==
        std::vector<std::string>{"items", "page", "total", "next_cursor"});
  CHECK(list["next_cursor"].is_null());
  page.next_cursor = "abc";
  CHECK(ListPageJson(page, 0)["next_cursor"] == "abc");

  MessagePage messages;
  Message m;
  m.id = "00000000-0000-4000-8000-00000000000a";
  m.seq = 1;
  m.at_us = 1709296200LL * 1000000;
  m.author_name = "Ana Lima";
  m.kind = MessageKind::kNote;
  m.author = ActorKind::kOperator;
  m.author_id = "ana";
  m.content = "internal";
  m.attachments = {Attachment{"a.txt", "", 3, ""}};
  messages.items = {m};
  messages.total = 1;
  CHECK(
      Dump(MessagePageJson(messages)) ==
      R"({"items":[{"message":"00000000-0000-4000-8000-00000000000a","seq":1,)"
      R"("at":"2024-03-01T12:30:00Z","kind":"note","author":"operator",)"
      R"("author_id":"ana","author_name":"Ana Lima","private":false,"content":"internal","attachments":[{"name":"a.txt",)"
      R"("content_type":null,"size":3,"sha256":null}],"merged_from":null,)"
      R"("merged_seq":null}],"page":1,"total":1})");

  Stats stats;
  stats.tickets = 3;
  stats.by_status = {{TicketStatus::kOpen, 2}, {TicketStatus::kClosed, 1}};
  stats.by_department = {{"support", 3}};
  stats.by_operator = {{"ana", 2}};
  stats.median_first_response_us = 90 * 1000000LL;
  CHECK(Dump(StatsJson("acme", stats)) ==
        R"({"account":"acme","tickets":3,"by_status":{"open":2,"pending":0,)"
        R"("finished":0,"closed":1},"by_department":{"support":3},)"
        R"("by_operator":{"ana":2},"median_first_response_seconds":90.0,)"
        R"("median_resolution_seconds":null})");
}

TEST_CASE("results and errors", "[json_view]") {
  CHECK(
      Dump(ResultJson(CommandResult{"t-1", 4, 2, 10, 1})) ==
      R"({"ok":true,"ticket":"t-1","number":4,"version":2,"position":10,"events_appended":1})");
  CHECK(
      Dump(ResultJson(CommandResult{"", 0, 3, 11, 1})) ==
      R"({"ok":true,"ticket":null,"number":null,"version":3,"position":11,"events_appended":1})");
  CHECK(
      Dump(ErrorJson(Status(Code::kTicketClosed, "ticket is closed"))) ==
      R"({"ok":false,"error":{"code":"ticket_closed","message":"ticket is closed"}})");
  OutJson conflict = ErrorJson(Status::Conflict(1, 5));
  CHECK(conflict["error"]["code"] == "conflict");
  CHECK(conflict["error"]["current_version"] == 5);
  // Bytes that are not UTF-8 never break the output.
  CHECK(Dump(ErrorJson(Status(Code::kInvalidArgument, "bad \xff byte"))) ==
        "{\"ok\":false,\"error\":{\"code\":\"invalid_argument\",\"message\":"
        "\"bad \xef\xbf\xbd byte\"}}");
}

TEST_CASE("audit output", "[json_view]") {
  CHECK(Dump(HeadJson(LogHead{})) == R"({"position":0,"hash":null})");
  CHECK(Dump(HeadJson(LogHead{3, std::string(64, 'a')})) ==
        R"({"position":3,"hash":")" + std::string(64, 'a') + "\"}");

  VerifyReport good;
  good.events_checked = 10;
  good.view_keys_checked = 20;
  CHECK(
      Dump(VerifyReportJson(good)) ==
      R"({"ok":true,"events_checked":10,"view_keys_checked":20,"problems":[]})");
  VerifyReport bad = good;
  bad.problems = {"event 3: hash mismatch", "view key x is missing"};
  OutJson json = VerifyReportJson(bad);
  CHECK(json["ok"] == false);
  CHECK(json["error"]["code"] == "corruption");
  CHECK(json["error"]["message"] ==
        "2 problems found; first: event 3: hash mismatch");
  CHECK(json["problems"].size() == 2);
}

TEST_CASE("events carry their envelope and payload", "[json_view]") {
  Event e;
  e.position = 5;
  e.version = 2;
  e.event_id = "e-1";
  e.account = "acme";
  e.stream = "t-1";
  e.occurred_at_us = kT0;
  e.recorded_at_us = kT0 + 250123;
  e.actor = Actor{ActorKind::kOperator, "ana"};
  e.prev_hash = std::string(64, '0');
  e.hash = std::string(64, '1');
  e.payload = OperatorLinked{"ana", ""};
  OutJson json = EventJson(e);
  CHECK(Keys(json) == std::vector<std::string>{
                          "position", "version", "type", "event_id", "account",
                          "stream", "occurred_at", "recorded_at", "actor",
                          "command_id", "schema_version", "prev_hash", "hash",
                          "payload"});
  CHECK(json["type"] == "OperatorLinked");
  CHECK(json["recorded_at"] == "2024-01-01T00:00:00.250123Z");
  CHECK(Dump(json["actor"]) == R"({"kind":"operator","id":"ana"})");
  CHECK(json["command_id"].is_null());
  CHECK(json["schema_version"] == 1);
  CHECK(Dump(json["payload"]) ==
        R"({"operator":"ana","previous_operator":null})");
}

TEST_CASE("every payload type has its fields", "[json_view]") {
  TicketOpened opened;
  opened.ticket = "t";
  opened.number = 1;
  opened.subject = "s";
  opened.status = TicketStatus::kPending;
  opened.custom_status = "pending";
  OutJson o = PayloadJson(opened);
  CHECK(o["number"] == 1);
  CHECK(o["status"] == "pending");
  CHECK(o["message"].is_null());
  CHECK(o.contains("new_contact"));

  Message m;
  m.content = "hi";
  CHECK(PayloadJson(MessageAdded{m})["message"]["content"] == "hi");
  CHECK(
      Dump(PayloadJson(TicketTransferred{"a", "b", "ana", ""})) ==
      R"({"from_department":"a","to_department":"b","from_operator":"ana","to_operator":null})");
  CHECK(Dump(PayloadJson(OperatorUnlinked{"ana"})) == R"({"operator":"ana"})");
  CHECK(Dump(PayloadJson(StatusStarted{"w"})) ==
        R"({"status":"w","comment":null})");
  CHECK(Dump(PayloadJson(StatusStarted{"w", "RMA 881"})) ==
        R"({"status":"w","comment":"RMA 881"})");
  CHECK(Dump(PayloadJson(StatusStopped{"w", 2500000})) ==
        R"({"status":"w","duration_seconds":2.5})");
  CHECK(Dump(PayloadJson(TicketFinished{"solved"})) ==
        R"({"resolution":"solved"})");
  CHECK(Dump(PayloadJson(TicketReopened{true})) ==
        R"({"by_customer_reply":true})");
  CHECK(Dump(PayloadJson(TicketClosed{})) == R"({"note":null})");
  TicketUpdated updated;
  updated.priority = Priority::kUrgent;
  updated.set_attributes = {{"plan", std::string("free")}};
  updated.removed_attributes = {"old"};
  CHECK(
      Dump(PayloadJson(updated)) ==
      R"({"priority":"urgent","custom_attributes":{"plan":"free","old":null}})");
  CHECK(Dump(PayloadJson(DepartmentDefined{"s", "Support"})) ==
        R"({"department":"s","name":"Support"})");
  CHECK(Dump(PayloadJson(OperatorRegistered{"ana", "Ana", {"s"}})) ==
        R"({"operator":"ana","name":"Ana","departments":["s"]})");
  CHECK(Dump(PayloadJson(OperatorRemoved{"ana"})) == R"({"operator":"ana"})");
  CHECK(Dump(PayloadJson(StatusDefined{"w", "Waiting"})) ==
        R"({"status":"w","name":"Waiting","resume_on_customer_reply":true})");
  CHECK(Dump(PayloadJson(ContactUpdated{
            Customer{"k1", "c1", "Ray", "ray@example.test", "+15550108"}})) ==
        R"({"customer":{"contact":"k1","id":"c1","name":"Ray",)"
        R"("email":"ray@example.test","phone":"+15550108"}})");
}

}  // namespace
}  // namespace ticketlog::cli
