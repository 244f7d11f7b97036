// The JSON Lines scripts the end-to-end tests feed to `ticketlog apply`:
// a directory, then the life of ticket kT1 (opened, linked, answered,
// paused, updated, finished, reopened by the customer, transferred,
// finished, closed) and a second ticket kT2, with refusals along the way.
#ifndef TICKETLOG_TESTS_CLI_TOOL_SCRIPT_H_
#define TICKETLOG_TESTS_CLI_TOOL_SCRIPT_H_

#include <cstdint>
#include <string>

namespace ticketlog::testing {

inline constexpr const char* kT1 = "6f1c0b2e-8d4a-4e7b-9a51-3c2d1e0f9a8b";
inline constexpr const char* kT2 = "0b9e6a57-3f0e-4a44-8d5f-2f6b8d1c7e10";

// "2024-01-01T<hh:mm>:00Z"
inline std::string At(const std::string& hh_mm) {
  return "2024-01-01T" + hh_mm + ":00Z";
}

// A command line: `fields` is the JSON object's inside, without braces;
// the line breaks that keep the scripts readable are turned into spaces.
inline std::string Line(const std::string& op, std::string fields,
                        const std::string& hh_mm) {
  for (char& c : fields) {
    if (c == '\n') c = ' ';
  }
  return R"({"op":")" + op + R"(","account":"acme",)" + fields + R"(,"at":")" +
         At(hh_mm) + "\"}\n";
}

inline std::string Ticket(const char* id) {
  return std::string(R"("ticket":")") + id + "\"";
}

// The directory and a ticket's first steps; every line is accepted.
inline std::string FirstScript() {
  return Line("define_department", R"("department":"support","name":"Support")",
              "08:00") +
         Line("define_department", R"("department":"billing","name":"Billing")",
              "08:00") +
         Line("register_operator",
              R"("operator":"ana","name":"Ana","departments":["support"])",
              "08:00") +
         Line("register_operator",
              R"("operator":"bruno","name":"Bruno","departments":["billing"])",
              "08:00") +
         Line("define_status",
              R"("status":"waiting_vendor","name":"Waiting for vendor")",
              "08:00") +
         Line("open_ticket",
              Ticket(kT1) +
                  R"(,"subject":"Printer on fire","department":"support",
              "customer":{"id":"c-1","email":"c1@example.com","name":"Cee"},"channel":"chat",
              "priority":"high","labels":["vip"],"custom_attributes":{"plan":"pro","seats":3},
              "message":"It is on fire.","command_id":"open-1")",
              "09:00") +
         Line("link_operator", Ticket(kT1) + R"(,"operator":"ana")", "09:05") +
         Line("reply",
              Ticket(kT1) + R"(,"author":"operator","content":"On it.")",
              "09:10") +
         Line("comment",
              Ticket(kT1) + R"(,"operator":"ana","comment":"Call facilities.")",
              "09:11") +
         Line("start_status", Ticket(kT1) + R"(,"status":"waiting_vendor")",
              "09:20") +
         Line("stop_status", Ticket(kT1), "10:20");
}

// The rest of the story, with refusals along the way.
inline std::string SecondScript(uint64_t version) {
  return Line("update",
              Ticket(kT1) +
                  R"(,"priority":"urgent","custom_attributes":{"seats":null},
              "expected_version":)" +
                  std::to_string(version),
              "10:21") +
         Line("update",
              Ticket(kT1) + R"(,"priority":"low","expected_version":1)",
              "10:22") +
         Line("finish",
              Ticket(kT1) +
                  R"(,"message":"Extinguished.","resolution":"solved")",
              "11:00") +
         Line(
             "reply",
             Ticket(kT1) + R"(,"author":"customer","content":"Burning again!")",
             "12:00") +
         Line("transfer",
              Ticket(kT1) + R"(,"department":"billing","operator":"bruno")",
              "12:05") +
         Line("finish",
              Ticket(kT1) +
                  R"(,"content":"Done for good.","resolution":"solved")",
              "13:00") +
         Line("close", Ticket(kT1), "14:00") +
         Line("reply",
              Ticket(kT1) + R"(,"author":"customer","content":"Hello?")",
              "15:00") +
         "this is not json\n" + "   \n" +
         Line("open_ticket",
              Ticket(kT1) +
                  R"(,"subject":"Printer on fire","department":"support",
              "customer":{"id":"c-1","email":"c1@example.com","name":"Cee"},"channel":"chat",
              "priority":"high","labels":["vip"],"custom_attributes":{"plan":"pro","seats":3},
              "message":"It is on fire.","command_id":"open-1")",
              "09:00") +
         Line(
             "open_ticket",
             Ticket(kT2) +
                 R"(,"subject":"Invoice twice","customer":{"email":"c1@example.com"},
              "channel":"email","status":"pending","message":{"content":"Charged twice","attachments":
              [{"name":"invoice.pdf","content_type":"application/pdf","size":2048}]})",
             "16:00") +
         Line("reply",
              Ticket(kT2) + R"(,"author":"operator","content":"Checking.")",
              "16:05") +
         R"({"op":"close","account":"other",)" + Ticket(kT1) + "}\n" +
         Line("link_operator", Ticket(kT2) + R"(,"operator":"zed")", "16:10");
}

}  // namespace ticketlog::testing

#endif  // TICKETLOG_TESTS_CLI_TOOL_SCRIPT_H_
