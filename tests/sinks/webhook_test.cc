// The webhook sink against a real HTTP receiver on 127.0.0.1.
#include "sinks/webhook.h"

#include <catch2/catch.hpp>

#include "support/http_receiver.h"
#include "support/nats_server.h"

namespace ticketlog::sinks {
namespace {

std::unique_ptr<Webhook> Hook(const std::string& url,
                              const std::string& secret = "") {
  WebhookOptions options;
  options.url = url;
  options.secret = secret;
  options.timeout_ms = 1000;
  auto hook = Webhook::Create(options);
  REQUIRE(hook.ok());
  return std::move(*hook);
}

TEST_CASE("a webhook posts the body with the event id and position headers") {
  testing::HttpReceiver receiver;
  auto hook = Hook(receiver.url());
  REQUIRE(hook->Post(R"({"position":7})", "e-7", 7).ok());
  auto requests = receiver.requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].body == R"({"position":7})");
  CHECK(requests[0].event_id == "e-7");
  CHECK(requests[0].position == "7");
  CHECK(requests[0].signature.empty());
}

TEST_CASE("a webhook with a secret signs the body with HMAC-SHA256") {
  testing::HttpReceiver receiver;
  auto hook = Hook(receiver.url(), "key");
  std::string body = "The quick brown fox jumps over the lazy dog";
  REQUIRE(hook->Post(body, "e-1", 1).ok());
  // RFC 4231-style known answer for HMAC-SHA256("key", body).
  CHECK(receiver.requests().at(0).signature ==
        "sha256="
        "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
  CHECK(SignatureHex("key", body) ==
        "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
}

TEST_CASE("a webhook answered with a non-2xx status is a failure naming it") {
  testing::HttpReceiver receiver;
  receiver.FailNext(1, 503);
  auto hook = Hook(receiver.url());
  Status failed = hook->Post("{}", "e-1", 1);
  CHECK(failed.code() == Code::kIoError);
  CHECK_THAT(failed.message(), Catch::Contains("HTTP 503"));
  CHECK(hook->Post("{}", "e-1", 1).ok());
}

TEST_CASE("a webhook whose receiver refuses the connection is a failure") {
  int port = testing::FreePort();
  auto hook = Hook("http://127.0.0.1:" + std::to_string(port) + "/hook");
  Status failed = hook->Post("{}", "e-1", 1);
  CHECK(failed.code() == Code::kIoError);
}

TEST_CASE("a webhook whose receiver is too slow times out") {
  testing::HttpReceiver receiver;
  receiver.SetDelay(1500);
  auto hook = Hook(receiver.url());  // 1 s timeout
  Status failed = hook->Post("{}", "e-1", 1);
  CHECK(failed.code() == Code::kIoError);
  CHECK_THAT(failed.message(),
             Catch::Contains("imeout") || Catch::Contains("timed out"));
}

TEST_CASE("a webhook URL that is not http is refused") {
  WebhookOptions options;
  options.url = "file:///etc/passwd";
  auto hook = Webhook::Create(options);
  REQUIRE_FALSE(hook.ok());
  CHECK(hook.status().code() == Code::kInvalidArgument);
}

}  // namespace
}  // namespace ticketlog::sinks
