// Text folding for the search index: the same function turns indexed text
// and query text into the form terms are compared in, so that "Ação",
// "ACAO" and "acao" are one word.
#ifndef TICKETLOG_SEARCH_FOLD_H_
#define TICKETLOG_SEARCH_FOLD_H_

#include <string>
#include <string_view>

namespace ticketlog::search {

// Returns `text` lower-cased, with the accents of Latin letters removed
// (U+00C0..U+024F: "Ç" -> "c", "ñ" -> "n", "ß" -> "ss", "Æ" -> "ae") and
// combining diacritical marks (U+0300..U+036F, as in decomposed text)
// dropped. Other characters are kept as they are; invalid UTF-8 bytes are
// replaced by a space. Pure; thread-safe.
std::string FoldText(std::string_view text);

}  // namespace ticketlog::search

#endif  // TICKETLOG_SEARCH_FOLD_H_
