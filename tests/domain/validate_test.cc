#include "domain/validate.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "domain/decide.h"
#include "ticketlog/status.h"

using namespace ticketlog;
using namespace ticketlog::domain;

namespace {

const std::string kEAcute = "\xc3\xa9";  // U+00E9, two bytes
const std::string kInvalidUtf8 = "bad \xc3";

std::string Repeat(const std::string& unit, size_t times) {
  std::string out;
  for (size_t i = 0; i < times; ++i) out += unit;
  return out;
}

Attachment File(std::string name, uint64_t size_bytes) {
  return Attachment{.name = std::move(name),
                    .content_type = "application/pdf",
                    .size_bytes = size_bytes,
                    .sha256 = ""};
}

}  // namespace

TEST_CASE("text checks enforce required, byte limit and UTF-8", "[domain]") {
  CHECK(CheckText("name", "", 10, false).ok());
  CHECK(CheckText("name", "", 10, true).ToString() ==
        "invalid_argument: name: must not be empty");
  CHECK(CheckText("name", Repeat("x", 10), 10, true).ok());
  CHECK(CheckText("name", Repeat("x", 11), 10, true).ToString() ==
        "invalid_argument: name: must be at most 10 bytes");
  CHECK(CheckText("name", kInvalidUtf8, 10, true).ToString() ==
        "invalid_argument: name: must be valid UTF-8");
}

TEST_CASE("ids are at most 250 bytes", "[domain]") {
  CHECK(CheckId("department", Repeat("d", 250), true).ok());
  CHECK(CheckId("department", Repeat("d", 251), true).ToString() ==
        "invalid_argument: department: must be at most 250 bytes");
}

TEST_CASE("accounts are 1-64 of [A-Za-z0-9_.-]", "[domain]") {
  CHECK(CheckAccount("Acme_Corp.eu-1").ok());
  CHECK(CheckAccount(Repeat("a", 64)).ok());
  const char* kBad[] = {"", "acme corp", "acme/1", "a\xc3\xa9"};
  for (const char* bad : kBad) {
    INFO(bad);
    CHECK(CheckAccount(bad).ToString() ==
          "invalid_argument: account: must be 1-64 of [A-Za-z0-9_.-]");
  }
  CHECK(CheckAccount(Repeat("a", 65)).code() == Code::kInvalidArgument);
}

TEST_CASE("subjects are 1-250 characters, counted in code points", "[domain]") {
  CHECK(CheckSubject(Repeat(kEAcute, 250)).ok());  // 500 bytes
  CHECK(CheckSubject(Repeat(kEAcute, 251)).ToString() ==
        "invalid_argument: subject: must be at most 250 characters");
  CHECK(CheckSubject(Repeat("x", 5000)).ToString() ==
        "invalid_argument: subject: must be at most 250 characters");
  CHECK(CheckSubject("").ToString() ==
        "invalid_argument: subject: must not be empty");
  CHECK(CheckSubject(kInvalidUtf8).ToString() ==
        "invalid_argument: subject: must be valid UTF-8");
}

TEST_CASE("content is 1 byte to 64 KiB", "[domain]") {
  CHECK(CheckContent("content", "x").ok());
  CHECK(CheckContent("content", Repeat("x", 65536)).ok());
  CHECK(CheckContent("content", Repeat("x", 65537)).ToString() ==
        "invalid_argument: content: must be at most 65536 bytes");
  CHECK(CheckContent("message.content", "").ToString() ==
        "invalid_argument: message.content: must not be empty");
}

TEST_CASE("labels: at most 32 once normalised, each a non-blank UTF-8 id",
          "[domain]") {
  std::vector<std::string> labels;
  for (int i = 0; i < 32; ++i) labels.push_back("l" + std::to_string(i));
  CHECK(CheckLabels("labels", labels).ok());
  // The same label in another case or with spaces is not another label.
  labels.push_back(" L7 ");
  CHECK(CheckLabels("labels", labels).ok());
  labels.push_back("one-too-many");
  CHECK(CheckLabels("labels", labels).ToString() ==
        "invalid_argument: labels: must be at most 32 labels");
  CHECK(CheckLabels("labels", {"a", "b", "c", ""}).ToString() ==
        "invalid_argument: labels[3]: must not be empty");
  CHECK(CheckLabels("add_labels", {"a", "  "}).ToString() ==
        "invalid_argument: add_labels[1]: must not be blank");
  CHECK(CheckLabels("labels", {"a", kInvalidUtf8}).ToString() ==
        "invalid_argument: labels[1]: must be valid UTF-8");
  CHECK(CheckLabels("labels", {"a", Repeat("l", 251)}).ToString() ==
        "invalid_argument: labels[1]: must be at most 250 bytes");
}

TEST_CASE("custom attributes: at most 64, keys 1-64, values 1024 bytes",
          "[domain]") {
  Attributes attributes;
  for (int i = 0; i < 64; ++i) attributes["k" + std::to_string(i)] = true;
  CHECK(CheckAttributes(attributes).ok());
  attributes["one-too-many"] = 1.0;
  CHECK(CheckAttributes(attributes).ToString() ==
        "invalid_argument: custom_attributes: must be at most 64 attributes");

  CHECK(CheckAttributes({{Repeat("k", 64), 1.5}}).ok());
  CHECK(CheckAttributes({{Repeat("k", 65), 1.5}}).ToString() ==
        "invalid_argument: custom_attributes: a key must be at most 64 bytes");
  CHECK(CheckAttributes({{"", 1.5}}).ToString() ==
        "invalid_argument: custom_attributes: a key must not be empty");
  CHECK(CheckAttributes({{kInvalidUtf8, 1.5}}).ToString() ==
        "invalid_argument: custom_attributes: a key must be valid UTF-8");

  CHECK(CheckAttributes({{"color", Repeat("r", 1024)}}).ok());
  CHECK(CheckAttributes({{"color", Repeat("r", 1025)}}).ToString() ==
        "invalid_argument: custom_attributes.color: must be at most 1024 "
        "bytes");
  CHECK(CheckAttributes({{"color", kInvalidUtf8}}).ToString() ==
        "invalid_argument: custom_attributes.color: must be valid UTF-8");
  CHECK(CheckAttributes({{"score", std::nan("")}}).ToString() ==
        "invalid_argument: custom_attributes.score: must be a finite number");
  CHECK(CheckAttributes({{"score", std::numeric_limits<double>::infinity()}})
            .code() == Code::kInvalidArgument);
  CHECK(CheckAttributes({{"vip", false}, {"empty", std::string()}}).ok());
}

TEST_CASE("attachments: at most 15 per message and 25 MiB per command",
          "[domain]") {
  std::vector<Attachment> files(15, File("a.pdf", 1024));
  CHECK(CheckAttachments("attachments", files).ok());
  files.push_back(File("p.pdf", 1));
  CHECK(CheckAttachments("attachments", files).ToString() ==
        "too_large: attachments: must be at most 15 attachments");

  std::vector<Attachment> big = {File("a.bin", 26214400 - 10),
                                 File("b.bin", 10)};
  CHECK(CheckAttachments("attachments", big).ok());
  big[1].size_bytes = 11;
  CHECK(CheckAttachments("message.attachments", big).ToString() ==
        "too_large: message.attachments: must be at most 26214400 bytes in "
        "total (25 MiB)");

  // Sizes that would wrap a 64-bit sum are still refused.
  uint64_t max = std::numeric_limits<uint64_t>::max();
  CHECK(
      CheckAttachments("attachments", {File("a", 1), File("b", max)}).code() ==
      Code::kTooLarge);
}

TEST_CASE("attachment metadata is checked field by field", "[domain]") {
  std::vector<Attachment> files = {File("a.pdf", 1), File("b.pdf", 1),
                                   File("", 1)};
  CHECK(CheckAttachments("attachments", files).ToString() ==
        "invalid_argument: attachments[2].name: must not be empty");
  files[2].name = "c.pdf";
  files[1].content_type = Repeat("t", 251);
  CHECK(CheckAttachments("attachments", files).ToString() ==
        "invalid_argument: attachments[1].content_type: must be at most 250 "
        "bytes");
  files[1].content_type = "";
  files[0].sha256 = Repeat("Ab", 32);
  CHECK(CheckAttachments("attachments", files).ok());
  files[0].sha256 = Repeat("ab", 31);
  CHECK(CheckAttachments("attachments", files).ToString() ==
        "invalid_argument: attachments[0].sha256: must be 64 hex digits");
  files[0].sha256 = Repeat("zz", 32);
  CHECK(CheckAttachments("attachments", files).ToString() ==
        "invalid_argument: attachments[0].sha256: must be 64 hex digits");
}

TEST_CASE("a command may not go back before its stream's last event",
          "[domain]") {
  CHECK(CheckNotBefore(1000, 1000).ok());
  CHECK(CheckNotBefore(2000, 1000).ok());
  CHECK(CheckNotBefore(1709296200LL * 1000000, 1709296201LL * 1000000)
            .ToString() ==
        "invalid_argument: at: 2024-03-01T12:30:00Z is earlier than the "
        "ticket's last event, at 2024-03-01T12:30:01Z");
}

TEST_CASE("enums cast from out-of-range integers are not known", "[domain]") {
  CHECK(IsKnown(Channel::kAgent));
  CHECK_FALSE(IsKnown(static_cast<Channel>(7)));
  CHECK(IsKnown(Priority::kUrgent));
  CHECK_FALSE(IsKnown(static_cast<Priority>(4)));
  CHECK(IsKnown(MessageKind::kNote));
  CHECK_FALSE(IsKnown(static_cast<MessageKind>(4)));
  CHECK(IsKnown(ActorKind::kCustomer));
  CHECK_FALSE(IsKnown(static_cast<ActorKind>(3)));
}

TEST_CASE("the envelope checks account and command id", "[domain]") {
  Command command{.account = "acme", .body = Close{}};
  CHECK(ValidateEnvelope(command).ok());
  command.command_id = Repeat("c", 251);
  CHECK(ValidateEnvelope(command).ToString() ==
        "invalid_argument: command_id: must be at most 250 bytes");
  command.command_id = kInvalidUtf8;
  CHECK(ValidateEnvelope(command).ToString() ==
        "invalid_argument: command_id: must be valid UTF-8");
  command.account = "";
  CHECK(ValidateEnvelope(command).ToString() ==
        "invalid_argument: account: must be 1-64 of [A-Za-z0-9_.-]");
}

TEST_CASE("UUIDs are canonicalised or refused naming the field", "[domain]") {
  auto uuid = CanonicalUuid("{6BA7B810-9DAD-11D1-80B4-00C04FD430C8}", "ticket");
  REQUIRE(uuid.ok());
  CHECK(*uuid == "6ba7b810-9dad-11d1-80b4-00c04fd430c8");
  CHECK(CanonicalUuid("ticket-1", "ticket").status().ToString() ==
        "invalid_argument: ticket: must be a UUID");
}

TEST_CASE("a customer reference needs an id, email or phone", "[domain]") {
  CHECK(ValidateCustomerRef(Customer{.email = "maria@example.com"}).ok());
  CHECK(ValidateCustomerRef(Customer{.phone = "+5511999990000"}).ok());
  CHECK(ValidateCustomerRef(Customer{.name = "Maria"}).ToString() ==
        "invalid_argument: customer: needs at least one of id, email, phone");
  CHECK(ValidateCustomerRef(Customer{.id = "c1", .email = Repeat("e", 251)})
            .ToString() ==
        "invalid_argument: customer.email: must be at most 250 bytes");
  CHECK(ValidateCustomerRef(Customer{.id = kInvalidUtf8}).ToString() ==
        "invalid_argument: customer.id: must be valid UTF-8");
  CHECK(ValidateCustomerRef(Customer{.id = "c1", .name = kInvalidUtf8})
            .ToString() ==
        "invalid_argument: customer.name: must be valid UTF-8");
  CHECK(ValidateCustomerRef(Customer{.phone = Repeat("9", 251)}).ToString() ==
        "invalid_argument: customer.phone: must be at most 250 bytes");
}
