// Parsing of `apply` command lines: every op and field, and the malformed
// lines that must be refused with invalid_argument naming the field.
#include "cli/json_command.h"

#include <catch2/catch.hpp>
#include <string>

#include "ticketlog/commands.h"

namespace ticketlog::cli {
namespace {

Command MustParse(const std::string& line) {
  auto command = ParseCommandLine(line);
  INFO(line);
  INFO(command.status().ToString());
  REQUIRE(command.ok());
  return *command;
}

// The error message of a refused line; requires invalid_argument.
std::string Refusal(const std::string& line) {
  auto command = ParseCommandLine(line);
  INFO(line);
  REQUIRE_FALSE(command.ok());
  REQUIRE(command.status().code() == Code::kInvalidArgument);
  return command.status().message();
}

template <typename T>
T MustParseAs(const std::string& line) {
  Command command = MustParse(line);
  REQUIRE(std::holds_alternative<T>(command.body));
  return std::get<T>(command.body);
}

TEST_CASE("directory ops", "[json_command]") {
  auto department = MustParseAs<DefineDepartment>(
      R"({"op":"define_department","account":"a","department":"support","name":"Support"})");
  CHECK(department.department == "support");
  CHECK(department.name == "Support");

  auto op = MustParseAs<RegisterOperator>(
      R"({"op":"register_operator","account":"a","operator":"ana","name":"Ana","departments":["support","billing"]})");
  CHECK(op.operator_id == "ana");
  CHECK(op.name == "Ana");
  CHECK(op.departments == std::vector<std::string>{"support", "billing"});

  auto removed = MustParseAs<RemoveOperator>(
      R"({"op":"remove_operator","account":"a","operator":"ana"})");
  CHECK(removed.operator_id == "ana");

  auto status = MustParseAs<DefineStatus>(
      R"({"op":"define_status","account":"a","status":"waiting_vendor","name":"Waiting"})");
  CHECK(status.status == "waiting_vendor");
  CHECK(status.name == "Waiting");
}

TEST_CASE("envelope fields", "[json_command]") {
  Command command = MustParse(
      R"({"op":"close","account":"acme","ticket":"t","command_id":"c-1","expected_version":7,"at":"2024-03-01T12:30:00Z"})");
  CHECK(command.account == "acme");
  CHECK(command.command_id == "c-1");
  CHECK(command.expected_version == std::optional<uint64_t>(7));
  CHECK(command.at_us == std::optional<TimeUs>(1709296200LL * 1000000));
  CHECK(OpName(command.body) == "close");

  Command bare = MustParse(R"({"op":"reopen","account":"acme","ticket":"t"})");
  CHECK(bare.command_id.empty());
  CHECK_FALSE(bare.expected_version);
  CHECK_FALSE(bare.at_us);

  // JSON does not tell 3 from 3.0; null is the same as absent.
  CHECK(MustParse(R"({"op":"close","account":"a","expected_version":3.0})")
            .expected_version == std::optional<uint64_t>(3));
  CHECK(
      MustParse(
          R"({"op":"close","account":"a","expected_version":9223372036854775807})")
          .expected_version == std::optional<uint64_t>(9223372036854775807ULL));
  CHECK_FALSE(MustParse(R"({"op":"close","account":"a","at":null})").at_us);
}

TEST_CASE("open_ticket with every field", "[json_command]") {
  auto open = MustParseAs<OpenTicket>(R"({
    "op":"open_ticket","account":"a","ticket":"6f1c0b2e-8d4a-4e7b-9a51-3c2d1e0f9a8b",
    "subject":"Printer on fire","department":"support","operator":"ana",
    "customer":{"id":"c-1","email":"c@example.com","phone":"+1555","name":"Cee"},
    "channel":"chat","priority":"urgent","category":"hardware",
    "labels":["vip","fire"],
    "custom_attributes":{"plan":"pro","seats":12,"ratio":0.5,"vip":true},
    "status":"pending",
    "message":{"content":"It burns","kind":"outgoing","private":true,
               "attachments":[{"name":"a.png","content_type":"image/png","size":1024,
                               "sha256":"ab"}]}})");
  CHECK(open.ticket == "6f1c0b2e-8d4a-4e7b-9a51-3c2d1e0f9a8b");
  CHECK(open.subject == "Printer on fire");
  CHECK(open.department == "support");
  CHECK(open.operator_id == "ana");
  CHECK(open.customer.id == "c-1");
  CHECK(open.customer.email == "c@example.com");
  CHECK(open.customer.phone == "+1555");
  CHECK(open.customer.name == "Cee");
  CHECK(open.channel == Channel::kChat);
  CHECK(open.priority == Priority::kUrgent);
  CHECK(open.category == "hardware");
  CHECK(open.labels == std::vector<std::string>{"vip", "fire"});
  REQUIRE(open.custom_attributes.size() == 4);
  CHECK(std::get<std::string>(open.custom_attributes["plan"]) == "pro");
  CHECK(std::get<int64_t>(open.custom_attributes["seats"]) == 12);
  CHECK(std::get<double>(open.custom_attributes["ratio"]) == 0.5);
  CHECK(std::get<bool>(open.custom_attributes["vip"]) == true);
  CHECK(open.status == TicketStatus::kPending);
  REQUIRE(open.message);
  CHECK(open.message->content == "It burns");
  CHECK(open.message->kind == MessageKind::kOutgoing);
  CHECK(open.message->is_private);
  REQUIRE(open.message->attachments.size() == 1);
  CHECK(open.message->attachments[0] ==
        Attachment{"a.png", "image/png", 1024, "ab"});
}

TEST_CASE("open_ticket defaults", "[json_command]") {
  auto open = MustParseAs<OpenTicket>(
      R"({"op":"open_ticket","account":"a","subject":"s","customer":{"email":"x@y"},"message":"hello"})");
  CHECK(open.ticket.empty());
  CHECK(open.channel == Channel::kApi);
  CHECK(open.priority == Priority::kNormal);
  CHECK(open.status == TicketStatus::kOpen);
  REQUIRE(open.message);
  CHECK(open.message->content == "hello");
  CHECK(open.message->kind == MessageKind::kIncoming);
  CHECK_FALSE(open.message->is_private);

  CHECK(MustParseAs<OpenTicket>(
            R"({"op":"open_ticket","account":"a","status":"open"})")
            .status == TicketStatus::kOpen);
  CHECK_FALSE(
      MustParseAs<OpenTicket>(R"({"op":"open_ticket","account":"a"})").message);
}

TEST_CASE("message ops", "[json_command]") {
  auto reply = MustParseAs<Reply>(
      R"({"op":"reply","account":"a","ticket":"t","author":"operator","content":"hi",
          "attachments":[{"name":"f.txt","size":3}]})");
  CHECK(reply.ticket == "t");
  CHECK(reply.author == ActorKind::kOperator);
  CHECK(reply.content == "hi");
  REQUIRE(reply.attachments.size() == 1);
  CHECK(reply.attachments[0].size_bytes == 3);

  // "message" is the same as "content"; a reply is the customer's by default.
  auto customer = MustParseAs<Reply>(
      R"({"op":"reply","account":"a","ticket":"t","message":"thanks"})");
  CHECK(customer.author == ActorKind::kCustomer);
  CHECK(customer.content == "thanks");

  auto comment = MustParseAs<AddComment>(
      R"({"op":"comment","account":"a","ticket":"t","operator":"ana","comment":"note"})");
  CHECK(comment.operator_id == "ana");
  CHECK(comment.content == "note");
  CHECK(
      MustParseAs<AddComment>(
          R"({"op":"comment","account":"a","ticket":"t","operator":"ana","content":"n2"})")
          .content == "n2");

  auto finish = MustParseAs<Finish>(
      R"({"op":"finish","account":"a","ticket":"t","message":"done","resolution":"solved",
          "attachments":[]})");
  CHECK(finish.content == "done");
  CHECK(finish.resolution == "solved");
  CHECK(MustParseAs<Finish>(
            R"({"op":"finish","account":"a","ticket":"t","content":"c"})")
            .content == "c");
}

TEST_CASE("ticket ops without a body", "[json_command]") {
  auto transfer = MustParseAs<Transfer>(
      R"({"op":"transfer","account":"a","ticket":"t","department":"billing","operator":"bruno"})");
  CHECK(transfer.department == "billing");
  CHECK(transfer.operator_id == "bruno");
  CHECK(
      MustParseAs<LinkOperator>(
          R"({"op":"link_operator","account":"a","ticket":"t","operator":"ana"})")
          .operator_id == "ana");
  CHECK(MustParseAs<UnlinkOperator>(
            R"({"op":"unlink_operator","account":"a","ticket":"t"})")
            .ticket == "t");
  CHECK(
      MustParseAs<StartStatus>(
          R"({"op":"start_status","account":"a","ticket":"t","status":"waiting_vendor"})")
          .status == "waiting_vendor");
  CHECK(MustParseAs<StopStatus>(
            R"({"op":"stop_status","account":"a","ticket":"t"})")
            .ticket == "t");
  CHECK(MustParseAs<Reopen>(R"({"op":"reopen","account":"a","ticket":"t"})")
            .ticket == "t");
  CHECK(MustParseAs<Close>(R"({"op":"close","account":"a","ticket":"t"})")
            .ticket == "t");
}

TEST_CASE("update", "[json_command]") {
  auto update = MustParseAs<Update>(
      R"({"op":"update","account":"a","ticket":"t","subject":"new","channel":"email",
          "priority":"low","category":"billing","labels":[],
          "custom_attributes":{"plan":"free","old":null,"n":2}})");
  CHECK(update.subject == std::optional<std::string>("new"));
  CHECK(update.channel == std::optional<Channel>(Channel::kEmail));
  CHECK(update.priority == std::optional<Priority>(Priority::kLow));
  CHECK(update.category == std::optional<std::string>("billing"));
  REQUIRE(update.labels);
  CHECK(update.labels->empty());
  REQUIRE(update.custom_attributes.size() == 3);
  CHECK(std::get<std::string>(*update.custom_attributes["plan"]) == "free");
  CHECK_FALSE(update.custom_attributes["old"]);
  CHECK(std::get<int64_t>(*update.custom_attributes["n"]) == 2);

  auto nothing = MustParseAs<Update>(
      R"({"op":"update","account":"a","ticket":"t","subject":null})");
  CHECK_FALSE(nothing.subject);
  CHECK_FALSE(nothing.channel);
  CHECK_FALSE(nothing.labels);
  CHECK(nothing.custom_attributes.empty());
}

TEST_CASE("malformed JSON is refused", "[json_command]") {
  CHECK(Refusal("garbage").rfind("line: not valid JSON", 0) == 0);
  CHECK(Refusal("{\"op\":").rfind("op: not valid JSON", 0) == 0);
  CHECK(Refusal(std::string("\xff\xfe\x00\x01", 4)).rfind("line:", 0) == 0);
  // Invalid UTF-8 inside a string: the error names the field being read.
  CHECK(Refusal("{\"op\":\"reply\",\"account\":\"a\",\"content\":\"\xc3\x28\"}")
            .rfind("content: not valid JSON", 0) == 0);
  CHECK(Refusal("{\"op\":\"reply\",\"account\":\"a\",\"c\xc3\x28\":1}")
            .rfind("account: not valid JSON", 0) != 0);
  CHECK(Refusal("{\"op\":\"close\",\"account\":\"a\"} trailing")
            .rfind("line: not valid JSON", 0) == 0);
  CHECK(Refusal("[1,2]") == "line: must be a JSON object");
  CHECK(Refusal("\"close\"") == "line: must be a JSON object");
}

TEST_CASE("op and account are checked", "[json_command]") {
  CHECK(Refusal(R"({"account":"a"})") == "op: is required");
  CHECK(Refusal(R"({"op":7,"account":"a"})") == "op: must be a string");
  CHECK(Refusal(R"({"op":"explode","account":"a"})") ==
        "op: unknown op \"explode\"");
  CHECK(Refusal(R"({"op":"close"})") == "account: is required");
  CHECK(Refusal(R"({"op":"close","account":["a"]})") ==
        "account: must be a string");
}

TEST_CASE("wrong field types name the field", "[json_command]") {
  CHECK(Refusal(R"({"op":"open_ticket","account":"a","subject":5})") ==
        "subject: must be a string");
  CHECK(Refusal(R"({"op":"open_ticket","account":"a","labels":"vip"})") ==
        "labels: must be an array of strings");
  CHECK(Refusal(R"({"op":"open_ticket","account":"a","labels":["ok",1]})") ==
        "labels[1]: must be a string");
  CHECK(Refusal(R"({"op":"open_ticket","account":"a","channel":"fax"})")
            .rfind("channel: must be one of", 0) == 0);
  CHECK(Refusal(R"({"op":"open_ticket","account":"a","priority":"meh"})")
            .rfind("priority: must be one of", 0) == 0);
  CHECK(Refusal(R"({"op":"open_ticket","account":"a","status":"archived"})")
            .rfind("status:", 0) == 0);
  CHECK(Refusal(R"({"op":"open_ticket","account":"a","customer":"c-1"})")
            .rfind("customer: must be an object", 0) == 0);
  CHECK(Refusal(
            R"({"op":"open_ticket","account":"a","customer":{"mail":"x"}})") ==
        "customer.mail: unknown field of a customer");
  CHECK(
      Refusal(
          R"({"op":"open_ticket","account":"a","custom_attributes":{"k":[1]}})") ==
      "custom_attributes.k: must be a string, number or bool");
  CHECK(
      Refusal(
          R"({"op":"open_ticket","account":"a","custom_attributes":{"k":null}})") ==
      "custom_attributes.k: must be a string, number or bool");
  CHECK(
      Refusal(R"({"op":"open_ticket","account":"a","message":{"kind":"note"}})")
          .rfind("message.kind:", 0) == 0);
  CHECK(
      Refusal(
          R"({"op":"open_ticket","account":"a","message":{"private":"yes"}})") ==
      "message.private: must be true or false");
  CHECK(
      Refusal(
          R"({"op":"open_ticket","account":"a","message":{"attachments":[{"size":-1}]}})")
          .rfind("message.attachments[0].size:", 0) == 0);
  CHECK(Refusal(R"({"op":"reply","account":"a","author":"bot"})") ==
        "author: must be operator or customer");
  CHECK(Refusal(R"({"op":"reply","account":"a","attachments":[7]})")
            .rfind("attachments[0]: must be an object", 0) == 0);
  CHECK(
      Refusal(
          R"({"op":"reply","account":"a","attachments":[{"name":"x","url":"u"}]})") ==
      "attachments[0].url: unknown field of an attachment");
  CHECK(Refusal(R"({"op":"reply","account":"a","content":"x","message":"y"})")
            .rfind("message: give the text once", 0) == 0);
  CHECK(Refusal(R"({"op":"close","account":"a","at":"yesterday"})")
            .rfind("at: must be an ISO-8601 time", 0) == 0);
  CHECK(Refusal(R"({"op":"close","account":"a","at":1700000000})")
            .rfind("at: must be an ISO-8601 time", 0) == 0);
  CHECK(
      Refusal(
          R"({"op":"update","account":"a","labels":null,"custom_attributes":[]})") ==
      "custom_attributes: must be an object");
}

TEST_CASE("fields an op does not take are refused", "[json_command]") {
  CHECK(
      Refusal(
          R"({"op":"close","account":"a","ticket":"t","expected_verison":1})") ==
      "expected_verison: unknown field for op close");
  CHECK(Refusal(
            R"({"op":"reply","account":"a","ticket":"t","operator":"ana"})") ==
        "operator: unknown field for op reply");
  CHECK(
      Refusal(R"({"op":"define_department","account":"a","departments":[]})") ==
      "departments: unknown field for op define_department");
}

TEST_CASE("a key that does not look like a field is quoted in the refusal",
          "[json_command]") {
  // Found by fuzz_json_command: an empty key, or one holding ": ", left
  // the message without a field ahead of its first ": ".
  CHECK(Refusal(R"({"op":"close","account":"a","ticket":"t","":1})") ==
        R"("": unknown field for op close)");
  CHECK(Refusal(R"({"op":"close","account":"a","ticket":"t",": x":1})") ==
        R"(": x": unknown field for op close)");
  CHECK(Refusal(R"({"op":"close","account":"a",": x":tru})")
            .rfind(R"(": x": not valid JSON)", 0) == 0);
  CHECK(Refusal(R"({"op":"update","account":"a","ticket":"t",)"
                R"("custom_attributes":{"a b":[]}})") ==
        R"(custom_attributes."a b": must be a string, number or bool)");
  std::string long_key(100, 'k');
  CHECK(Refusal(R"({"op":"close","account":"a",")" + long_key + R"(":1})") ==
        "\"" + std::string(64, 'k') + "\"...: unknown field for op close");
}

TEST_CASE("a key given twice is refused naming its full path",
          "[json_command]") {
  // nlohmann keeps the last value of a repeated key: without this check the
  // first line would run against account "b".
  CHECK(Refusal(R"({"op":"close","account":"a","ticket":"t","account":"b"})") ==
        "account: duplicate field");
  CHECK(Refusal(R"({"op":"close","account":"a","op":"reopen"})") ==
        "op: duplicate field");
  // The same key once escaped is still the same key.
  CHECK(Refusal(R"({"op":"close","account":"a","acc\u006funt":"b"})") ==
        "account: duplicate field");
  CHECK(Refusal(R"({"op":"open_ticket","account":"a",)"
                R"("customer":{"email":"x","id":"c","email":"y"}})") ==
        "customer.email: duplicate field");
  CHECK(Refusal(R"({"op":"open_ticket","account":"a",)"
                R"("message":{"content":"x","content":"y"}})") ==
        "message.content: duplicate field");
  CHECK(Refusal(R"({"op":"open_ticket","account":"a",)"
                R"("custom_attributes":{"plan":"pro","plan":"free"}})") ==
        "custom_attributes.plan: duplicate field");
  CHECK(Refusal(R"({"op":"reply","account":"a","attachments":)"
                R"([{"name":"x"},{"name":"y","size":1,"size":2}]})") ==
        "attachments[1].size: duplicate field");
  CHECK(Refusal(R"({"op":"open_ticket","account":"a","message":)"
                R"({"attachments":[{"sha256":"a","sha256":"b"}]}})") ==
        "message.attachments[0].sha256: duplicate field");
  // Also in a value nobody reads, and for keys that need quoting.
  CHECK(Refusal(R"({"op":"close","account":"a","x":{"k":1,"k":2}})") ==
        "x.k: duplicate field");
  CHECK(Refusal(R"({"op":"close","account":"a","":1,"":2})") ==
        R"("": duplicate field)");
  // The same key in different objects, or differing in case, is no
  // duplicate.
  auto open = MustParseAs<OpenTicket>(
      R"({"op":"open_ticket","account":"a","subject":"s",)"
      R"("custom_attributes":{"subject":"x","k":1,"K":2}})");
  CHECK(open.subject == "s");
  CHECK(open.custom_attributes.size() == 3);
}

TEST_CASE("a syntax error names the path of the field being read",
          "[json_command]") {
  CHECK(Refusal("{\"op\":\"open_ticket\",\"account\":\"a\",\"customer\":"
                "{\"id\":\"c\",\"email\":\"\xc3\x28\"}}")
            .rfind("customer.email: not valid JSON", 0) == 0);
  CHECK(Refusal(R"({"op":"open_ticket","account":"a","message":)"
                R"({"attachments":[{"name":"x"},{"size":1e400}]}})")
            .rfind("message.attachments[1].size: not valid JSON", 0) == 0);
  CHECK(Refusal(R"({"op":"update","account":"a","ticket":"t",)"
                R"("custom_attributes":{"a b":tru}})")
            .rfind(R"(custom_attributes."a b": not valid JSON)", 0) == 0);
  // Between the fields of an object or the items of an array: that object
  // or array.
  CHECK(Refusal(R"({"op":"open_ticket","account":"a","customer":{"id":"c",}})")
            .rfind("customer: not valid JSON", 0) == 0);
  CHECK(Refusal(R"({"op":"open_ticket","account":"a","labels":["x",tru]})")
            .rfind("labels: not valid JSON", 0) == 0);
  // Inside a line that is not an object: the line.
  CHECK(Refusal(R"([{"a":tru}])").rfind("line: not valid JSON", 0) == 0);
}

TEST_CASE("numbers out of range name the field", "[json_command]") {
  for (const char* value :
       {"-1", "9223372036854775808", "18446744073709551615",
        "18446744073709551616", "1e300", "1e400", "1.5", "\"3\"", "true"}) {
    std::string line =
        std::string(R"({"op":"close","account":"a","expected_version":)") +
        value + "}";
    CHECK(Refusal(line).rfind("expected_version:", 0) == 0);
  }
  CHECK(
      Refusal(
          R"({"op":"reply","account":"a","attachments":[{"name":"x","size":-5}]})")
          .rfind("attachments[0].size:", 0) == 0);
  CHECK(
      Refusal(
          R"({"op":"reply","account":"a","attachments":[{"name":"x","size":1e40}]})")
          .rfind("attachments[0].size:", 0) == 0);
}

TEST_CASE("deep nesting is refused before parsing", "[json_command]") {
  std::string deep = R"({"op":"close","account":"a","x":)" +
                     std::string(100000, '[') + std::string(100000, ']') + "}";
  CHECK(Refusal(deep) == "line: nested deeper than 64 levels");
  // 64 levels in all are fine as far as nesting goes (then x is unknown).
  std::string ok = R"({"op":"close","account":"a","x":)" +
                   std::string(63, '[') + std::string(63, ']') + "}";
  CHECK(Refusal(ok) == "x: unknown field for op close");
  // Brackets inside strings do not count.
  std::string quoted = R"({"op":"reply","account":"a","content":")" +
                       std::string(1000, '[') + "\\\"" +
                       std::string(1000, '{') + "\"}";
  CHECK(MustParseAs<Reply>(quoted).content.size() == 2001);

  CHECK_FALSE(NestedDeeperThan("[[[]]]", 3));
  CHECK(NestedDeeperThan("[[[[]]]]", 3));
  CHECK_FALSE(NestedDeeperThan(R"(["[[[[[["])", 3));
  CHECK(NestedDeeperThan("]]]]{{{{", 3));
}

TEST_CASE("a line over 16 MiB is refused without parsing", "[json_command]") {
  std::string huge = R"({"op":"reply","account":"a","content":")" +
                     std::string(kMaxCommandLineBytes, 'x') + "\"}";
  CHECK(Refusal(huge).rfind("line: longer than", 0) == 0);
}

}  // namespace
}  // namespace ticketlog::cli
