#include "projections/contacts.h"

#include <algorithm>

#include "base/normalize.h"
#include "store/coding.h"

namespace ticketlog::projections {
namespace {

struct Lookup {
  ContactField field;
  const std::string Customer::*member;
};
// Search order of the spec: id, then email, then phone.
constexpr Lookup kLookups[] = {{ContactField::kId, &Customer::id},
                               {ContactField::kEmail, &Customer::email},
                               {ContactField::kPhone, &Customer::phone}};

bool GetComponent(std::string_view bytes, size_t& pos, std::string& out) {
  if (pos + 2 > bytes.size()) return false;
  size_t n = (static_cast<unsigned char>(bytes[pos]) << 8) |
             static_cast<unsigned char>(bytes[pos + 1]);
  if (pos + 2 + n > bytes.size()) return false;
  out.assign(bytes.substr(pos + 2, n));
  pos += 2 + n;
  return true;
}

}  // namespace

// Layout: comp(contact) comp(id) comp(name) comp(email) comp(phone)
// be64(created) be64(updated).
std::string EncodeContactRecord(const ContactRecord& r) {
  const Customer& c = r.customer;
  std::string out;
  for (const std::string* part :
       {&c.contact, &c.id, &c.name, &c.email, &c.phone}) {
    store::PutComponent(out, *part);
  }
  store::PutBigEndian64(out, static_cast<uint64_t>(r.created_at_us));
  store::PutBigEndian64(out, static_cast<uint64_t>(r.updated_at_us));
  return out;
}

bool DecodeContactRecord(std::string_view bytes, ContactRecord& r) {
  size_t pos = 0;
  Customer& c = r.customer;
  for (std::string* part : {&c.contact, &c.id, &c.name, &c.email, &c.phone}) {
    if (!GetComponent(bytes, pos, *part)) return false;
  }
  if (bytes.size() != pos + 16) return false;
  r.created_at_us =
      static_cast<TimeUs>(store::GetBigEndian64(bytes.substr(pos)));
  r.updated_at_us =
      static_cast<TimeUs>(store::GetBigEndian64(bytes.substr(pos + 8)));
  return true;
}

std::string LookupValue(ContactField field, std::string_view value) {
  switch (field) {
    case ContactField::kEmail:
      return base::NormalizeEmail(value);
    case ContactField::kPhone:
      return base::NormalizePhone(value);
    default:
      return std::string(value);
  }
}

StatusOr<std::optional<ContactRecord>> ReadContact(const std::string& account,
                                                   const std::string& contact,
                                                   const ViewReader& read) {
  auto bytes = read(ContactKey(account, contact));
  if (!bytes.ok()) return bytes.status();
  if (!bytes->has_value()) return std::optional<ContactRecord>();
  ContactRecord record;
  if (!DecodeContactRecord(**bytes, record)) {
    return Status::Corruption("contact record " + contact + " is malformed");
  }
  return std::optional<ContactRecord>(std::move(record));
}

StatusOr<std::string> ContactHolding(const std::string& account,
                                     ContactField field, std::string_view value,
                                     const ViewReader& read) {
  std::string key = LookupValue(field, value);
  if (key.empty()) return std::string();
  auto holder = read(ContactByKey(account, field, key));
  if (!holder.ok()) return holder.status();
  return holder->value_or(std::string());
}

Status ApplyContact(const std::string& account, const Customer& customer,
                    TimeUs at_us, const ViewReader& read,
                    std::vector<store::ViewOp>& ops, bool& created) {
  auto stored = ReadContact(account, customer.contact, read);
  if (!stored.ok()) return stored.status();
  created = !stored->has_value();
  ContactRecord record;
  record.customer = customer;
  record.created_at_us = created ? at_us : (*stored)->created_at_us;
  // Contact commands take any `at` (imports in any order): a change dated
  // before the contact's creation still leaves updated >= created.
  record.updated_at_us = std::max(at_us, record.created_at_us);
  if (!created) {
    if ((*stored)->customer == customer) return Status::OK();
  }
  ops.push_back({store::ViewOp::Kind::kPut,
                 ContactKey(account, customer.contact),
                 EncodeContactRecord(record)});
  for (const Lookup& lookup : kLookups) {
    std::string now = LookupValue(lookup.field, customer.*lookup.member);
    std::string before =
        created ? std::string()
                : LookupValue(lookup.field, (*stored)->customer.*lookup.member);
    if (now == before) continue;
    if (!before.empty()) {
      std::string key = ContactByKey(account, lookup.field, before);
      auto holder = read(key);
      if (!holder.ok()) return holder.status();
      if (holder->has_value() && **holder == customer.contact) {
        ops.push_back({store::ViewOp::Kind::kDelete, std::move(key), {}});
      }
    }
    if (now.empty()) continue;
    std::string key = ContactByKey(account, lookup.field, now);
    auto taken = read(key);
    if (!taken.ok()) return taken.status();
    if (!taken->has_value()) {
      ops.push_back(
          {store::ViewOp::Kind::kPut, std::move(key), customer.contact});
    }
  }
  return Status::OK();
}

StatusOr<std::optional<ContactRecord>> FindContactByRef(
    const std::string& account, const std::string& ref,
    const ViewReader& read) {
  auto direct = ReadContact(account, ref, read);
  if (!direct.ok() || direct->has_value()) return direct;
  auto matching = ContactsMatching(account, ref, read);
  if (!matching.ok()) return matching.status();
  if (matching->empty()) return std::optional<ContactRecord>();
  auto found = ReadContact(account, matching->front(), read);
  if (!found.ok()) return found.status();
  if (!found->has_value()) {
    return Status::Corruption("contact lookup points at missing contact " +
                              matching->front());
  }
  return found;
}

StatusOr<std::vector<std::string>> ContactsMatching(const std::string& account,
                                                    const std::string& value,
                                                    const ViewReader& read) {
  std::vector<std::string> contacts;
  auto direct = read(ContactKey(account, value));
  if (!direct.ok()) return direct.status();
  if (direct->has_value()) contacts.push_back(value);
  for (const Lookup& lookup : kLookups) {
    if (lookup.field == ContactField::kEmail && !base::LooksLikeEmail(value)) {
      continue;
    }
    if (lookup.field == ContactField::kPhone && !base::LooksLikePhone(value)) {
      continue;
    }
    auto holder = ContactHolding(account, lookup.field, value, read);
    if (!holder.ok()) return holder.status();
    if (!holder->empty()) contacts.push_back(std::move(*holder));
  }
  // The first found is the one a reference resolves to (FindContactByRef);
  // duplicates are dropped in place.
  std::vector<std::string> unique;
  for (auto& contact : contacts) {
    if (std::find(unique.begin(), unique.end(), contact) == unique.end()) {
      unique.push_back(std::move(contact));
    }
  }
  return unique;
}

}  // namespace ticketlog::projections
