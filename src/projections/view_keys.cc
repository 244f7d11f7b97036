#include "projections/view_keys.h"

#include "store/coding.h"

namespace ticketlog::projections {
namespace {

using store::PutBigEndian64;
using store::PutComponent;

// Flipping the sign bit makes signed times sort correctly as bytes.
constexpr uint64_t kSignBit = uint64_t{1} << 63;

}  // namespace

std::string AccountPrefix(Prefix prefix, std::string_view account) {
  std::string key(1, static_cast<char>(prefix));
  PutComponent(key, account);
  return key;
}

std::string TicketKey(std::string_view account, std::string_view ticket) {
  std::string key = AccountPrefix(Prefix::kTicket, account);
  key.append(ticket);
  return key;
}

bool IsTicketKey(std::string_view key) {
  return !key.empty() && key[0] == static_cast<char>(Prefix::kTicket);
}

std::string IndexPrefix(std::string_view account, Dim dim,
                        std::string_view value, SortField sort) {
  std::string key = AccountPrefix(Prefix::kIndex, account);
  key.push_back(static_cast<char>(dim));
  PutComponent(key, value);
  key.push_back(static_cast<char>(sort));
  return key;
}

std::string SlaPrefix(std::string_view account, SlaIndex index) {
  std::string key = AccountPrefix(Prefix::kSla, account);
  key.push_back(static_cast<char>(index));
  return key;
}

std::string IndexKey(std::string_view prefix, TimeUs time, uint64_t number) {
  std::string key(prefix);
  PutBigEndian64(key, static_cast<uint64_t>(time) ^ kSignBit);
  PutBigEndian64(key, number);
  return key;
}

void DecodeIndexPosition(std::string_view key, size_t prefix_size, TimeUs& time,
                         uint64_t& number) {
  time = static_cast<TimeUs>(store::GetBigEndian64(key.substr(prefix_size)) ^
                             kSignBit);
  number = store::GetBigEndian64(key.substr(prefix_size + 8));
}

std::string CounterKey(std::string_view account, Dim dim,
                       std::string_view value) {
  std::string key = AccountPrefix(Prefix::kCounter, account);
  key.push_back(static_cast<char>(dim));
  PutComponent(key, value);
  return key;
}

std::string BreachDaysPrefix(std::string_view account,
                             const std::string* department) {
  std::string key = AccountPrefix(Prefix::kCounter, account);
  if (department == nullptr) {
    key.push_back(static_cast<char>(Dim::kBreachDays));
  } else {
    key.push_back(static_cast<char>(Dim::kDepartmentBreachDays));
    PutComponent(key, *department);
  }
  return key;
}

std::string BreachDayKey(std::string_view account,
                         const std::string* department, TimeUs day_start_us) {
  std::string key = BreachDaysPrefix(account, department);
  PutBigEndian64(key, static_cast<uint64_t>(day_start_us) ^ kSignBit);
  return key;
}

std::string ListDaysPrefix(std::string_view account) {
  std::string key = AccountPrefix(Prefix::kCounter, account);
  key.push_back(static_cast<char>(Dim::kListDays));
  return key;
}

std::string ListDayKey(std::string_view account, TimeUs day_start_us) {
  std::string key = ListDaysPrefix(account);
  PutBigEndian64(key, static_cast<uint64_t>(day_start_us) ^ kSignBit);
  return key;
}

TimeUs DecodeListDay(std::string_view key, size_t prefix_size) {
  return static_cast<TimeUs>(store::GetBigEndian64(key.substr(prefix_size)) ^
                             kSignBit);
}

bool IsSlotVectorKey(std::string_view key) {
  if (key.size() < 3 || key[0] != static_cast<char>(Prefix::kCounter)) {
    return false;
  }
  size_t account = static_cast<unsigned char>(key[1]) << 8 |
                   static_cast<unsigned char>(key[2]);
  if (key.size() <= 3 + account) return false;
  char dim = key[3 + account];
  return dim == static_cast<char>(Dim::kCells) ||
         dim == static_cast<char>(Dim::kListDays);
}

TimeUs UtcDay(TimeUs at_us) {
  TimeUs day = at_us / kUsPerDay;
  if (at_us % kUsPerDay < 0) --day;
  return day * kUsPerDay;
}

std::string DurationPrefix(std::string_view account, char kind) {
  std::string key = AccountPrefix(Prefix::kDuration, account);
  key.push_back(kind);
  return key;
}

std::string DurationKey(std::string_view account, char kind,
                        int64_t duration_us, std::string_view ticket) {
  std::string key = DurationPrefix(account, kind);
  PutBigEndian64(key, static_cast<uint64_t>(duration_us) ^ kSignBit);
  key.append(ticket);
  return key;
}

std::string ContactKey(std::string_view account, std::string_view contact) {
  std::string key = AccountPrefix(Prefix::kContact, account);
  key.append(contact);
  return key;
}

std::string ContactByKey(std::string_view account, ContactField field,
                         std::string_view value) {
  std::string key = AccountPrefix(Prefix::kContactBy, account);
  key.push_back(static_cast<char>(field));
  key.append(value);
  return key;
}

std::string NumberKey(std::string_view account) {
  return AccountPrefix(Prefix::kNumber, account);
}

std::string TicketByNumberKey(std::string_view account, uint64_t number) {
  std::string key = AccountPrefix(Prefix::kTicketByNumber, account);
  PutBigEndian64(key, number);
  return key;
}

std::string EncodeCount(int64_t count) {
  std::string out;
  PutBigEndian64(out, static_cast<uint64_t>(count));
  return out;
}

int64_t DecodeCount(std::string_view bytes) {
  if (bytes.size() != 8) return 0;
  return static_cast<int64_t>(store::GetBigEndian64(bytes));
}

}  // namespace ticketlog::projections
