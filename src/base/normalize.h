// The canonical forms under which help-desk values are compared: emails
// and labels match in any case, phone numbers on their digits. Values are
// shown as given (trimmed); only lookups and comparisons use these forms.
#ifndef TICKETLOG_BASE_NORMALIZE_H_
#define TICKETLOG_BASE_NORMALIZE_H_

#include <string>
#include <string_view>
#include <vector>

namespace ticketlog::base {

// `text` without leading and trailing ASCII whitespace.
std::string_view Trim(std::string_view text);

// Lower case of valid UTF-8 `text`: ASCII, Latin-1 and Latin Extended-A
// letters (the scripts of Portuguese, Spanish and English text); other code
// points are kept as they are.
std::string LowerCase(std::string_view text);

// The form an email is matched in: trimmed and lower-cased.
std::string NormalizeEmail(std::string_view email);

// The form a phone number is matched in: its digits, after a `+` when the
// number starts with one; spaces, dots, dashes, parentheses and any other
// character are dropped. "+55 (11) 91234-5678" -> "+5511912345678".
// A value without digits is matched as trimmed text.
std::string NormalizePhone(std::string_view phone);

// Whether a reference that may be a contact id, customer id, email or
// phone could be an email (it has an '@') or a phone (digits, with only
// spaces, dots, dashes, parentheses and a leading '+' besides).
bool LooksLikeEmail(std::string_view text);
bool LooksLikePhone(std::string_view text);

// The stored form of a label: trimmed and lower-cased.
std::string NormalizeLabel(std::string_view label);

// Labels in their stored form, without duplicates, in the order first
// given. Labels that are empty once trimmed are dropped (validation refuses
// them before).
std::vector<std::string> NormalizeLabels(
    const std::vector<std::string>& labels);

}  // namespace ticketlog::base

#endif  // TICKETLOG_BASE_NORMALIZE_H_
