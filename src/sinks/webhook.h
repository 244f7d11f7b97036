// Webhook: the change feed's HTTP sink. It POSTs one event at a time (the
// `dump` JSON shape, rendered by the caller) with the headers of SPEC
// section 6: X-Ticketlog-Event-Id, X-Ticketlog-Position and, with a secret,
// X-Ticketlog-Signature: sha256=<hex HMAC-SHA256 of the body>.
//
// Thread-safety: thread-compatible; one thread at a time per Webhook.
// Ownership: owns its libcurl handle, which keeps the connection alive
// between posts.
#ifndef TICKETLOG_SINKS_WEBHOOK_H_
#define TICKETLOG_SINKS_WEBHOOK_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "ticketlog/status.h"

namespace ticketlog::sinks {

struct WebhookOptions {
  std::string url;                     // http:// or https://
  std::string secret;                  // empty: no signature header
  int64_t timeout_ms = 10'000;         // a whole request
  int64_t connect_timeout_ms = 5'000;  // the connection
};

// The lower-case hex HMAC-SHA256 of `body` under `secret`.
std::string SignatureHex(std::string_view secret, std::string_view body);

class Webhook {
 public:
  // invalid_argument when the URL is not http:// or https://.
  static StatusOr<std::unique_ptr<Webhook>> Create(
      const WebhookOptions& options);
  ~Webhook();
  Webhook(const Webhook&) = delete;
  Webhook& operator=(const Webhook&) = delete;

  // POSTs `body` as application/json. OK on a 2xx answer; io_error naming
  // the HTTP status, or the transport failure (refused, timed out), else.
  Status Post(std::string_view body, std::string_view event_id,
              uint64_t position);

 private:
  explicit Webhook(WebhookOptions options) : options_(std::move(options)) {}

  WebhookOptions options_;
  void* curl_ = nullptr;  // CURL*, kept out of this header
};

}  // namespace ticketlog::sinks

#endif  // TICKETLOG_SINKS_WEBHOOK_H_
