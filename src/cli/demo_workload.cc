#include "cli/demo_workload.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/uuid/name_generator_sha1.hpp>
#include <boost/uuid/uuid_io.hpp>
#include <random>
#include <utility>

namespace ticketlog::cli {
namespace {

constexpr TimeUs kMinuteUs = 60LL * 1000000;

struct OperatorSpec {
  const char* id;
  const char* name;
  std::vector<std::string> departments;
};

const std::vector<std::string>& Departments() {
  static const std::vector<std::string> kDepartments = {"support", "billing",
                                                        "sales"};
  return kDepartments;
}

const std::vector<OperatorSpec>& Operators() {
  static const std::vector<OperatorSpec> kOperators = {
      {"ana", "Ana Souza", {"support"}},
      {"bruno", "Bruno Lima", {"billing"}},
      {"carla", "Carla Mendes", {"support", "sales"}},
      {"diego", "Diego Rocha", {"sales"}},
      {"elena", "Elena Costa", {"billing", "support"}},
      {"farid", "Farid Haddad", {"support"}},
  };
  return kOperators;
}

std::vector<std::string> OperatorsOf(const std::string& department) {
  std::vector<std::string> ids;
  for (const auto& op : Operators()) {
    if (std::count(op.departments.begin(), op.departments.end(), department)) {
      ids.push_back(op.id);
    }
  }
  return ids;
}

const std::vector<std::string> kSubjects = {
    "Cannot log in after password reset",
    "Invoice charged twice",
    "Order arrived damaged",
    "How do I export my data?",
    "App crashes on startup",
    "Upgrade to the enterprise plan",
    "Refund for cancelled subscription",
    "Two-factor codes not arriving",
    "Wrong shipping address",
    "API returns 500 on /orders",
    "Need a copy of last month's invoice",
    "Slow dashboard since Monday"};
const std::vector<std::string> kCategories = {"account", "payments", "shipping",
                                              "software", "hardware"};
const std::vector<std::string> kLabels = {"vip",     "refund",     "bug",
                                          "feature", "enterprise", "follow-up"};
const std::vector<std::string> kNames = {"Maria Silva",  "John Smith",
                                         "Aiko Tanaka",  "Lucas Martin",
                                         "Fatima Zahra", "Olga Ivanova"};

// One ticket's commands, with a clock that only moves forward.
class LifecycleWriter {
 public:
  LifecycleWriter(const WorkloadOptions& options, uint32_t index,
                  std::mt19937_64& rng, std::vector<Command>& out)
      : options_(options), index_(index), rng_(rng), out_(out) {
    ticket_ = DemoTicketId(options.account, index);
    now_ = options.start_us +
           Uniform(0, std::max<int64_t>(options.window_us, 1) - 1);
  }

  void Write();

 private:
  bool Chance(double p) {
    return std::uniform_real_distribution<double>(0, 1)(rng_) < p;
  }
  int64_t Uniform(int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng_);
  }
  template <typename T>
  const T& Pick(const std::vector<T>& items) {
    return items[static_cast<size_t>(Uniform(0, items.size() - 1))];
  }
  void Wait(int64_t min_minutes, int64_t max_minutes) {
    now_ += Uniform(min_minutes, max_minutes) * kMinuteUs;
  }
  // Appends a command at the current time.
  void Emit(CommandBody body, std::optional<uint64_t> expected = std::nullopt) {
    Command command;
    command.account = options_.account;
    command.body = std::move(body);
    command.at_us = now_;
    command.command_id = "demo:" + std::to_string(index_) + ":" +
                         std::to_string(out_.size() - first_);
    command.expected_version = expected;
    out_.push_back(std::move(command));
  }
  Customer NewCustomer();
  OpenTicket NewTicket();
  void OperatorReply(const std::string& text) {
    Emit(Reply{ticket_, ActorKind::kOperator, text, {}});
  }
  void CustomerReply(const std::string& text);
  void Finish();

  const WorkloadOptions& options_;
  uint32_t index_;
  std::mt19937_64& rng_;
  std::vector<Command>& out_;
  size_t first_ = out_.size();
  std::string ticket_;
  std::string department_;
  std::string operator_;
  TimeUs now_ = 0;
};

Customer LifecycleWriter::NewCustomer() {
  // A pool of 200 customers who do not always give every detail: the
  // engine matches contacts by id, then email, then phone.
  int n = static_cast<int>(Uniform(1, 200));
  std::string id = fmt::format("cust-{:03}", n);
  std::string email = fmt::format("customer{:03}@example.com", n);
  std::string phone = fmt::format("+1555{:07}", n);
  Customer customer;
  customer.name = kNames[static_cast<size_t>(n) % kNames.size()];
  double form = std::uniform_real_distribution<double>(0, 1)(rng_);
  if (form < 0.3) {
    customer.email = email;
  } else if (form < 0.45) {
    customer.phone = phone;
  } else {
    customer.id = id;
    customer.email = email;
    customer.phone = phone;
  }
  return customer;
}

OpenTicket LifecycleWriter::NewTicket() {
  static const std::vector<Channel> kChannels = {
      Channel::kChat,  Channel::kChat,     Channel::kEmail, Channel::kEmail,
      Channel::kWeb,   Channel::kWhatsapp, Channel::kPhone, Channel::kApi,
      Channel::kAgent, Channel::kChat};
  static const std::vector<Priority> kPriorities = {
      Priority::kLow,    Priority::kNormal, Priority::kNormal,
      Priority::kNormal, Priority::kNormal, Priority::kHigh,
      Priority::kHigh,   Priority::kUrgent};
  OpenTicket open;
  open.ticket = ticket_;
  open.subject = Pick(kSubjects);
  department_ = Pick(Departments());
  open.department = department_;
  if (Chance(0.5)) operator_ = Pick(OperatorsOf(department_));
  open.operator_id = operator_;
  open.customer = NewCustomer();
  open.channel = Pick(kChannels);
  open.priority = Pick(kPriorities);
  open.category = Pick(kCategories);
  for (int i = static_cast<int>(Uniform(0, 2)); i > 0; --i) {
    const std::string& label = Pick(kLabels);
    if (std::count(open.labels.begin(), open.labels.end(), label) == 0) {
      open.labels.push_back(label);
    }
  }
  open.custom_attributes["plan"] =
      Pick(std::vector<std::string>{"free", "pro", "enterprise"});
  open.custom_attributes["seats"] = static_cast<double>(Uniform(1, 500));
  open.custom_attributes["renewal"] = Chance(0.5);
  if (Chance(0.1)) open.status = TicketStatus::kPending;
  open.message =
      OpeningMessage{open.subject + ". Can you help?", MessageKind::kIncoming};
  return open;
}

void LifecycleWriter::CustomerReply(const std::string& text) {
  Reply reply{ticket_, ActorKind::kCustomer, text, {}};
  if (Chance(0.2)) {
    std::string sha(64, '0');
    for (char& c : sha) c = "0123456789abcdef"[Uniform(0, 15)];
    reply.attachments.push_back(
        Attachment{"screenshot.png", "image/png",
                   static_cast<uint64_t>(Uniform(10'000, 3'000'000)), sha});
  }
  Emit(std::move(reply));
}

void LifecycleWriter::Finish() {
  static const std::vector<std::string> kResolutions = {
      "solved", "solved", "solved", "solved",   "solved",
      "solved", "solved", "solved", "canceled", "duplicate"};
  Wait(5, 240);
  Emit(ticketlog::Finish{
      ticket_, "Solved; closing this ticket.", Pick(kResolutions), {}});
}

void LifecycleWriter::Write() {
  OpenTicket open = NewTicket();
  bool pending = open.status == TicketStatus::kPending;
  Emit(open);
  if (operator_.empty()) {
    if (Chance(0.15)) OperatorReply("Looking into it.");  // no_operator_linked
    Wait(1, 60);
    operator_ = Pick(OperatorsOf(department_));
    Emit(LinkOperator{ticket_, operator_});
  }
  Wait(1, 120);
  OperatorReply("Thanks for reaching out, we are on it.");
  if (pending) {
    Wait(30, 600);
    Emit(StopStatus{ticket_});
  }
  if (Chance(0.03)) {
    // A client retry: same command_id, so the engine answers with the first
    // result and appends nothing.
    Command retry = out_[first_];
    retry.at_us = now_;
    out_.push_back(retry);
  }
  if (Chance(0.5)) {
    Wait(5, 600);
    CustomerReply("Here is some more detail.");
  }
  if (Chance(0.4)) {
    Wait(1, 60);
    Emit(AddComment{ticket_, operator_, "Checked the logs; see above.", {}});
  }
  if (Chance(0.2)) {
    Wait(10, 240);
    std::string to = Pick(Departments());
    if (to == department_) to = Departments()[0] == to ? "billing" : "support";
    department_ = to;
    operator_ = Chance(0.7) ? Pick(OperatorsOf(to)) : "";
    Emit(Transfer{ticket_, to, operator_});
    if (operator_.empty()) {
      Wait(1, 60);
      operator_ = Pick(OperatorsOf(to));
      Emit(LinkOperator{ticket_, operator_});
    }
  }
  if (Chance(0.3)) {
    Wait(5, 120);
    Emit(StartStatus{ticket_,
                     Chance(0.6) ? "waiting_vendor" : "waiting_customer_info"});
    if (Chance(0.1)) {
      Wait(1, 30);
      Emit(StartStatus{ticket_, "waiting_vendor"});  // status_already_running
    }
    Wait(60, 2880);
    if (Chance(0.8)) Emit(StopStatus{ticket_});
  }
  if (Chance(0.15)) {
    Wait(1, 60);
    Update update;
    update.ticket = ticket_;
    update.priority = Chance(0.5) ? Priority::kHigh : Priority::kUrgent;
    update.custom_attributes["seats"] = static_cast<double>(Uniform(1, 500));
    update.custom_attributes["renewal"] = std::nullopt;
    // Every ticket is past version 1 by now: a stale client is refused.
    Emit(std::move(update),
         Chance(0.2) ? std::optional<uint64_t>(1) : std::nullopt);
  }
  if (Chance(0.02)) Emit(Close{ticket_});  // ticket_not_finished
  Wait(5, 600);
  OperatorReply("This should be fixed now.");
  if (!Chance(0.85)) return;  // left open: the desk's backlog
  Finish();
  if (Chance(0.15)) {
    Wait(60, 1440);
    CustomerReply("It happened again.");  // reopens the ticket
    Wait(5, 240);
    OperatorReply("Sorry about that, fixing it for good.");
    Finish();
  }
  if (Chance(0.6)) {
    Wait(1440, 4320);
    Emit(Close{ticket_});
    if (Chance(0.05)) {
      Wait(60, 600);
      CustomerReply("One more question.");  // ticket_closed
    }
  }
}

}  // namespace

std::string DemoTicketId(const std::string& account, uint32_t index) {
  boost::uuids::name_generator_sha1 generate(boost::uuids::ns::url());
  return boost::uuids::to_string(
      generate("ticketlog:demo:" + account + ":" + std::to_string(index)));
}

std::vector<Command> DemoDirectory(const std::string& account, TimeUs at_us) {
  std::vector<Command> commands;
  auto add = [&](CommandBody body) {
    Command command;
    command.account = account;
    command.body = std::move(body);
    command.at_us = at_us;
    commands.push_back(std::move(command));
  };
  add(DefineDepartment{"support", "Support"});
  add(DefineDepartment{"billing", "Billing"});
  add(DefineDepartment{"sales", "Sales"});
  for (const auto& op : Operators()) {
    add(RegisterOperator{op.id, op.name, op.departments});
  }
  add(DefineStatus{"waiting_vendor", "Waiting for vendor"});
  add(DefineStatus{"waiting_customer_info", "Waiting for customer info"});
  return commands;
}

std::vector<Command> DemoLifecycles(const WorkloadOptions& options) {
  std::mt19937_64 rng(options.seed);
  std::vector<Command> commands;
  for (uint32_t i = 1; i <= options.tickets; ++i) {
    LifecycleWriter(options, i, rng, commands).Write();
  }
  std::stable_sort(commands.begin(), commands.end(),
                   [](const Command& a, const Command& b) {
                     return a.at_us.value_or(0) < b.at_us.value_or(0);
                   });
  return commands;
}

}  // namespace ticketlog::cli
