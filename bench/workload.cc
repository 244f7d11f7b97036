#include "bench/workload.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <queue>
#include <random>
#include <utility>

#include "bench/model.h"

namespace ticketlog::bench {
namespace {

// 2024-01-01T00:00:00Z: workloads replay a plausible recent history.
constexpr TimeUs kEpochUs = 1704067200LL * 1000000;
constexpr int64_t kMinuteUs = 60LL * 1000000;

constexpr const char* kWords[] = {
    "the",       "order",      "invoice",      "delivery",
    "account",   "please",     "thanks",       "we",
    "you",       "your",       "is",           "not",
    "working",   "since",      "yesterday",    "error",
    "when",      "I",          "try",          "to",
    "log",       "in",         "password",     "reset",
    "payment",   "card",       "was",          "charged",
    "twice",     "refund",     "could",        "check",
    "status",    "of",         "my",           "ticket",
    "package",   "arrived",    "damaged",      "replacement",
    "address",   "changed",    "subscription", "plan",
    "upgrade",   "cancel",     "renewal",      "date",
    "attached",  "screenshot", "browser",      "app",
    "version",   "update",     "still",        "same",
    "problem",   "after",      "restart",      "support",
    "team",      "confirmed",  "escalated",    "engineering",
    "vendor",    "waiting",    "for",          "response",
    "and",       "a",          "with",         "on",
    "it",        "this",       "that",         "be",
    "have",      "will",       "as",           "soon",
    "possible",  "regards",    "hello",        "hi",
    "kind",      "best",       "customer",     "number",
    "reference", "shipping",   "tracking",     "label",
    "warehouse", "stock",      "available",    "today",
};
constexpr size_t kWordCount = sizeof(kWords) / sizeof(kWords[0]);

constexpr const char* kDepartments[] = {"support",   "billing", "sales",
                                        "technical", "returns", "onboarding"};
constexpr int kDepartmentCount = 6;
constexpr int kOperatorCount = 24;
constexpr const char* kStatuses[] = {"waiting_vendor", "waiting_customer_info",
                                     "scheduled_visit", "escalated"};
constexpr int kStatusCount = 4;
constexpr const char* kLabels[] = {"vip",       "bug",     "refund",
                                   "shipping",  "feature", "urgent-review",
                                   "churn-risk"};
constexpr int kLabelCount = 7;
constexpr const char* kCategories[] = {"orders", "payments", "accounts",
                                       "product", "logistics"};
constexpr const char* kResolutions[] = {"solved", "solved", "solved",
                                        "canceled", "duplicate"};

std::string OperatorId(int i) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "op-%02d", i);
  return buf;
}

// A UUID-shaped ticket id derived from the generator's random stream, so
// that the same seed names the same tickets in every backend.
std::string TicketId(std::mt19937_64& rng) {
  uint64_t hi = rng(), lo = rng();
  hi = (hi & ~0xF000ULL) | 0x4000ULL;                         // version 4
  lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;  // variant
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08llx-%04llx-%04llx-%04llx-%012llx",
                static_cast<unsigned long long>(hi >> 32),
                static_cast<unsigned long long>((hi >> 16) & 0xFFFF),
                static_cast<unsigned long long>(hi & 0xFFFF),
                static_cast<unsigned long long>(lo >> 48),
                static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFULL));
  return buf;
}

// Per-ticket plan the simulation follows.
struct TicketSim {
  std::string id;
  int steps = 0;
  int max_steps = 0;
  TimeUs next_at = 0;
};

class AccountGenerator {
 public:
  AccountGenerator(const WorkloadOptions& options, int index)
      : options_(options),
        rng_(options.seed * 1000003 + static_cast<uint64_t>(index)) {
    char name[32];
    std::snprintf(name, sizeof name, "acct-%02d", index);
    out_.account = name;
    start_ = kEpochUs + index * kMinuteUs;
  }

  AccountCommands Run() {
    Directory();
    Tickets();
    return std::move(out_);
  }

 private:
  double Uniform() {
    return std::uniform_real_distribution<double>(0, 1)(rng_);
  }
  int Pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  bool Chance(double p) { return Uniform() < p; }
  // A delay of `median_minutes` typical size with a long tail.
  int64_t Delay(double median_minutes) {
    std::lognormal_distribution<double> d(std::log(median_minutes), 1.0);
    return std::max<int64_t>(kMinuteUs / 6,
                             static_cast<int64_t>(d(rng_) * kMinuteUs));
  }
  std::string Text() { return MessageText(rng_(), MessageSize(rng_())); }

  void Emit(CommandBody body, TimeUs at) {
    Command command;
    command.account = out_.account;
    command.body = std::move(body);
    command.at_us = at;
    auto result = model_.Apply(command);
    if (!result.ok()) {
      // The generator tracks the model's state: a refusal is a bug here.
      std::fprintf(stderr, "workload generator produced a refused %s: %s\n",
                   std::string(OpName(command.body)).c_str(),
                   result.status().ToString().c_str());
      std::abort();
    }
    out_.commands.push_back(std::move(command));
  }

  void Directory() {
    for (int d = 0; d < kDepartmentCount; ++d) {
      std::string name = kDepartments[d];
      name[0] = static_cast<char>(std::toupper(name[0]));
      Emit(DefineDepartment{kDepartments[d], name}, start_);
    }
    for (int o = 0; o < kOperatorCount; ++o) {
      RegisterOperator reg;
      reg.operator_id = OperatorId(o);
      reg.name = "Operator " + std::to_string(o);
      reg.departments.push_back(kDepartments[o % kDepartmentCount]);
      if (o % 3 == 0) {
        reg.departments.push_back(kDepartments[(o + 1) % kDepartmentCount]);
      }
      Emit(std::move(reg), start_);
    }
    for (int s = 0; s < kStatusCount; ++s) {
      Emit(DefineStatus{kStatuses[s], std::string("Status ") + kStatuses[s]},
           start_);
    }
  }

  // An operator of `department`.
  std::string OperatorOf(const std::string& department) {
    int d = 0;
    while (d < kDepartmentCount && department != kDepartments[d]) ++d;
    // Operators d, d + 6, d + 12, d + 18 work in department d.
    return OperatorId(d % kDepartmentCount + kDepartmentCount * Pick(4));
  }

  Customer CustomerRef() {
    // Returning customers: a skewed pick from a pool a third the size of the
    // ticket count.
    size_t pool = std::max<size_t>(1, options_.tickets_per_account / 3);
    size_t n = static_cast<size_t>(std::pow(Uniform(), 2.0) * pool);
    Customer c;
    c.id = "cust-" + std::to_string(n);
    c.name = "Customer " + std::to_string(n);
    c.email = "customer" + std::to_string(n) + "@example.com";
    if (n % 4 == 0) c.phone = "+1555" + std::to_string(1000000 + n);
    return c;
  }

  std::vector<Attachment> Attachments() {
    std::vector<Attachment> out;
    if (!Chance(0.1)) return out;
    int n = 1 + Pick(2);
    for (int i = 0; i < n; ++i) {
      Attachment a;
      a.name = "file-" + std::to_string(rng_() % 100000) + ".png";
      a.content_type = "image/png";
      a.size_bytes = 20000 + rng_() % 2000000;
      char hex[65];
      for (int k = 0; k < 64; ++k) hex[k] = "0123456789abcdef"[rng_() % 16];
      hex[64] = '\0';
      a.sha256 = hex;
      out.push_back(std::move(a));
    }
    return out;
  }

  void Open(TicketSim& sim, TimeUs at) {
    OpenTicket open;
    open.ticket = sim.id;
    open.subject = MessageText(rng_(), 24 + Pick(40));
    open.department = kDepartments[Pick(kDepartmentCount)];
    if (Chance(0.3)) open.operator_id = OperatorOf(open.department);
    open.customer = CustomerRef();
    static constexpr Channel kChannels[] = {
        Channel::kEmail, Channel::kEmail, Channel::kEmail, Channel::kChat,
        Channel::kChat,  Channel::kWeb,   Channel::kPhone, Channel::kWhatsapp,
        Channel::kApi,   Channel::kWeb};
    open.channel = kChannels[Pick(10)];
    double p = Uniform();
    open.priority = p < 0.1    ? Priority::kLow
                    : p < 0.8  ? Priority::kNormal
                    : p < 0.95 ? Priority::kHigh
                               : Priority::kUrgent;
    open.category = kCategories[Pick(5)];
    if (Chance(0.35)) open.labels.push_back(kLabels[Pick(kLabelCount)]);
    if (Chance(0.1)) {
      std::string second = kLabels[Pick(kLabelCount)];
      if (open.labels.empty() || open.labels[0] != second) {
        open.labels.push_back(second);
      }
    }
    if (Chance(0.5)) {
      open.custom_attributes["order_id"] =
          "ORD-" + std::to_string(100000 + rng_() % 900000);
    }
    if (Chance(0.2)) {
      open.custom_attributes["amount"] =
          static_cast<double>(rng_() % 50000) / 100;
    }
    if (Chance(0.1)) open.custom_attributes["vip"] = true;
    open.pending = Chance(0.03);
    OpeningMessage message;
    message.content = Text();
    message.attachments = Attachments();
    open.message = std::move(message);
    Emit(std::move(open), at);
  }

  // The ticket's next command, chosen from its current state; false when
  // the ticket's story is over.
  bool Step(TicketSim& sim, TimeUs at) {
    const TicketView& v = *model_.Ticket(out_.account, sim.id);
    const std::string& t = sim.id;
    ++sim.steps;
    if (v.status == TicketStatus::kClosed) return false;
    if (v.status == TicketStatus::kFinished) {
      double r = Uniform();
      if (r < 0.55) {
        Emit(Close{t}, at);
        return false;
      }
      if (r < 0.75) {
        Emit(Reply{t, ActorKind::kCustomer, Text(), Attachments()}, at);
      } else if (r < 0.85) {
        Emit(Reopen{t}, at);
      } else {
        return false;  // left finished
      }
      sim.max_steps = sim.steps + 2 + Pick(5);
      return true;
    }
    if (v.operator_id.empty()) {
      if (Chance(0.75)) {
        Emit(LinkOperator{t, OperatorOf(v.department)}, at);
      } else {
        std::string to = kDepartments[Pick(kDepartmentCount)];
        Emit(Transfer{t, to, OperatorOf(to)}, at);
      }
      return true;
    }
    if (sim.steps >= sim.max_steps) {
      Finish finish;
      finish.ticket = t;
      finish.content = Text();
      finish.resolution = kResolutions[Pick(5)];
      Emit(std::move(finish), at);
      return true;
    }
    bool running = !v.custom_status.empty();
    double r = Uniform();
    if (running && r < 0.35) {
      Emit(StopStatus{t}, at);
    } else if (r < 0.38) {
      Emit(Reply{t, ActorKind::kOperator, Text(), Attachments()}, at);
    } else if (r < 0.62) {
      Emit(Reply{t, ActorKind::kCustomer, Text(), Attachments()}, at);
    } else if (r < 0.74) {
      Emit(AddComment{t, OperatorOf(v.department), Text(), {}}, at);
    } else if (r < 0.80) {
      if (Chance(0.5)) {
        Emit(Transfer{t, "", OperatorOf(v.department)}, at);
      } else {
        std::string to = kDepartments[Pick(kDepartmentCount)];
        Emit(Transfer{t, to, Chance(0.5) ? OperatorOf(to) : ""}, at);
      }
    } else if (r < 0.88 && !running) {
      Emit(StartStatus{t, kStatuses[Pick(kStatusCount)]}, at);
    } else if (r < 0.92) {
      Update update;
      update.ticket = t;
      update.priority = Chance(0.7) ? Priority::kHigh : Priority::kUrgent;
      if (Chance(0.4))
        update.labels = std::vector<std::string>{kLabels[Pick(kLabelCount)]};
      if (Chance(0.3))
        update.custom_attributes["escalation_level"] = 1.0 + Pick(3);
      Emit(std::move(update), at);
    } else {
      Emit(Reply{t, ActorKind::kOperator, Text(), Attachments()}, at);
    }
    return true;
  }

  void Tickets() {
    using Entry = std::pair<TimeUs, size_t>;
    std::priority_queue<Entry, std::vector<Entry>, std::greater<>> queue;
    std::vector<TicketSim> sims(options_.tickets_per_account);
    std::exponential_distribution<double> gap(
        1.0 / static_cast<double>(options_.mean_arrival_gap_us));
    TimeUs at = start_ + kMinuteUs;
    for (size_t i = 0; i < sims.size(); ++i) {
      at += 1 + static_cast<TimeUs>(gap(rng_));
      sims[i].id = TicketId(rng_);
      sims[i].max_steps = 3 + Pick(10);
      sims[i].next_at = at;
      queue.push({at, i});
    }
    std::vector<bool> opened(sims.size(), false);
    while (!queue.empty()) {
      auto [when, i] = queue.top();
      queue.pop();
      TicketSim& sim = sims[i];
      bool more = true;
      if (!opened[i]) {
        Open(sim, when);
        opened[i] = true;
      } else {
        more = Step(sim, when);
      }
      if (more) queue.push({when + Delay(45), i});
    }
  }

  const WorkloadOptions& options_;
  std::mt19937_64 rng_;
  TimeUs start_ = kEpochUs;
  InMemoryModel model_;
  AccountCommands out_;
};

}  // namespace

size_t Workload::total_commands() const {
  size_t n = 0;
  for (const auto& a : accounts) n += a.commands.size();
  return n;
}

Workload GenerateWorkload(const WorkloadOptions& options) {
  Workload workload;
  for (int i = 0; i < options.accounts; ++i) {
    workload.accounts.push_back(AccountGenerator(options, i).Run());
  }
  return workload;
}

std::vector<std::vector<const Command*>> ForThreads(const Workload& workload,
                                                    int threads) {
  std::vector<std::vector<const Command*>> out(threads);
  for (int t = 0; t < threads; ++t) {
    std::vector<const AccountCommands*> mine;
    for (size_t a = t; a < workload.accounts.size(); a += threads) {
      mine.push_back(&workload.accounts[a]);
    }
    // Merge by time; each account's own order is kept (its directory
    // commands come first and share its first timestamp).
    std::vector<size_t> next(mine.size(), 0);
    while (true) {
      int best = -1;
      for (size_t k = 0; k < mine.size(); ++k) {
        if (next[k] >= mine[k]->commands.size()) continue;
        if (best < 0 || *mine[k]->commands[next[k]].at_us <
                            *mine[best]->commands[next[best]].at_us) {
          best = static_cast<int>(k);
        }
      }
      if (best < 0) break;
      out[t].push_back(&mine[best]->commands[next[best]++]);
    }
  }
  return out;
}

size_t MessageSize(uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  // Some e-mails quote a long history or carry a signature block.
  if (u(rng) < 0.07) return 2048 + rng() % (6 * 1024);
  std::lognormal_distribution<double> d(std::log(420.0), 0.6);
  return std::clamp<size_t>(static_cast<size_t>(d(rng)), 20, 64 * 1024 - 1);
}

std::string MessageText(uint64_t seed, size_t bytes) {
  std::mt19937_64 rng(seed);
  std::string out;
  out.reserve(bytes + 16);
  bool sentence_start = true;
  while (out.size() < bytes) {
    std::string word = kWords[rng() % kWordCount];
    if (sentence_start) {
      word[0] = static_cast<char>(std::toupper(word[0]));
      sentence_start = false;
    }
    if (!out.empty()) out.push_back(' ');
    out += word;
    if (rng() % 12 == 0) {
      out.push_back('.');
      sentence_start = true;
    }
  }
  out.resize(bytes);
  // A cut mid-word is fine; a trailing space is not pretty.
  if (!out.empty() && out.back() == ' ') out.back() = '.';
  return out;
}

}  // namespace ticketlog::bench
