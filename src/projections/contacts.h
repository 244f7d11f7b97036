// The contacts view: an account's customers. A contact record holds the
// contact's current details and when it was created and last changed;
// lookups by customer id, normalised email and normalised phone
// (base/normalize.h) point at it. TicketOpened creates or completes a
// contact and ContactUpdated changes one; both record the contact as the
// command resolved it, so applying them again (a rebuild) yields the same
// view.
#ifndef TICKETLOG_PROJECTIONS_CONTACTS_H_
#define TICKETLOG_PROJECTIONS_CONTACTS_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "projections/view_keys.h"
#include "store/event_store.h"
#include "ticketlog/status.h"
#include "ticketlog/types.h"
#include "ticketlog/views.h"

namespace ticketlog::projections {

// Reads one views key; nullopt when absent.
using ViewReader =
    std::function<StatusOr<std::optional<std::string>>(const std::string&)>;

// A stored contact: its details and times (µs).
struct ContactRecord {
  Customer customer;
  TimeUs created_at_us = 0;
  TimeUs updated_at_us = 0;
};

std::string EncodeContactRecord(const ContactRecord& record);
bool DecodeContactRecord(std::string_view bytes, ContactRecord& record);

// The form a lookup value is keyed under: the customer id as given, the
// email and phone normalised.
std::string LookupValue(ContactField field, std::string_view value);

// The stored contact `contact` (a contact id), or nullopt.
StatusOr<std::optional<ContactRecord>> ReadContact(const std::string& account,
                                                   const std::string& contact,
                                                   const ViewReader& read);

// The contact id whose lookup `field` holds `value` (normalised here), or
// "" when none does.
StatusOr<std::string> ContactHolding(const std::string& account,
                                     ContactField field, std::string_view value,
                                     const ViewReader& read);

// View ops that record `customer` (as an event resolved it, at `at_us`):
// its record (created when new, its update time moved when its details
// changed, nothing when they did not) and its lookups (those it no longer
// holds removed, each new value added unless another contact holds it).
// `created` is set when the contact is new.
Status ApplyContact(const std::string& account, const Customer& customer,
                    TimeUs at_us, const ViewReader& read,
                    std::vector<store::ViewOp>& ops, bool& created);

// The contact a reference names: a contact id, else a customer id, an email
// or a phone (matched normalised); nullopt when none.
StatusOr<std::optional<ContactRecord>> FindContactByRef(
    const std::string& account, const std::string& ref, const ViewReader& read);

// Contact ids that a list's `--customer` value names: the contact with that
// id, and the contacts found by that customer id, email or phone.
StatusOr<std::vector<std::string>> ContactsMatching(const std::string& account,
                                                    const std::string& value,
                                                    const ViewReader& read);

}  // namespace ticketlog::projections

#endif  // TICKETLOG_PROJECTIONS_CONTACTS_H_
