// End to end: SLA policies through the tool (SPEC section 7) with exact
// values: define_sla_policy and its refusals, the sla object of views now
// and as of a time or version, list --sla, report, and rebuild + verify.
#include <catch2/catch.hpp>
#include <string>

#include "cli/tool_runner.h"
#include "cli/tool_script.h"

namespace ticketlog::testing {
namespace {

using nlohmann::json;

inline constexpr const char* kT3 = "3c3c3c3c-3c3c-4c3c-8c3c-3c3c3c3c3c3c";

std::string Directory() {
  return Line("define_department", R"("department":"support","name":"Support")",
              "08:00") +
         Line("define_department", R"("department":"billing","name":"Billing")",
              "08:00") +
         Line("register_operator",
              R"("operator":"ana","name":"Ana","departments":["support"])",
              "08:00") +
         Line("define_status",
              R"("status":"waiting_vendor","name":"Waiting for vendor")",
              "08:00") +
         Line(
             "define_sla_policy",
             R"("policy":"vip","name":"VIP support","priorities":["urgent","high"],
              "department":"support","first_response_seconds":600,
              "resolution_seconds":7200)",
             "08:00") +
         Line("define_sla_policy",
              R"("policy":"standard","name":"Standard",
              "first_response_seconds":3600,"resolution_seconds":28800)",
              "08:00");
}

// kT1: vip, answered in time, paused an hour, finished in time.
// kT2: standard until its transfer to support makes it vip (an urgent
// ticket there), never answered. kT3: standard, never answered.
std::string Tickets() {
  return Line("open_ticket",
              Ticket(kT1) + R"(,"subject":"Printer","department":"support",
              "priority":"high","customer":{"id":"c-1"},"message":"Help")",
              "09:00") +
         Line("link_operator", Ticket(kT1) + R"(,"operator":"ana")", "09:01") +
         Line("reply",
              Ticket(kT1) + R"(,"author":"operator","content":"On it")",
              "09:05") +
         Line("start_status", Ticket(kT1) + R"(,"status":"waiting_vendor")",
              "09:30") +
         Line("stop_status", Ticket(kT1), "10:30") +
         Line("finish", Ticket(kT1) + R"(,"content":"Fixed")", "11:30") +
         Line("open_ticket",
              Ticket(kT2) + R"(,"subject":"Invoice","department":"billing",
              "customer":{"id":"c-2"},"message":"Twice")",
              "09:00") +
         Line("update", Ticket(kT2) + R"(,"priority":"urgent")", "09:20") +
         Line("transfer", Ticket(kT2) + R"(,"department":"support")", "09:40") +
         Line("open_ticket",
              Ticket(kT3) + R"(,"subject":"Question","department":"billing",
              "priority":"low","customer":{"id":"c-3"},"message":"Hi")",
              "10:00");
}

class SlaFixture {
 public:
  SlaFixture() {
    ToolRun run = tool_.Run({"apply"}, Directory() + Tickets());
    INFO(run.out + run.err);
    REQUIRE(run.status == 0);
  }

  json Query(const std::vector<std::string>& args) const {
    ToolRun run = tool_.Run(args);
    INFO(run.out + run.err);
    REQUIRE(run.status == 0);
    return run.Json();
  }

  json Sla(const char* ticket, const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"show", "--account", "acme", ticket};
    args.insert(args.end(), extra.begin(), extra.end());
    return Query(args)["sla"];
  }

  std::vector<int> Numbers(const std::string& sla, const std::string& now) {
    json page =
        Query({"list", "--account", "acme", "--sla", sla, "--now", At(now)});
    std::vector<int> numbers;
    for (const auto& item : page["items"]) {
      numbers.push_back(item["number"].get<int>());
    }
    CHECK(page["total"] == numbers.size());
    return numbers;
  }

  ToolRunner tool_;
};

json SlaObject(const char* policy, const std::string& first_due,
               const std::string& resolution_due, bool first_breached,
               bool resolution_breached) {
  return json{{"policy", policy},
              {"first_response_due_at", At(first_due)},
              {"resolution_due_at", At(resolution_due)},
              {"first_response_breached", first_breached},
              {"resolution_breached", resolution_breached}};
}

TEST_CASE_METHOD(SlaFixture,
                 "bad policies are refused, naming the field, "
                 "and nothing is written",
                 "[tool][sla]") {
  json head = Query({"head"});
  struct Case {
    std::string fields, code, field;
  };
  for (
      const Case& c : {
          Case{R"("policy":"p","first_response_seconds":0)", "invalid_argument",
               "first_response_seconds"},
          Case{R"("policy":"p","resolution_seconds":-60)", "invalid_argument",
               "resolution_seconds"},
          Case{R"("policy":"p","department":"sales","resolution_seconds":60)",
               "unknown_department", "department"},
          Case{R"("policy":"p","priorities":["critical"])", "invalid_argument",
               "priorities"},
          Case{
              R"("policy":"vip","name":"VIP support","priorities":["urgent","high"],
              "department":"support","first_response_seconds":600,
              "resolution_seconds":3600)",
              "already_exists", "policy"},
      }) {
    ToolRun run =
        tool_.Run({"apply"}, Line("define_sla_policy", c.fields, "12:00"));
    INFO(run.out);
    CHECK(run.status == 1);
    json error = run.Json()["error"];
    CHECK(error["code"] == c.code);
    CHECK(error["message"].get<std::string>().starts_with(c.field + ":"));
  }
  CHECK(Query({"head"}) == head);
  // The same definition again changes nothing.
  ToolRun same =
      tool_.Run({"apply"}, Line("define_sla_policy",
                                R"("policy":"standard","name":"Standard",
              "first_response_seconds":3600,"resolution_seconds":28800)",
                                "12:00"));
  CHECK(same.Json()["events_appended"] == 0);
}

TEST_CASE_METHOD(SlaFixture,
                 "the sla of a view: paused time shifts the "
                 "resolution due time",
                 "[tool][sla]") {
  CHECK(Sla(kT1) == SlaObject("vip", "09:10", "12:00", false, false));
  // While paused, the due time moves with the clock that stands still.
  CHECK(Sla(kT1, {"--as-of", At("10:00")}) ==
        SlaObject("vip", "09:10", "11:30", false, false));
  json t3 = Sla(kT3, {"--as-of", At("10:59")});
  CHECK(t3 == SlaObject("standard", "11:00", "18:00", false, false));
  CHECK(Sla(kT3, {"--as-of", At("11:01")})["first_response_breached"] == true);
}

TEST_CASE_METHOD(SlaFixture,
                 "time travel shows the policy of the time, "
                 "re-evaluated on priority and department changes",
                 "[tool][sla]") {
  // Urgent in billing still falls under standard; in support, under vip.
  CHECK(Sla(kT2, {"--as-of", At("09:39")}) ==
        SlaObject("standard", "10:00", "17:00", false, false));
  CHECK(Sla(kT2, {"--at-version", "2"}) ==
        SlaObject("standard", "10:00", "17:00", false, false));
  CHECK(Sla(kT2, {"--as-of", At("09:41")}) ==
        SlaObject("vip", "09:10", "11:00", true, false));
  CHECK(Sla(kT2, {"--as-of", At("11:01")}) ==
        SlaObject("vip", "09:10", "11:00", true, true));
  json history = tool_.Run({"history", "--account", "acme", kT2}).Lines()[2];
  CHECK(history["payload"]["sla"] == json{{"policy", "vip"},
                                          {"first_response_seconds", 600},
                                          {"resolution_seconds", 7200}});
}

TEST_CASE_METHOD(SlaFixture, "list --sla breached and at_risk at a time",
                 "[tool][sla]") {
  CHECK(Numbers("breached", "10:30") == std::vector<int>{2});
  CHECK(Numbers("at_risk", "10:30") == std::vector<int>{3});
  CHECK(Numbers("breached", "12:00") == std::vector<int>{3, 2});
  CHECK(Numbers("at_risk", "12:00").empty());
  json page = Query({"list", "--account", "acme", "--sla", "breached", "--now",
                     At("12:00"), "--department", "support"});
  CHECK(page["total"] == 1);
  CHECK(page["items"][0]["sla"]["first_response_breached"] == true);
  ToolRun bad = tool_.Run({"list", "--account", "acme", "--sla", "late"});
  CHECK(bad.status == 2);
}

TEST_CASE_METHOD(SlaFixture, "report by policy and department over a window",
                 "[tool][sla]") {
  json report = Query(
      {"report", "--account", "acme", "--by", "policy", "--now", At("12:00")});
  CHECK(report["by"] == "policy");
  CHECK(report["now"] == At("12:00"));
  json expected = json::parse(R"([
    {"policy":"standard","tickets":1,"finished":0,"reopened":0,
     "median_first_response_seconds":null,"median_resolution_seconds":null,
     "p90_resolution_seconds":null,"first_response_breached":1,
     "resolution_breached":0,"breach_rate":1.0,"with_policy":1},
    {"policy":"vip","tickets":2,"finished":1,"reopened":0,
     "median_first_response_seconds":300.0,"median_resolution_seconds":5400.0,
     "p90_resolution_seconds":5400.0,"first_response_breached":1,
     "resolution_breached":1,"breach_rate":0.5,"with_policy":2}])");
  CHECK(report["groups"] == expected);
  CHECK(report["total"]["tickets"] == 3);
  CHECK(report["total"]["breach_rate"] == Approx(2.0 / 3.0));

  json window = Query({"report", "--account", "acme", "--from", At("09:30"),
                       "--to", At("11:00"), "--now", At("12:00")});
  CHECK(window["by"] == "department");
  REQUIRE(window["groups"].size() == 1);
  CHECK(window["groups"][0]["department"] == "billing");
  CHECK(window["groups"][0]["tickets"] == 1);

  json by_department = Query({"report", "--account", "acme"});
  REQUIRE(by_department["groups"].size() == 2);
  CHECK(by_department["groups"][1]["department"] == "support");
  CHECK(by_department["groups"][1]["tickets"] == 2);

  CHECK(tool_.Run({"report", "--account", "acme", "--by", "moon"}).status == 2);
  CHECK(tool_.Run({"report"}).status == 2);
  CHECK(Query({"stats", "--account", "acme"})["tickets"] == 3);
}

TEST_CASE_METHOD(SlaFixture,
                 "rebuild reproduces every SLA field and verify "
                 "checks them",
                 "[tool][sla]") {
  std::vector<std::string> breached = {
      "list", "--account", "acme", "--sla", "breached", "--now", At("12:00")};
  json before = Query(breached);
  json t2 = Query({"show", "--account", "acme", kT2});
  REQUIRE(tool_.Run({"rebuild"}).status == 0);
  CHECK(Query(breached) == before);
  CHECK(Query({"show", "--account", "acme", kT2})["sla"] == t2["sla"]);
  json verify = Query({"verify"});
  CHECK(verify["ok"] == true);
  CHECK(verify["problems"].empty());
}

}  // namespace
}  // namespace ticketlog::testing
