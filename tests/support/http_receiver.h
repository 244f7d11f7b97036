// A webhook receiver on 127.0.0.1 in the test process (cpp-httplib's
// server on a free port). It records every request and answers each with
// the status the test chose.
#ifndef TICKETLOG_TESTS_SUPPORT_HTTP_RECEIVER_H_
#define TICKETLOG_TESTS_SUPPORT_HTTP_RECEIVER_H_

#include <httplib.h>

#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace ticketlog::testing {

class HttpReceiver {
 public:
  struct Request {
    std::string body;
    std::string event_id;   // X-Ticketlog-Event-Id
    std::string position;   // X-Ticketlog-Position
    std::string signature;  // X-Ticketlog-Signature
    int answered = 0;       // the status the receiver answered
  };

  HttpReceiver() {
    server_.Post(
        "/hook", [this](const httplib::Request& req, httplib::Response& res) {
          int status = 200;
          int delay_ms = 0;
          {
            std::lock_guard lock(mu_);
            if (fail_next_ > 0) {
              --fail_next_;
              status = fail_status_;
            } else if (fail_always_) {
              status = fail_status_;
            }
            delay_ms = delay_ms_;
            requests_.push_back(
                {req.body, req.get_header_value("X-Ticketlog-Event-Id"),
                 req.get_header_value("X-Ticketlog-Position"),
                 req.get_header_value("X-Ticketlog-Signature"), status});
          }
          if (delay_ms > 0) {
            std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
          }
          res.status = status;
          res.set_content("{}", "application/json");
        });
    // Without TCP_NODELAY the answer's second write waits for the client's
    // delayed ACK: 40 ms a request.
    server_.set_tcp_nodelay(true);
    server_.set_keep_alive_max_count(100000);
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  ~HttpReceiver() {
    server_.stop();
    thread_.join();
  }
  HttpReceiver(const HttpReceiver&) = delete;
  HttpReceiver& operator=(const HttpReceiver&) = delete;

  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/hook";
  }

  // The next `n` requests are answered with `status`.
  void FailNext(int n, int status = 503) {
    std::lock_guard lock(mu_);
    fail_next_ = n;
    fail_status_ = status;
  }
  // Every request is answered with `status` until called with false.
  void FailAlways(bool on, int status = 500) {
    std::lock_guard lock(mu_);
    fail_always_ = on;
    fail_status_ = status;
  }
  // Each answer waits `ms` first.
  void SetDelay(int ms) {
    std::lock_guard lock(mu_);
    delay_ms_ = ms;
  }

  std::vector<Request> requests() const {
    std::lock_guard lock(mu_);
    return requests_;
  }
  // The positions of the requests answered 2xx, in arrival order.
  std::vector<uint64_t> AcceptedPositions() const {
    std::lock_guard lock(mu_);
    std::vector<uint64_t> out;
    for (const Request& r : requests_) {
      if (r.answered / 100 == 2) out.push_back(std::stoull(r.position));
    }
    return out;
  }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  mutable std::mutex mu_;
  std::vector<Request> requests_;  // guarded by mu_
  int fail_next_ = 0;              // guarded by mu_
  bool fail_always_ = false;       // guarded by mu_
  int fail_status_ = 503;          // guarded by mu_
  int delay_ms_ = 0;               // guarded by mu_
};

}  // namespace ticketlog::testing

#endif  // TICKETLOG_TESTS_SUPPORT_HTTP_RECEIVER_H_
