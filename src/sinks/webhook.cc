#include "sinks/webhook.h"

#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <mutex>

namespace ticketlog::sinks {
namespace {

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// The answer's body is not used; libcurl would print it to stdout.
size_t Discard(char*, size_t size, size_t count, void*) { return size * count; }

}  // namespace

std::string SignatureHex(std::string_view secret, std::string_view body) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac,
       &length);
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kDigits[mac[i] >> 4]);
    hex.push_back(kDigits[mac[i] & 0xf]);
  }
  return hex;
}

StatusOr<std::unique_ptr<Webhook>> Webhook::Create(
    const WebhookOptions& options) {
  if (!options.url.starts_with("http://") &&
      !options.url.starts_with("https://")) {
    return Status::InvalidArgument("webhook",
                                   "must be an http:// or https:// URL");
  }
  GlobalInit();
  std::unique_ptr<Webhook> hook(new Webhook(options));
  CURL* curl = curl_easy_init();
  if (curl == nullptr) return Status::IoError("cannot start libcurl");
  hook->curl_ = curl;
  curl_easy_setopt(curl, CURLOPT_URL, hook->options_.url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS,
                   static_cast<long>(options.timeout_ms));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options.connect_timeout_ms));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Discard);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "ticketlog-deliver");
  return hook;
}

Webhook::~Webhook() {
  if (curl_ != nullptr) curl_easy_cleanup(static_cast<CURL*>(curl_));
}

Status Webhook::Post(std::string_view body, std::string_view event_id,
                     uint64_t position) {
  CURL* curl = static_cast<CURL*>(curl_);
  curl_slist* headers = nullptr;
  auto add = [&headers](const std::string& line) {
    headers = curl_slist_append(headers, line.c_str());
  };
  add("Content-Type: application/json");
  add("Expect:");  // no 100-continue round trip
  add("X-Ticketlog-Event-Id: " + std::string(event_id));
  add("X-Ticketlog-Position: " + std::to_string(position));
  if (!options_.secret.empty()) {
    add("X-Ticketlog-Signature: sha256=" + SignatureHex(options_.secret, body));
  }
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                   static_cast<curl_off_t>(body.size()));
  CURLcode code = curl_easy_perform(curl);
  long http_status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &http_status);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
  curl_slist_free_all(headers);
  if (code != CURLE_OK) {
    return Status::IoError("webhook " + options_.url + ": " +
                           curl_easy_strerror(code));
  }
  if (http_status < 200 || http_status > 299) {
    return Status::IoError("webhook " + options_.url + " answered HTTP " +
                           std::to_string(http_status));
  }
  return Status::OK();
}

}  // namespace ticketlog::sinks
