// feed_bench: the change feed's figures (docs/benchmarks.md, "Change
// feed"). A small measured program rather than Google Benchmark, because
// its figures are rates of whole runs and latency percentiles:
//  - read:     events/s a follower reads from the log (the baseline);
//  - webhook:  events/s delivered to an HTTP receiver on 127.0.0.1;
//  - jetstream: events/s delivered to nats-server -js on 127.0.0.1;
//  - reopen:   the cost of one read-only open, by unflushed WAL size, which
//              bounds how fast a follower in another process sees appends;
//  - latency:  acknowledgement -> delivery, p50/p99, for a follower opened
//              on the path (the cross-process mechanism) and an attached
//              one.
// Usage: feed_bench [--events N] [--samples N] [--dir DIR]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cli/json_view.h"
#include "sinks/jetstream.h"
#include "sinks/webhook.h"
#include "support/http_receiver.h"
#include "support/nats_server.h"
#include "ticketlog/ticketlog.h"

namespace ticketlog::bench {
namespace {

using Clock = std::chrono::steady_clock;

double Since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void Check(const Status& status, const char* what) {
  if (!status.ok()) {
    std::fprintf(stderr, "feed_bench: %s: %s\n", what,
                 status.ToString().c_str());
    std::exit(1);
  }
}

std::unique_ptr<Engine> OpenWriter(const std::string& path, bool sync) {
  Options options;
  options.path = path;
  options.sync = sync;
  auto engine = Engine::Open(options);
  Check(engine.status(), "opening the writer");
  return std::move(*engine);
}

// Opens `n` tickets over four accounts: one TicketOpened event each, with
// its opening message (about 1 KiB of JSON in the dump shape).
Command OpenCommand(int n) {
  static const char* kAccounts[] = {"acme", "beta", "gamma", "delta"};
  OpenTicket open;
  open.subject = "Printer " + std::to_string(n) + " is on fire";
  open.customer.id = "customer-" + std::to_string(n % 1000);
  open.customer.email = "customer" + std::to_string(n % 1000) + "@example.com";
  open.message = OpeningMessage{
      "It started smoking after the firmware update; please advise.",
      MessageKind::kIncoming};
  Command command;
  command.account = kAccounts[n % 4];
  command.body = std::move(open);
  return command;
}

void AppendEvents(Engine& engine, int n, int& next) {
  for (int i = 0; i < n; ++i, ++next) {
    Check(engine.Execute(OpenCommand(next)).status(), "appending");
  }
}

// Events/s of one delivery run over the whole log into `sink`.
double DeliverAll(const std::string& path, const std::string& name,
                  const Sink& sink, uint64_t events) {
  auto sub = Subscription::Open(path, name);
  Check(sub.status(), "subscription");
  FollowOptions follow;
  follow.from_position = 1;
  auto follower = Follower::Open(path, follow);
  Check(follower.status(), "follower");
  DeliveryOptions options;
  options.until_head = true;
  auto start = Clock::now();
  auto report = Deliver(**follower, **sub, sink, options);
  Check(report.status(), "deliver");
  double seconds = Since(start);
  if (report->delivered != events) {
    std::fprintf(stderr, "feed_bench: delivered %llu of %llu\n",
                 static_cast<unsigned long long>(report->delivered),
                 static_cast<unsigned long long>(events));
    std::exit(1);
  }
  return static_cast<double>(events) / seconds;
}

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  size_t i = static_cast<size_t>(p * static_cast<double>(values.size() - 1));
  return values[i];
}

// Appends `samples` events one at a time, `gap_ms` apart, and returns the
// milliseconds from each acknowledgement to its arrival at the follower.
std::vector<double> MeasureLatency(Engine& writer, Follower& follower,
                                   int samples, int gap_ms, int& next) {
  std::mutex mu;
  std::map<uint64_t, Clock::time_point> acked, received;
  std::atomic<bool> done{false};
  std::thread reader([&] {
    while (!done) {
      auto batch = follower.Next(64, 100);
      Check(batch.status(), "following");
      auto now = Clock::now();
      std::lock_guard lock(mu);
      for (const Event& e : *batch) received[e.position] = now;
    }
  });
  for (int i = 0; i < samples; ++i) {
    auto result = writer.Execute(OpenCommand(next++));
    auto now = Clock::now();
    Check(result.status(), "appending");
    {
      std::lock_guard lock(mu);
      acked[result->position] = now;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(gap_ms));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  done = true;
  reader.join();
  std::vector<double> ms;
  for (auto& [position, at] : acked) {
    auto it = received.find(position);
    if (it == received.end()) {
      std::fprintf(stderr, "feed_bench: position %llu never arrived\n",
                   static_cast<unsigned long long>(position));
      std::exit(1);
    }
    // Received before the writer's clock read: the follower was faster than
    // the acknowledgement's return.
    ms.push_back(std::max(
        0.0,
        std::chrono::duration<double, std::milli>(it->second - at).count()));
  }
  return ms;
}

int Main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  int events = 20000;
  int samples = 300;
  std::string dir = "./ticketlog-feed-bench";
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--events") events = std::atoi(argv[i + 1]);
    if (flag == "--samples") samples = std::atoi(argv[i + 1]);
    if (flag == "--dir") dir = argv[i + 1];
  }
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::string path = dir + "/store";
  int next = 0;
  {
    auto writer = OpenWriter(path, /*sync=*/false);
    AppendEvents(*writer, events, next);
  }  // closing flushes: the deliveries read SST files

  // Baseline: reading the log through a follower.
  double read_rate = 0;
  {
    FollowOptions follow;
    follow.from_position = 1;
    auto follower = Follower::Open(path, follow);
    Check(follower.status(), "follower");
    auto start = Clock::now();
    uint64_t read = 0;
    for (;;) {
      auto batch = (*follower)->Next(256, 0);
      Check(batch.status(), "reading");
      if (batch->empty()) break;
      read += batch->size();
    }
    read_rate = static_cast<double>(read) / Since(start);
  }
  std::printf("read       %8d events  %9.0f events/s  (baseline)\n", events,
              read_rate);

  {
    testing::HttpReceiver receiver;
    sinks::WebhookOptions options;
    options.url = receiver.url();
    options.secret = "bench";
    auto hook = sinks::Webhook::Create(options);
    Check(hook.status(), "webhook");
    double rate = DeliverAll(
        path, "webhook",
        [&](const Event& e) {
          return (*hook)->Post(cli::Dump(cli::EventJson(e)), e.event_id,
                               e.position);
        },
        events);
    std::printf("webhook    %8d events  %9.0f events/s  %.3f of read\n", events,
                rate, rate / read_rate);
  }
  {
    testing::NatsServer nats;
    sinks::JetStreamOptions options;
    options.url = nats.url();
    options.prefix = "bench";
    auto js = sinks::JetStream::Create(options);
    Check(js.status(), "jetstream");
    double rate = DeliverAll(
        path, "jetstream",
        [&](const Event& e) {
          return (*js)->Publish(e, cli::Dump(cli::EventJson(e)));
        },
        events);
    std::printf("jetstream  %8d events  %9.0f events/s  %.3f of read\n", events,
                rate, rate / read_rate);
  }

  // The cost of a read-only open beside a live writer, by how much of the
  // writer's WAL is not flushed yet (the open replays it), with the default
  // 64 MiB memtables and with 4 MiB ones (flushed, so the WAL kept short).
  for (size_t write_buffer : {size_t{64} << 20, size_t{4} << 20}) {
    Options writer_options;
    writer_options.path = path;
    writer_options.sync = false;
    writer_options.write_buffer_bytes = write_buffer;
    auto writer = Engine::Open(writer_options);
    Check(writer.status(), "opening the writer");
    int appended = 0;
    for (int target : {0, 1000, 10000, 50000}) {
      AppendEvents(**writer, target - appended, next);
      appended = target;
      std::vector<double> ms;
      for (int i = 0; i < 5; ++i) {
        Options options;
        options.path = path;
        options.read_only = true;
        options.create_if_missing = false;
        auto start = Clock::now();
        auto reader = Engine::Open(options);
        Check(reader.status(), "reader");
        ms.push_back(Since(start) * 1000);
      }
      std::printf(
          "reopen     %8d events since the writer opened (%2zu MiB "
          "memtables)  %7.1f ms (median of 5)\n",
          target, write_buffer >> 20, Percentile(ms, 0.5));
    }
  }

  // Acknowledgement -> delivery, with synced writes as a server runs them.
  {
    auto writer = OpenWriter(path, /*sync=*/true);
    FollowOptions follow;
    auto opened = Follower::Open(path, follow);
    Check(opened.status(), "follower");
    auto cross = MeasureLatency(*writer, **opened, samples, 20, next);
    std::printf(
        "latency    opened on the path: p50 %.1f ms  p99 %.1f ms  max "
        "%.1f ms  (%d samples, one append every 20 ms)\n",
        Percentile(cross, 0.5), Percentile(cross, 0.99), Percentile(cross, 1.0),
        samples);
    auto attached = Follower::Attach(*writer, follow);
    Check(attached.status(), "follower");
    auto in_process = MeasureLatency(*writer, **attached, samples, 20, next);
    std::printf(
        "latency    attached:           p50 %.3f ms  p99 %.3f ms  max "
        "%.3f ms\n",
        Percentile(in_process, 0.5), Percentile(in_process, 0.99),
        Percentile(in_process, 1.0));
  }
  std::filesystem::remove_all(dir);
  return 0;
}

}  // namespace
}  // namespace ticketlog::bench

int main(int argc, char** argv) { return ticketlog::bench::Main(argc, argv); }
