#include "search/fold.h"

#include <catch2/catch.hpp>

using ticketlog::search::FoldText;

TEST_CASE("folding lower-cases ASCII and keeps the rest of it") {
  CHECK(FoldText("Printer ON Fire, 42!") == "printer on fire, 42!");
}

TEST_CASE("folding removes the accents of Portuguese and Spanish words") {
  CHECK(FoldText("AÇÃO Não Impressão") == "acao nao impressao");
  CHECK(FoldText("Señor Pingüino ¿qué tal?") == "senor pinguino ¿que tal?");
  CHECK(FoldText("ÁÉÍÓÚ àèìòù âêîôû ÿ") == "aeiou aeiou aeiou y");
}

TEST_CASE("folding spells out ligatures and drops combining marks") {
  CHECK(FoldText("Straße Æsir œuvre") == "strasse aesir oeuvre");
  // "ç" and "ã" decomposed: a base letter and a combining mark each.
  CHECK(FoldText("c\u0327a\u0303o") == "cao");
}

TEST_CASE("folding keeps other scripts and replaces invalid bytes") {
  CHECK(FoldText("× Привет 日本") == "× Привет 日本");
  CHECK(FoldText(std::string("a\xff"
                             "b\xc3")) == "a b ");
}
