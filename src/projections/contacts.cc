#include "projections/contacts.h"

#include <algorithm>

#include "projections/view_keys.h"
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

StatusOr<std::optional<Customer>> ReadContact(const std::string& account,
                                              const std::string& contact,
                                              const ViewReader& read) {
  auto bytes = read(ContactKey(account, contact));
  if (!bytes.ok()) return bytes.status();
  if (!bytes->has_value()) return std::optional<Customer>();
  Customer customer;
  if (!DecodeContact(**bytes, customer)) {
    return Status::Corruption("contact record " + contact + " is malformed");
  }
  return std::optional<Customer>(std::move(customer));
}

void FillBlank(std::string& mine, const std::string& theirs) {
  if (mine.empty()) mine = theirs;
}

}  // namespace

Customer WithMissingDetails(Customer stored, const Customer& ref) {
  FillBlank(stored.id, ref.id);
  FillBlank(stored.name, ref.name);
  FillBlank(stored.email, ref.email);
  FillBlank(stored.phone, ref.phone);
  return stored;
}

std::string EncodeContact(const Customer& c) {
  std::string out;
  for (const std::string* part :
       {&c.contact, &c.id, &c.name, &c.email, &c.phone}) {
    store::PutComponent(out, *part);
  }
  return out;
}

bool DecodeContact(std::string_view bytes, Customer& c) {
  size_t pos = 0;
  for (std::string* part : {&c.contact, &c.id, &c.name, &c.email, &c.phone}) {
    if (pos + 2 > bytes.size()) return false;
    size_t n = (static_cast<unsigned char>(bytes[pos]) << 8) |
               static_cast<unsigned char>(bytes[pos + 1]);
    if (pos + 2 + n > bytes.size()) return false;
    part->assign(bytes.substr(pos + 2, n));
    pos += 2 + n;
  }
  return pos == bytes.size();
}

StatusOr<std::optional<Customer>> FindContact(const std::string& account,
                                              const Customer& ref,
                                              const ViewReader& read) {
  for (const Lookup& lookup : kLookups) {
    const std::string& value = ref.*lookup.member;
    if (value.empty()) continue;
    auto contact = read(ContactByKey(account, lookup.field, value));
    if (!contact.ok()) return contact.status();
    if (!contact->has_value()) continue;
    auto found = ReadContact(account, **contact, read);
    if (!found.ok()) return found.status();
    if (!found->has_value()) {
      return Status::Corruption("contact lookup points at missing contact " +
                                **contact);
    }
    return std::optional<Customer>(WithMissingDetails(std::move(**found), ref));
  }
  return std::optional<Customer>();
}

Status ApplyContact(const std::string& account, const Customer& customer,
                    const ViewReader& read, std::vector<store::ViewOp>& ops) {
  ops.push_back({store::ViewOp::Kind::kPut,
                 ContactKey(account, customer.contact),
                 EncodeContact(customer)});
  for (const Lookup& lookup : kLookups) {
    const std::string& value = customer.*lookup.member;
    if (value.empty()) continue;
    std::string key = ContactByKey(account, lookup.field, value);
    auto taken = read(key);
    if (!taken.ok()) return taken.status();
    if (!taken->has_value()) {
      ops.push_back(
          {store::ViewOp::Kind::kPut, std::move(key), customer.contact});
    }
  }
  return Status::OK();
}

StatusOr<std::vector<std::string>> ContactsMatching(const std::string& account,
                                                    const std::string& value,
                                                    const ViewReader& read) {
  std::vector<std::string> contacts;
  auto direct = read(ContactKey(account, value));
  if (!direct.ok()) return direct.status();
  if (direct->has_value()) contacts.push_back(value);
  for (const Lookup& lookup : kLookups) {
    auto contact = read(ContactByKey(account, lookup.field, value));
    if (!contact.ok()) return contact.status();
    if (contact->has_value()) contacts.push_back(**contact);
  }
  std::sort(contacts.begin(), contacts.end());
  contacts.erase(std::unique(contacts.begin(), contacts.end()), contacts.end());
  return contacts;
}

}  // namespace ticketlog::projections
