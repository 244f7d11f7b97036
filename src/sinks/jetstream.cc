#include "sinks/jetstream.h"

#include <nats/nats.h>

#include <algorithm>
#include <string>
#include <vector>

namespace ticketlog::sinks {
namespace {

// How long the stream remembers message ids to drop repeats: as long as a
// deliverer may be down and then publish an event again.
constexpr int64_t kDuplicateWindowNs = 2LL * 3600 * 1'000'000'000;

bool IsStreamNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '_' || c == '-';
}

Status CheckPrefix(const std::string& prefix) {
  if (prefix.empty() || prefix.front() == '.' || prefix.back() == '.' ||
      prefix.find("..") != std::string::npos) {
    return Status::InvalidArgument("subject",
                                   "must be one or more dot-separated tokens");
  }
  for (char c : prefix) {
    if (c == '*' || c == '>' || static_cast<unsigned char>(c) <= ' ') {
      return Status::InvalidArgument("subject",
                                     "must not hold wildcards or white space");
    }
  }
  return Status::OK();
}

std::string NatsError(std::string_view what, natsStatus status,
                      jsErrCode js_error = static_cast<jsErrCode>(0)) {
  std::string out = std::string(what) + ": " + natsStatus_GetText(status);
  const char* detail = nats_GetLastError(nullptr);
  if (detail != nullptr && *detail != '\0')
    out += std::string(" (") + detail + ")";
  if (js_error != 0)
    out += " [JetStream error " + std::to_string(js_error) + "]";
  return out;
}

}  // namespace

struct JetStream::Handles {
  natsOptions* options = nullptr;
  natsConnection* connection = nullptr;
  jsCtx* js = nullptr;
};

JetStream::JetStream(JetStreamOptions options)
    : options_(std::move(options)), handles_(std::make_unique<Handles>()) {}

JetStream::~JetStream() { Disconnect(); }

StatusOr<std::unique_ptr<JetStream>> JetStream::Create(
    const JetStreamOptions& options) {
  TICKETLOG_RETURN_IF_ERROR(CheckPrefix(options.prefix));
  std::unique_ptr<JetStream> sink(new JetStream(options));
  if (options.stream.empty()) {
    sink->stream_ = "TICKETLOG_";
    for (char c : options.prefix)
      sink->stream_ += IsStreamNameChar(c) ? c : '_';
  } else {
    for (char c : options.stream) {
      if (!IsStreamNameChar(c)) {
        return Status::InvalidArgument("stream", "may only hold [A-Za-z0-9_-]");
      }
    }
    sink->stream_ = options.stream;
  }
  return sink;
}

void JetStream::Disconnect() {
  if (handles_->js != nullptr) jsCtx_Destroy(handles_->js);
  if (handles_->connection != nullptr) {
    natsConnection_Destroy(handles_->connection);
  }
  if (handles_->options != nullptr) natsOptions_Destroy(handles_->options);
  *handles_ = Handles{};
}

Status JetStream::Connect() {
  if (handles_->js != nullptr) return Status::OK();
  Handles& h = *handles_;
  natsStatus s = natsOptions_Create(&h.options);
  // A cluster is given as comma-separated URLs.
  std::vector<std::string> urls;
  for (size_t start = 0; start <= options_.url.size();) {
    size_t comma = std::min(options_.url.find(',', start), options_.url.size());
    urls.push_back(options_.url.substr(start, comma - start));
    start = comma + 1;
  }
  std::vector<const char*> servers;
  for (const auto& url : urls) servers.push_back(url.c_str());
  if (s == NATS_OK) {
    s = natsOptions_SetServers(h.options, servers.data(),
                               static_cast<int>(servers.size()));
  }
  if (s == NATS_OK) s = natsOptions_SetTimeout(h.options, options_.timeout_ms);
  if (s == NATS_OK) s = natsConnection_Connect(&h.connection, h.options);
  if (s != NATS_OK) {
    Status failed =
        Status::IoError(NatsError("connecting to " + options_.url, s));
    Disconnect();
    return failed;
  }
  jsOptions js_options;
  jsOptions_Init(&js_options);
  js_options.Wait = options_.timeout_ms;
  s = natsConnection_JetStream(&h.js, h.connection, &js_options);
  if (s != NATS_OK) {
    Status failed = Status::IoError(NatsError("JetStream", s));
    Disconnect();
    return failed;
  }
  jsStreamInfo* info = nullptr;
  jsErrCode js_error = static_cast<jsErrCode>(0);
  s = js_GetStreamInfo(&info, h.js, stream_.c_str(), nullptr, &js_error);
  if (s == NATS_NOT_FOUND) {
    std::string subjects = options_.prefix + ".>";
    const char* subject_list[] = {subjects.c_str()};
    jsStreamConfig config;
    jsStreamConfig_Init(&config);
    config.Name = stream_.c_str();
    config.Subjects = subject_list;
    config.SubjectsLen = 1;
    config.Storage = js_FileStorage;
    config.Duplicates = kDuplicateWindowNs;
    s = js_AddStream(&info, h.js, &config, nullptr, &js_error);
  }
  if (info != nullptr) jsStreamInfo_Destroy(info);
  if (s != NATS_OK) {
    Status failed =
        Status::IoError(NatsError("stream " + stream_, s, js_error));
    Disconnect();
    return failed;
  }
  return Status::OK();
}

std::string JetStream::Subject(const Event& event) const {
  std::string subject = options_.prefix + ".";
  for (char c : event.account) {
    if (c == '.') {
      subject += "%2E";
    } else {
      subject += c;
    }
  }
  subject += ".";
  subject += EventTypeName(event.payload);
  return subject;
}

Status JetStream::Publish(const Event& event, std::string_view body) {
  TICKETLOG_RETURN_IF_ERROR(Connect());
  std::string subject = Subject(event);
  natsMsg* msg = nullptr;
  natsStatus s = natsMsg_Create(&msg, subject.c_str(), nullptr, body.data(),
                                static_cast<int>(body.size()));
  if (s == NATS_OK)
    s = natsMsgHeader_Set(msg, "Nats-Msg-Id", event.event_id.c_str());
  if (s == NATS_OK) {
    s = natsMsgHeader_Set(msg, "Ticketlog-Position",
                          std::to_string(event.position).c_str());
  }
  jsPubAck* ack = nullptr;
  jsErrCode js_error = static_cast<jsErrCode>(0);
  if (s == NATS_OK) {
    jsPubOptions publish;
    jsPubOptions_Init(&publish);
    publish.MaxWait = options_.timeout_ms;
    s = js_PublishMsg(&ack, handles_->js, msg, &publish, &js_error);
  }
  natsMsg_Destroy(msg);
  if (ack != nullptr) jsPubAck_Destroy(ack);
  if (s != NATS_OK) {
    return Status::IoError(NatsError("publishing " + subject, s, js_error));
  }
  return Status::OK();
}

}  // namespace ticketlog::sinks
