#include "bench/ticket_columns.h"

#include <optional>

#include "bench/flat_json.h"

namespace ticketlog::bench {
namespace {

SqlValue Int(int64_t v) { return v; }
SqlValue Text(const std::string& v) { return v; }
SqlValue Optional(const std::optional<int64_t>& v) {
  return v ? SqlValue(*v) : SqlValue();
}

bool SetText(std::string& field, const SqlValue& v) {
  if (const auto* s = std::get_if<std::string>(&v)) {
    field = *s;
    return true;
  }
  if (std::holds_alternative<std::monostate>(v)) {
    field.clear();
    return true;
  }
  return false;
}

template <typename T>
bool SetInt(T& field, const SqlValue& v) {
  const auto* i = std::get_if<int64_t>(&v);
  if (!i) return false;
  field = static_cast<T>(*i);
  return true;
}

bool SetOptional(std::optional<int64_t>& field, const SqlValue& v) {
  if (std::holds_alternative<std::monostate>(v)) {
    field.reset();
    return true;
  }
  const auto* i = std::get_if<int64_t>(&v);
  if (!i) return false;
  field = *i;
  return true;
}

// The columns in table order. Enums are stored as their numeric values.
#define TL_TEXT(col, field)                                                  \
  TicketColumn {                                                             \
    col, "TEXT NOT NULL", [](const TicketView& v) { return Text(v.field); }, \
        [](TicketView& v, const SqlValue& x) { return SetText(v.field, x); } \
  }
#define TL_INT(col, field)                                                  \
  TicketColumn {                                                            \
    col, "INTEGER NOT NULL",                                                \
        [](const TicketView& v) {                                           \
          return Int(static_cast<int64_t>(v.field));                        \
        },                                                                  \
        [](TicketView& v, const SqlValue& x) { return SetInt(v.field, x); } \
  }
#define TL_OPT(col, field)                                                 \
  TicketColumn {                                                           \
    col, "INTEGER", [](const TicketView& v) { return Optional(v.field); }, \
        [](TicketView& v, const SqlValue& x) {                             \
          return SetOptional(v.field, x);                                  \
        }                                                                  \
  }

const std::vector<TicketColumn>& Columns() {
  static const std::vector<TicketColumn> kColumns = {
      TL_TEXT("ticket", ticket),
      TL_TEXT("account", account),
      TL_INT("number", number),
      TL_TEXT("subject", subject),
      TL_INT("status", status),
      TL_TEXT("custom_status", custom_status),
      TL_INT("status_started_at", status_started_at_us),
      TL_TEXT("department", department),
      TL_TEXT("operator", operator_id),
      TL_TEXT("contact", customer.contact),
      TL_TEXT("customer_id", customer.id),
      TL_TEXT("customer_name", customer.name),
      TL_TEXT("customer_email", customer.email),
      TL_TEXT("customer_phone", customer.phone),
      TL_INT("channel", channel),
      TL_INT("priority", priority),
      TL_TEXT("category", category),
      {"labels", "TEXT NOT NULL",
       [](const TicketView& v) { return Text(EncodeStringArray(v.labels)); },
       [](TicketView& v, const SqlValue& x) {
         const auto* s = std::get_if<std::string>(&x);
         if (!s) return false;
         auto labels = DecodeStringArray(*s);
         if (!labels) return false;
         v.labels = std::move(*labels);
         return true;
       }},
      {"attributes", "TEXT NOT NULL",
       [](const TicketView& v) {
         return Text(EncodeAttributes(v.custom_attributes));
       },
       [](TicketView& v, const SqlValue& x) {
         const auto* s = std::get_if<std::string>(&x);
         if (!s) return false;
         auto attributes = DecodeAttributes(*s);
         if (!attributes) return false;
         v.custom_attributes = std::move(*attributes);
         return true;
       }},
      TL_INT("awaiting", awaiting),
      TL_INT("created_at", created_at_us),
      TL_INT("updated_at", updated_at_us),
      TL_OPT("first_response_at", first_response_at_us),
      TL_OPT("finished_at", finished_at_us),
      TL_OPT("closed_at", closed_at_us),
      TL_OPT("first_response_us", first_response_us),
      TL_OPT("resolution_us", resolution_us),
      TL_TEXT("resolution", resolution),
      TL_INT("reopen_count", reopen_count),
      TL_INT("transfer_count", transfer_count),
      TL_INT("message_count", message_count),
      TL_INT("paused_us", paused_us),
      {"status_durations", "TEXT NOT NULL",
       [](const TicketView& v) {
         return Text(EncodeDurations(v.status_durations_us));
       },
       [](TicketView& v, const SqlValue& x) {
         const auto* s = std::get_if<std::string>(&x);
         if (!s) return false;
         auto durations = DecodeDurations(*s);
         if (!durations) return false;
         v.status_durations_us = std::move(*durations);
         return true;
       }},
      TL_INT("version", version),
  };
  return kColumns;
}

#undef TL_TEXT
#undef TL_INT
#undef TL_OPT

}  // namespace

const std::vector<TicketColumn>& TicketColumns() { return Columns(); }

int TicketColumnIndex(std::string_view name) {
  const auto& columns = Columns();
  for (size_t i = 0; i < columns.size(); ++i) {
    if (name == columns[i].name) return static_cast<int>(i);
  }
  return -1;
}

const std::string& TicketColumnList() {
  static const std::string kList = [] {
    std::string out;
    for (const auto& c : Columns()) {
      if (!out.empty()) out += ", ";
      out += c.name;
    }
    return out;
  }();
  return kList;
}

std::vector<std::pair<std::string, SqlValue>> ChangedColumns(
    const TicketView& before, const TicketView& after) {
  std::vector<std::pair<std::string, SqlValue>> out;
  for (const auto& c : Columns()) {
    SqlValue a = c.get(after);
    if (c.get(before) != a) out.emplace_back(c.name, std::move(a));
  }
  return out;
}

}  // namespace ticketlog::bench
