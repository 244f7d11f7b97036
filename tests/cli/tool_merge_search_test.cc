// End to end: SPEC section 8 through the tool. `apply` merges, the views and
// histories of both tickets tell it, `search` finds subjects and messages
// in Portuguese, Spanish and English in any case and accent, and rebuild
// and verify treat the index as a projection of the log.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "cli/tool_runner.h"

namespace ticketlog::testing {
namespace {

using nlohmann::json;

constexpr const char* kSource = "11111111-1111-4111-8111-111111111111";
constexpr const char* kTarget = "22222222-2222-4222-8222-222222222222";
constexpr const char* kSpanish = "33333333-3333-4333-8333-333333333333";
constexpr const char* kEnglish = "44444444-4444-4444-8444-444444444444";

std::string Cmd(const std::string& op, const std::string& account,
                const std::string& fields, const std::string& hh_mm) {
  return R"({"op":")" + op + R"(","account":")" + account + R"(",)" + fields +
         R"(,"at":"2024-01-01T)" + hh_mm + R"(:00Z"})" + "\n";
}

std::string OpenLine(const std::string& account, const std::string& ticket,
                     const std::string& subject, const std::string& content,
                     const std::string& hh_mm) {
  return Cmd("open_ticket", account,
             R"("ticket":")" + ticket + R"(","subject":")" + subject +
                 R"(","customer":{"email":"cliente@example.com"},)"
                 R"("message":{"content":")" +
                 content + R"("})",
             hh_mm);
}

std::string Seed() {
  return Cmd("register_operator", "acme", R"("operator":"ana","name":"Ana")",
             "08:00") +
         OpenLine("acme", kTarget, "Impressora não imprime",
                  "A impressora do financeiro parou", "09:00") +
         OpenLine("acme", kSource, "Impressão manchada",
                  "Está saindo tudo borrado, IMPRESSÃO ruim", "09:30") +
         Cmd("link_operator", "acme",
             std::string(R"("ticket":")") + kSource + R"(","operator":"ana")",
             "09:40") +
         Cmd("reply", "acme",
             std::string(R"("ticket":")") + kSource +
                 R"(","author":"operator","content":"Vamos trocar o toner")",
             "09:50") +
         OpenLine("acme", kSpanish, "La señal del módem falla",
                  "Sin conexión desde ayer", "10:00") +
         OpenLine("acme", kEnglish, "Printer on fire",
                  "Smoke coming out of the printer", "10:10") +
         OpenLine("globex", kEnglish, "Printer secret",
                  "Only globex sees this printer", "10:20");
}

std::string MergeLine(const std::string& ticket, const std::string& into,
                      const std::string& hh_mm,
                      const std::string& account = "acme") {
  return Cmd("merge", account,
             R"("ticket":")" + ticket + R"(","into":")" + into + "\"", hh_mm);
}

class SectionEight {
 public:
  SectionEight() {
    ToolRun seeded = tool_.Run({"apply"}, Seed());
    INFO(seeded.out);
    REQUIRE(seeded.status == 0);
  }

  json Query(const std::vector<std::string>& args) const {
    ToolRun run = tool_.Run(args);
    INFO(run.out + run.err);
    REQUIRE(run.status == 0);
    return run.Json();
  }

  // Numbers of the tickets a search finds, best first.
  std::vector<int> Found(std::vector<std::string> args,
                         const std::string& account = "acme") const {
    args.insert(args.begin(), {"search", "--account", account});
    json page = Query(args);
    std::vector<int> numbers;
    for (const auto& item : page["items"]) {
      numbers.push_back(item["number"].get<int>());
    }
    CHECK(page["total"].get<size_t>() >= numbers.size());
    return numbers;
  }

  ToolRunner tool_;
};

}  // namespace

TEST_CASE_METHOD(SectionEight, "merge: views, messages and history of both",
                 "[tool][merge]") {
  ToolRun merged = tool_.Run({"apply"}, MergeLine(kSource, kTarget, "11:00"));
  INFO(merged.out);
  REQUIRE(merged.status == 0);
  json result = merged.Lines().at(0);
  CHECK(result["ok"] == true);
  CHECK(result["ticket"] == kTarget);
  CHECK(result["number"] == 1);
  CHECK(result["version"] == 2);

  json source = Query({"show", "--account", "acme", kSource});
  CHECK(source["status"] == "closed");
  CHECK(source["resolution"] == "merged");
  CHECK(source["merged_into"] == kTarget);
  CHECK(source["merged_from"] == json::array());
  CHECK(source["closed_at"] == "2024-01-01T11:00:00Z");
  json target = Query({"show", "--account", "acme", kTarget});
  CHECK(target["status"] == "open");
  CHECK(target["merged_into"].is_null());
  CHECK(target["merged_from"] == json::array({kSource}));
  CHECK(target["message_count"] == 3);

  json messages = Query({"messages", "--account", "acme", kTarget});
  REQUIRE(messages["items"].size() == 3);
  CHECK(messages["items"][0]["merged_from"].is_null());
  CHECK(messages["items"][1]["content"] ==
        "Está saindo tudo borrado, IMPRESSÃO ruim");
  CHECK(messages["items"][1]["merged_from"] == kSource);
  CHECK(messages["items"][1]["merged_seq"] == 1);
  CHECK(messages["items"][2]["content"] == "Vamos trocar o toner");
  CHECK(messages["items"][2]["author_id"] == "ana");
  CHECK(messages["items"][2]["seq"] == 3);

  ToolRun source_history = tool_.Run({"history", "--account", "acme", kSource});
  REQUIRE(source_history.status == 0);
  std::vector<std::string> types;
  for (const json& e : source_history.Lines()) types.push_back(e["type"]);
  CHECK(types == std::vector<std::string>{"TicketOpened", "OperatorLinked",
                                          "MessageAdded", "TicketMergedInto",
                                          "TicketFinished", "TicketClosed"});
  json into = source_history.Lines()[3]["payload"];
  CHECK(into["into"] == kTarget);
  CHECK(into["into_number"] == 1);
  ToolRun target_history = tool_.Run({"history", "--account", "acme", kTarget});
  REQUIRE(target_history.status == 0);
  json from = target_history.Lines().back();
  CHECK(from["type"] == "TicketMergedFrom");
  CHECK(from["payload"]["from"] == kSource);
  CHECK(from["payload"]["messages"].size() == 2);

  // A customer reply to the merged source is refused; nothing is written.
  json head = Query({"head"});
  ToolRun reply = tool_.Run(
      {"apply"}, Cmd("reply", "acme",
                     std::string(R"("ticket":")") + kSource +
                         R"(","author":"customer","content":"e agora?")",
                     "11:05"));
  CHECK(reply.status == 1);
  CHECK(reply.Lines().at(0)["error"]["code"] == "ticket_closed");
  CHECK(Query({"head"}) == head);

  // Rebuild gives the same bytes back, and verify agrees.
  ToolRun verify = tool_.Run({"verify"});
  INFO(verify.out);
  CHECK(verify.status == 0);
  REQUIRE(tool_.Run({"rebuild"}).status == 0);
  CHECK(Query({"show", "--account", "acme", kTarget}) == target);
  CHECK(Query({"show", "--account", "acme", kSource}) == source);
  CHECK(Query({"messages", "--account", "acme", kTarget}) == messages);
  CHECK(tool_.Run({"verify"}).status == 0);
}

TEST_CASE_METHOD(SectionEight, "merge: every refusal writes nothing",
                 "[tool][merge]") {
  json head = Query({"head"});
  std::string script =
      MergeLine(kSource, kSource, "11:00") +
      MergeLine(kSource, "not-a-uuid", "11:00") +
      MergeLine(kSource, "99999999-9999-4999-8999-999999999999", "11:00") +
      MergeLine(kSource, kTarget, "09:00") +  // before its last event
      MergeLine(kEnglish, kTarget, "11:00", "globex") +  // other account
      Cmd("merge", "acme", std::string(R"("ticket":")") + kSource + "\"",
          "11:00") +
      Cmd("merge", "acme",
          std::string(R"("ticket":")") + kSource + R"(","into":")" + kTarget +
              R"(","expected_version":1)",
          "11:00");
  ToolRun refused = tool_.Run({"apply"}, script);
  CHECK(refused.status == 1);
  std::vector<std::string> codes;
  for (const json& line : refused.Lines()) {
    CHECK(line["ok"] == false);
    codes.push_back(line["error"]["code"]);
  }
  CHECK(codes == std::vector<std::string>{"invalid_argument",
                                          "invalid_argument", "not_found",
                                          "invalid_argument", "not_found",
                                          "invalid_argument", "conflict"});
  CHECK(refused.Lines()[0]["error"]["message"].get<std::string>().starts_with(
      "into:"));
  CHECK(Query({"head"}) == head);

  REQUIRE(tool_.Run({"apply"}, MergeLine(kSource, kTarget, "11:00")).status ==
          0);
  head = Query({"head"});
  ToolRun closed =
      tool_.Run({"apply"}, MergeLine(kTarget, kSource, "11:10") +
                               MergeLine(kSource, kSpanish, "11:10"));
  CHECK(closed.status == 1);
  for (const json& line : closed.Lines()) {
    CHECK(line["error"]["code"] == "ticket_closed");
  }
  CHECK(Query({"head"}) == head);
}

TEST_CASE_METHOD(SectionEight, "search: case, accents, prefixes and languages",
                 "[tool][search]") {
  CHECK(Found({"impressora"}) == std::vector<int>{1});
  CHECK(Found({"IMPRESSAO"}) == std::vector<int>{2});
  CHECK(Found({"impressão"}) == std::vector<int>{2});
  CHECK(Found({"impress*"}).size() == 2);
  CHECK(Found({"SENAL"}) == std::vector<int>{3});
  CHECK(Found({"conexion", "ayer"}) == std::vector<int>{3});
  CHECK(Found({"módem"}) == std::vector<int>{3});
  CHECK(Found({"printer"}) == std::vector<int>{4});
  CHECK(Found({"smoke", "printer"}) == std::vector<int>{4});
  CHECK(Found({"toner"}) == std::vector<int>{2});
  CHECK(Found({"nothing-like-this"}).empty());
  // Accounts are isolated; the other account finds its own ticket only.
  CHECK(Found({"secret"}).empty());
  CHECK(Found({"printer"}, "globex") == std::vector<int>{1});
  CHECK(Found({"printer"}, "initech").empty());
}

TEST_CASE_METHOD(SectionEight, "search: ranking, status filter and merges",
                 "[tool][search]") {
  // In the subject and twice in the messages beats once in a message.
  REQUIRE(
      tool_
          .Run({"apply"},
               Cmd("reply", "acme",
                   std::string(R"("ticket":")") + kSpanish +
                       R"(","author":"customer","content":"the printer too")",
                   "10:30"))
          .status == 0);
  CHECK(Found({"printer"}) == std::vector<int>{4, 3});

  REQUIRE(tool_.Run({"apply"}, MergeLine(kSource, kTarget, "11:00")).status ==
          0);
  // The source's words now also find the target, which holds its messages.
  std::vector<int> both = Found({"toner"});
  std::sort(both.begin(), both.end());
  CHECK(both == std::vector<int>{1, 2});
  CHECK(Found({"toner", "--status", "open"}) == std::vector<int>{1});
  CHECK(Found({"toner", "--status", "closed"}) == std::vector<int>{2});
  CHECK(Found({"toner", "--status", "pending,finished"}).empty());
  json page = Query({"search", "--account", "acme", "toner"});
  CHECK(page["total"] == 2);
  CHECK(page["page"] == 1);
  CHECK(page["items"][0]["relevance"].get<double>() > 0);
}

TEST_CASE("search: pages of 50 with the total", "[tool][search]") {
  ToolRunner tool;
  std::string script;
  for (int i = 0; i < 120; ++i) {
    char id[37];
    std::snprintf(id, sizeof id, "00000000-0000-4000-8000-%012d", i);
    script += OpenLine("acme", id, "Boleto " + std::to_string(i), "segunda via",
                       "09:00");
  }
  REQUIRE(tool.Run({"apply"}, script).status == 0);
  auto page = [&](const std::string& n) {
    ToolRun run =
        tool.Run({"search", "--account", "acme", "boleto", "--page", n});
    REQUIRE(run.status == 0);
    return run.Json();
  };
  CHECK(page("1")["items"].size() == 50);
  CHECK(page("1")["total"] == 120);
  CHECK(page("3")["items"].size() == 20);
  CHECK(page("4")["items"].empty());
  CHECK(page("4")["total"] == 120);
}

TEST_CASE("search: usage errors and an empty query", "[tool][search]") {
  ToolRunner tool;
  REQUIRE(tool.Run({"apply"}, OpenLine("acme", kSource, "x", "y", "09:00"))
              .status == 0);
  CHECK(tool.Run({"search", "boleto"}).status == 2);             // no --account
  CHECK(tool.Run({"search", "--account", "acme"}).status == 2);  // no query
  CHECK(tool.Run({"search", "--account", "acme", "x", "--status", "nope"})
            .status == 2);
  CHECK(tool.Run({"search", "--account", "acme", "x", "--page", "0"}).status ==
        2);
  ToolRun empty = tool.Run({"search", "--account", "acme", "..."});
  CHECK(empty.status == 1);
  CHECK(empty.Json()["error"]["code"] == "invalid_argument");
}

TEST_CASE_METHOD(SectionEight, "search: rebuild and verify the index",
                 "[tool][search]") {
  CHECK(tool_.Run({"verify"}).status == 0);
  // A stale index: the one of an earlier log position, put back.
  std::string index = tool_.db() + "/search";
  std::string saved = tool_.Sub("saved-index");
  std::filesystem::copy(index, saved);
  REQUIRE(tool_
              .Run({"apply"},
                   Cmd("reply", "acme",
                       std::string(R"("ticket":")") + kEnglish +
                           R"(","author":"customer","content":"extintor")",
                       "10:30"))
              .status == 0);
  std::filesystem::remove_all(index);
  std::filesystem::copy(saved, index);
  // Behind the log, as a writer that has not committed yet leaves it: verify
  // checks it caught up in memory, as a search sees it, and finds it right.
  ToolRun stale = tool_.Run({"verify"});
  INFO(stale.out);
  CHECK(stale.status == 0);
  // A reader catches up in memory: the search already sees the reply.
  CHECK(Found({"extintor"}) == std::vector<int>{4});

  // A tampered index: another store's, at the same position.
  ToolRunner other;
  std::string seed = Seed();
  auto at = seed.find("Smoke coming out of the printer");
  seed.replace(at, 5, "Steam");
  REQUIRE(other.Run({"apply"}, seed).status == 0);
  REQUIRE(other
              .Run({"apply"},
                   Cmd("reply", "acme",
                       std::string(R"("ticket":")") + kEnglish +
                           R"(","author":"customer","content":"extintor")",
                       "10:30"))
              .status == 0);
  std::filesystem::remove_all(index);
  std::filesystem::copy(other.db() + "/search", index);
  ToolRun tampered = tool_.Run({"verify"});
  CHECK(tampered.status == 1);
  json report = tampered.Json();
  REQUIRE(report["problems"].size() == 1);
  CHECK(report["problems"][0] == std::string("search index: document acme/") +
                                     kEnglish + " differs from a fresh build");
  CHECK(Found({"smoke"}).empty());  // the tampered index answers wrongly

  REQUIRE(tool_.Run({"rebuild"}).status == 0);
  CHECK(tool_.Run({"verify"}).status == 0);
  CHECK(Found({"smoke"}) == std::vector<int>{4});
}

}  // namespace ticketlog::testing
