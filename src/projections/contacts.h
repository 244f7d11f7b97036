// The contacts view: an account's customers, found by id, then email, then
// phone. Contacts are created and enriched by TicketOpened events; the
// event records the contact as resolved, so applying it again (a rebuild)
// yields the same view.
#ifndef TICKETLOG_PROJECTIONS_CONTACTS_H_
#define TICKETLOG_PROJECTIONS_CONTACTS_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "store/event_store.h"
#include "ticketlog/status.h"
#include "ticketlog/types.h"

namespace ticketlog::projections {

// Reads one views key; nullopt when absent.
using ViewReader =
    std::function<StatusOr<std::optional<std::string>>(const std::string&)>;

// The stored contact matching `ref` by id, then email, then phone, merged
// with the details `ref` adds where the contact has none; nullopt when no
// contact matches.
StatusOr<std::optional<Customer>> FindContact(const std::string& account,
                                              const Customer& ref,
                                              const ViewReader& read);

// `stored` (a contact found for `ref`) with the id, name, email and phone
// that `ref` has and `stored` lacks. What a command's customer reference
// adds to the contact it resolves to; the SQLite peer and the benchmarks'
// model resolve contacts the same way.
Customer WithMissingDetails(Customer stored, const Customer& ref);

// View ops that record `customer` (as resolved in a TicketOpened event): its
// record, and lookups for each of its id, email and phone not yet taken.
Status ApplyContact(const std::string& account, const Customer& customer,
                    const ViewReader& read, std::vector<store::ViewOp>& ops);

// Contact ids that a list's `--customer` value names: the contact with that
// id, and the contacts found by that customer id, email or phone.
StatusOr<std::vector<std::string>> ContactsMatching(const std::string& account,
                                                    const std::string& value,
                                                    const ViewReader& read);

std::string EncodeContact(const Customer& customer);
bool DecodeContact(std::string_view bytes, Customer& customer);

}  // namespace ticketlog::projections

#endif  // TICKETLOG_PROJECTIONS_CONTACTS_H_
