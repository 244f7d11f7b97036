// The small JSON the SQLite peer stores in text columns, the way a help-desk
// developer would: labels as an array of strings, custom attributes and
// per-status durations as flat objects, and each event's changes as a flat
// object of column -> value, written and read with nlohmann-json; SQLite's
// json_each() reads the same text on the database side. A decoder returns
// nullopt for text that is not JSON or not its shape.
#ifndef TICKETLOG_BENCH_FLAT_JSON_H_
#define TICKETLOG_BENCH_FLAT_JSON_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bench/sqlite_util.h"
#include "ticketlog/types.h"

namespace ticketlog::bench {

// `text` as a quoted JSON string.
std::string JsonQuote(std::string_view text);

std::string EncodeStringArray(const std::vector<std::string>& items);
std::optional<std::vector<std::string>> DecodeStringArray(
    std::string_view json);

// Custom attributes: string, number or bool values.
std::string EncodeAttributes(const Attributes& attributes);
std::optional<Attributes> DecodeAttributes(std::string_view json);

std::string EncodeDurations(const std::map<std::string, int64_t>& durations);
std::optional<std::map<std::string, int64_t>> DecodeDurations(
    std::string_view json);

// {"key": value, ...} with NULL, integer or string values, in the given
// order.
std::string EncodeObject(
    const std::vector<std::pair<std::string, SqlValue>>& fields);

}  // namespace ticketlog::bench

#endif  // TICKETLOG_BENCH_FLAT_JSON_H_
