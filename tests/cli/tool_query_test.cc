// End to end: the query subcommands (show, messages, list, chats, stats) on
// a store written by `apply`, and their exit statuses.
#include <catch2/catch.hpp>
#include <string>

#include "cli/tool_runner.h"
#include "cli/tool_script.h"

namespace ticketlog::testing {
namespace {

using nlohmann::json;

// A store holding both scripts: kT1 closed in billing with bruno, kT2
// pending and unassigned, for the same contact.
class QueryFixture {
 public:
  QueryFixture() {
    ToolRun first = tool_.Run({"apply"}, FirstScript());
    REQUIRE(first.status == 0);
    uint64_t version = first.Lines().back()["version"].get<uint64_t>();
    REQUIRE(tool_.Run({"apply"}, SecondScript(version)).status == 1);
  }
  const ToolRunner& tool() const { return tool_; }

  // Runs a query that must succeed and returns its JSON.
  json Query(const std::vector<std::string>& args) const {
    ToolRun run = tool_.Run(args);
    INFO(run.out + run.err);
    REQUIRE(run.status == 0);
    return run.Json();
  }

  // Ticket numbers of a list page, in order.
  std::vector<int> Numbers(std::vector<std::string> args) const {
    args.insert(args.begin(), {"list", "--account", "acme"});
    std::vector<int> numbers;
    json page = Query(args);
    for (const auto& item : page["items"]) {
      numbers.push_back(item["number"].get<int>());
    }
    return numbers;
  }

 private:
  ToolRunner tool_;
};

TEST_CASE_METHOD(QueryFixture, "show", "[tool][query]") {
  json t1 = Query({"show", "--account", "acme", kT1});
  CHECK(t1["ticket"] == kT1);
  CHECK(t1["number"] == 1);
  CHECK(t1["account"] == "acme");
  CHECK(t1["status"] == "closed");
  CHECK(t1["custom_status"].is_null());
  CHECK(t1["department"] == "billing");
  CHECK(t1["operator"] == "bruno");
  CHECK(t1["customer"]["id"] == "c-1");
  CHECK(t1["customer"]["email"] == "c1@example.com");
  CHECK(t1["customer"]["name"] == "Cee");
  CHECK(t1["customer"]["phone"].is_null());
  CHECK(t1["channel"] == "chat");
  CHECK(t1["priority"] == "urgent");
  CHECK(t1["labels"] == json::array({"vip"}));
  CHECK(t1["custom_attributes"] == json{{"plan", "pro"}});
  CHECK(t1["created_at"] == "2024-01-01T09:00:00Z");
  CHECK(t1["updated_at"] == "2024-01-01T14:00:00Z");
  CHECK(t1["first_response_at"] == "2024-01-01T09:10:00Z");
  CHECK(t1["finished_at"] == "2024-01-01T13:00:00Z");
  CHECK(t1["closed_at"] == "2024-01-01T14:00:00Z");
  CHECK(t1["reopen_count"] == 1);
  CHECK(t1["transfer_count"] == 1);
  CHECK(t1["paused_seconds"] == 3600.0);
  CHECK(t1["resolution"] == "solved");

  json t2 = Query({"show", "--account", "acme", kT2});
  CHECK(t2["status"] == "pending");
  CHECK(t2["custom_status"] == "pending");
  CHECK(t2["operator"].is_null());
  CHECK(t2["customer"]["contact"] == t1["customer"]["contact"]);
  CHECK(t2["awaiting"] == "operator");
}

TEST_CASE_METHOD(QueryFixture, "time travel", "[tool][query]") {
  json v1 = Query({"show", "--account", "acme", kT1, "--at-version", "1"});
  CHECK(v1["version"] == 1);
  CHECK(v1["status"] == "open");
  CHECK(v1["operator"].is_null());
  json paused = Query(
      {"show", "--account", "acme", kT1, "--as-of", "2024-01-01T09:30:00Z"});
  CHECK(paused["status"] == "pending");
  CHECK(paused["custom_status"] == "waiting_vendor");
  CHECK(paused["operator"] == "ana");

  ToolRun before =
      tool().Run({"show", "--account", "acme", kT1, "--as-of", "2023-12-31"});
  CHECK(before.status == 1);
  CHECK(before.Json()["error"]["code"] == "not_found");
  CHECK(tool()
            .Run({"show", "--account", "acme", kT1, "--at-version", "999"})
            .status == 1);
  CHECK(tool()
            .Run({"show", "--account", "acme", kT1, "--at-version", "0"})
            .status == 2);
  CHECK(tool()
            .Run({"show", "--account", "acme", kT1, "--as-of", "later"})
            .status == 2);
  CHECK(tool()
            .Run({"show", "--account", "acme", kT1, "--at-version", "1",
                  "--as-of", "2024-01-01"})
            .status == 2);
}

TEST_CASE_METHOD(QueryFixture, "not found and other accounts",
                 "[tool][query]") {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"show", "--account", "other", kT1},
           {"show", "--account", "acme",
            "11111111-2222-4333-8444-555555555555"},
           {"messages", "--account", "other", kT1},
           {"history", "--account", "other", kT1}}) {
    ToolRun run = tool().Run(args);
    INFO(args[0] + " " + run.out + run.err);
    CHECK(run.status == 1);
    json error = run.Json();
    CHECK(error["ok"] == false);
    CHECK(error["error"]["code"] == "not_found");
  }
}

TEST_CASE_METHOD(QueryFixture, "messages", "[tool][query]") {
  json t1 = Query({"show", "--account", "acme", kT1});
  json page = Query({"messages", "--account", "acme", kT1});
  CHECK(page["page"] == 1);
  CHECK(page["total"] == t1["message_count"]);
  REQUIRE(page["items"].size() == t1["message_count"].get<size_t>());
  CHECK(page["items"][0]["seq"] == 1);
  CHECK(page["items"][0]["kind"] == "incoming");
  CHECK(page["items"][0]["content"] == "It is on fire.");
  CHECK(page["items"][1]["kind"] == "outgoing");
  CHECK(page["items"][1]["author_id"] == "ana");
  CHECK(page["items"][2]["kind"] == "note");
  json t2 = Query({"messages", "--account", "acme", kT2});
  CHECK(t2["items"][0]["attachments"][0]["name"] == "invoice.pdf");
  CHECK(t2["items"][0]["attachments"][0]["size"] == 2048);
  json past = Query({"messages", "--account", "acme", kT1, "--page", "2"});
  CHECK(past["items"].empty());
  CHECK(past["page"] == 2);
}

TEST_CASE_METHOD(QueryFixture, "list filters, sorting and paging",
                 "[tool][query]") {
  json all = Query({"list", "--account", "acme"});
  CHECK(all["total"] == 2);
  CHECK(all["page"] == 1);
  CHECK(all["next_cursor"].is_null());
  CHECK(Numbers({}) == std::vector<int>{2, 1});  // newest update first
  CHECK(Numbers({"--sort", "created", "--order", "asc"}) ==
        std::vector<int>{1, 2});
  CHECK(Numbers({"--status", "open,pending"}) == std::vector<int>{2});
  CHECK(Numbers({"--status", "closed"}) == std::vector<int>{1});
  CHECK(Numbers({"--department", "billing"}) == std::vector<int>{1});
  CHECK(Numbers({"--operator", "bruno"}) == std::vector<int>{1});
  CHECK(Numbers({"--unassigned"}) == std::vector<int>{2});
  CHECK(Numbers({"--customer", "c-1"}) == std::vector<int>{2, 1});
  CHECK(Numbers({"--customer", "c1@example.com"}) == std::vector<int>{2, 1});
  CHECK(Numbers({"--channel", "chat"}) == std::vector<int>{1});
  CHECK(Numbers({"--priority", "urgent"}) == std::vector<int>{1});
  CHECK(Numbers({"--label", "vip"}) == std::vector<int>{1});
  // kT1's last public message is bruno's finishing one.
  CHECK(Numbers({"--awaiting", "operator"}) == std::vector<int>{2});
  CHECK(Numbers({"--awaiting", "customer"}) == std::vector<int>{1});
  CHECK(Numbers({"--created-from", "2024-01-01T15:00:00Z"}) ==
        std::vector<int>{2});
  CHECK(Numbers({"--updated-to", "2024-01-01T15:00:00Z"}) ==
        std::vector<int>{1});
  json past = Query({"list", "--account", "acme", "--page", "2"});
  CHECK(past["items"].empty());
  CHECK(past["total"] == 2);
  CHECK(Query({"list", "--account", "nobody"})["total"] == 0);

  ToolRun cursor =
      tool().Run({"list", "--account", "acme", "--cursor", "bogus"});
  CHECK(cursor.status == 1);
  CHECK(cursor.Json()["error"]["code"] == "invalid_argument");
}

TEST_CASE_METHOD(QueryFixture, "chats and stats", "[tool][query]") {
  json chats = Query({"chats", "--account", "acme"});
  CHECK(chats["total"] == 1);
  CHECK(chats["items"][0]["channel"] == "chat");
  CHECK(
      tool().Run({"chats", "--account", "acme", "--channel", "email"}).status ==
      2);

  json stats = Query({"stats", "--account", "acme"});
  CHECK(stats["account"] == "acme");
  CHECK(stats["tickets"] == 2);
  CHECK(stats["by_status"] ==
        json{{"open", 0}, {"pending", 1}, {"finished", 0}, {"closed", 1}});
  CHECK(stats["by_department"]["billing"] == 1);
  CHECK(stats["median_first_response_seconds"] == 600.0);
}

TEST_CASE_METHOD(QueryFixture, "query usage errors exit 2", "[tool][query]") {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"show", kT1},
           {"show", "--account", "acme"},
           {"show", "--account", "acme", kT1, kT2},
           {"messages", "--account", "acme", kT1, "--page", "0"},
           {"list"},
           {"list", "--account", "acme", "--status", "open,bogus"},
           {"list", "--account", "acme", "--status", ""},
           {"list", "--account", "acme", "--page", "x"},
           {"list", "--account", "acme", "--page", "1", "--cursor", "c"},
           {"list", "--account", "acme", "--operator", "ana", "--unassigned"},
           {"list", "--account", "acme", "--channel", "fax"},
           {"list", "--account", "acme", "--priority", "meh"},
           {"list", "--account", "acme", "--awaiting", "nobody"},
           {"list", "--account", "acme", "--sort", "random"},
           {"list", "--account", "acme", "--order", "up"},
           {"list", "--account", "acme", "--created-from", "monday"},
           {"stats"},
           {"stats", "--account", "acme", "extra"}}) {
    ToolRun run = tool().Run(args);
    INFO(args[0] + " " + args.back());
    CHECK(run.status == 2);
    CHECK(run.out.empty());
    CHECK(run.err.rfind("ticketlog: ", 0) == 0);
    CHECK(run.err.find('\n') == run.err.size() - 1);  // one line
  }
}

}  // namespace
}  // namespace ticketlog::testing
