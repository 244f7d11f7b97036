// search_bench: the search index at scale. It feeds the index a synthetic
// log of help-desk tickets in Portuguese, Spanish and English (1,000,000
// messages by default), measures how many events a second it indexes, with
// its commits, and then how long queries take on the result.
//
// Usage: search_bench [--messages N] [--per-ticket M] [--queries Q]
//                     [--dir DIR] [--keep]
//
// The log is interleaved the way a live help desk's is: round after round,
// every ticket gets its next message, so consecutive events touch different
// documents. After the messages, 40% of the tickets are finished and half
// of those closed, so that the status filter has something to choose.
// Output is Markdown for docs/benchmarks.md.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "search/search_index.h"

namespace ticketlog::bench {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// Words of the three seed languages, most frequent first, accents included.
const std::vector<std::string>& Vocabulary() {
  static const std::vector<std::string> words = {"the",
                                                 "de",
                                                 "que",
                                                 "o",
                                                 "a",
                                                 "and",
                                                 "el",
                                                 "la",
                                                 "não",
                                                 "is",
                                                 "para",
                                                 "com",
                                                 "en",
                                                 "printer",
                                                 "impressora",
                                                 "impresora",
                                                 "boleto",
                                                 "factura",
                                                 "invoice",
                                                 "senha",
                                                 "contraseña",
                                                 "password",
                                                 "acesso",
                                                 "acceso",
                                                 "access",
                                                 "erro",
                                                 "error",
                                                 "sistema",
                                                 "system",
                                                 "pedido",
                                                 "order",
                                                 "entrega",
                                                 "delivery",
                                                 "envío",
                                                 "cobrança",
                                                 "cobro",
                                                 "charge",
                                                 "cancelamento",
                                                 "cancelación",
                                                 "cancellation",
                                                 "atualização",
                                                 "actualización",
                                                 "update",
                                                 "conexão",
                                                 "conexión",
                                                 "connection",
                                                 "internet",
                                                 "lento",
                                                 "slow",
                                                 "tela",
                                                 "pantalla",
                                                 "screen",
                                                 "travou",
                                                 "bloqueado",
                                                 "blocked",
                                                 "cartão",
                                                 "tarjeta",
                                                 "card",
                                                 "pagamento",
                                                 "pago",
                                                 "payment",
                                                 "reembolso",
                                                 "refund",
                                                 "urgente",
                                                 "urgent",
                                                 "ajuda",
                                                 "ayuda",
                                                 "help",
                                                 "cliente",
                                                 "customer",
                                                 "técnico",
                                                 "technician",
                                                 "visita",
                                                 "visit",
                                                 "agendamento",
                                                 "cita",
                                                 "appointment",
                                                 "endereço",
                                                 "dirección",
                                                 "address",
                                                 "telefone",
                                                 "teléfono",
                                                 "phone",
                                                 "mensagem",
                                                 "mensaje",
                                                 "message",
                                                 "email",
                                                 "correo",
                                                 "anexo",
                                                 "adjunto",
                                                 "attachment",
                                                 "relatório",
                                                 "informe",
                                                 "report",
                                                 "nota",
                                                 "fiscal",
                                                 "garantia",
                                                 "garantía",
                                                 "warranty",
                                                 "troca",
                                                 "cambio",
                                                 "exchange",
                                                 "produto",
                                                 "producto",
                                                 "product",
                                                 "defeito",
                                                 "defecto",
                                                 "defect",
                                                 "quebrado",
                                                 "roto",
                                                 "broken",
                                                 "ligação",
                                                 "llamada",
                                                 "call",
                                                 "retorno",
                                                 "respuesta",
                                                 "answer",
                                                 "obrigado",
                                                 "gracias",
                                                 "thanks",
                                                 "ainda",
                                                 "todavía",
                                                 "still",
                                                 "hoje",
                                                 "hoy",
                                                 "today",
                                                 "ontem",
                                                 "ayer",
                                                 "yesterday",
                                                 "manhã",
                                                 "mañana",
                                                 "morning",
                                                 "configuração",
                                                 "configuración",
                                                 "settings",
                                                 "aplicativo",
                                                 "aplicación",
                                                 "app",
                                                 "instalação",
                                                 "instalación",
                                                 "installation",
                                                 "licença",
                                                 "licencia",
                                                 "license",
                                                 "servidor",
                                                 "server",
                                                 "backup",
                                                 "dados",
                                                 "datos",
                                                 "data",
                                                 "arquivo",
                                                 "archivo",
                                                 "file",
                                                 "vírus",
                                                 "virus",
                                                 "segurança",
                                                 "seguridad",
                                                 "security",
                                                 "usuário",
                                                 "usuario",
                                                 "user",
                                                 "permissão",
                                                 "permiso",
                                                 "permission",
                                                 "ñandú",
                                                 "pingüino",
                                                 "açaí",
                                                 "coração",
                                                 "corazón",
                                                 "heart",
                                                 "fatura",
                                                 "vencida",
                                                 "overdue",
                                                 "plano",
                                                 "plan",
                                                 "upgrade",
                                                 "downgrade",
                                                 "contrato",
                                                 "contract",
                                                 "assinatura",
                                                 "suscripción",
                                                 "subscription"};
  return words;
}

class TextMaker {
 public:
  explicit TextMaker(uint32_t seed) : rng_(seed) {}

  // `n` words drawn with a Zipf-like skew: the first words are common, the
  // last ones rare.
  std::string Words(int n) {
    const auto& words = Vocabulary();
    std::string out;
    for (int i = 0; i < n; ++i) {
      double u = uniform_(rng_);
      size_t k = static_cast<size_t>(std::pow(u, 2.2) * words.size());
      if (!out.empty()) out += ' ';
      out += words[std::min(k, words.size() - 1)];
    }
    return out;
  }
  int Length() { return 6 + static_cast<int>(uniform_(rng_) * 20); }

 private:
  std::mt19937 rng_;
  std::uniform_real_distribution<double> uniform_{0.0, 1.0};
};

[[noreturn]] void Die(const std::string& why) {
  std::fprintf(stderr, "search_bench: %s\n", why.c_str());
  std::exit(2);
}

std::string TicketId(size_t t) {
  char id[48];  // 24 characters of prefix and up to 20 digits
  std::snprintf(id, sizeof id, "00000000-0000-4000-8000-%012zu", t);
  return id;
}

double Seconds(Clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

uint64_t DirBytes(const std::string& dir) {
  uint64_t bytes = 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) bytes += entry.file_size();
  }
  return bytes;
}

struct Query {
  std::string label;
  std::string text;
  std::vector<TicketStatus> statuses;
  uint32_t page = 1;
};

}  // namespace
}  // namespace ticketlog::bench

int main(int argc, char** argv) {
  using namespace ticketlog;
  using namespace ticketlog::bench;
  size_t messages = 1000000, per_ticket = 20, queries = 200;
  std::string dir = "./search-bench-data";
  bool keep = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) Die(a + " needs a value");
      return argv[++i];
    };
    if (a == "--messages") {
      messages = std::stoull(next());
    } else if (a == "--per-ticket") {
      per_ticket = std::max<size_t>(1, std::stoull(next()));
    } else if (a == "--queries") {
      queries = std::max<size_t>(1, std::stoull(next()));
    } else if (a == "--dir") {
      dir = next();
    } else if (a == "--keep") {
      keep = true;
    } else {
      Die("unknown argument " + a);
    }
  }
  size_t tickets = std::max<size_t>(1, messages / per_ticket);
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::string index_dir = dir + "/search";

  // ---- Indexing -------------------------------------------------------------
  auto index = search::SearchIndex::OpenWritable(index_dir);
  if (!index.ok()) Die(index.status().ToString());
  TextMaker text(42);
  std::vector<uint64_t> versions(tickets, 0);
  uint64_t position = 0, uncommitted = 0, commits = 0;
  constexpr uint64_t kCommitEvents = 10000;  // Options::search_commit_events
  Clock::duration generating{};
  auto apply = [&](size_t t, EventPayload payload) {
    Event event;
    event.position = ++position;
    event.account = "acme";
    event.stream = TicketId(t);
    event.version = ++versions[t];
    event.occurred_at_us = 1'700'000'000'000'000 + position;
    event.payload = std::move(payload);
    Status applied = (*index)->Apply(event);
    if (!applied.ok()) Die(applied.ToString());
    if (++uncommitted == kCommitEvents) {
      if (!(*index)->Commit().ok()) Die("commit failed");
      uncommitted = 0;
      ++commits;
    }
  };
  size_t message_count = 0;
  auto start = Clock::now();
  for (size_t round = 0; round < per_ticket; ++round) {
    for (size_t t = 0; t < tickets && message_count < messages; ++t) {
      auto made = Clock::now();
      Message message;
      message.seq = static_cast<uint32_t>(round + 1);
      message.content = text.Words(text.Length());
      if (round == 0) {
        TicketOpened opened;
        opened.ticket = TicketId(t);
        opened.number = t + 1;
        opened.subject = text.Words(5) + " protocolo" + std::to_string(t);
        opened.message = std::move(message);
        generating += Clock::now() - made;
        apply(t, std::move(opened));
      } else {
        generating += Clock::now() - made;
        apply(t, MessageAdded{std::move(message)});
      }
      ++message_count;
    }
  }
  for (size_t t = 0; t < tickets; ++t) {
    if (t % 5 < 2) apply(t, TicketFinished{"solved"});
    if (t % 5 == 0) apply(t, TicketClosed{});
  }
  if (!(*index)->Commit().ok()) Die("commit failed");
  ++commits;
  double index_s = Seconds(Clock::now() - start - generating);
  uint64_t index_bytes = DirBytes(index_dir);
  index->reset();

  std::printf("## Search index at %zu messages\n\n", message_count);
  std::printf(
      "%zu tickets of %zu messages each (6-25 words, Zipf-skewed pt/es/en "
      "vocabulary), %llu events, one account; a commit every %llu events "
      "(%llu commits).\n\n",
      tickets, per_ticket, static_cast<unsigned long long>(position),
      static_cast<unsigned long long>(kCommitEvents),
      static_cast<unsigned long long>(commits));
  std::printf("| indexing | figure |\n|---|---:|\n");
  std::printf("| events indexed per second (commits included) | %.0f |\n",
              position / index_s);
  std::printf("| mean time per event | %.1f µs |\n", index_s * 1e6 / position);
  std::printf("| index size on disk | %.0f MiB |\n\n", index_bytes / 1048576.0);

  // ---- Queries, on the index reopened as a new reader would ----------------
  auto reader = search::SearchIndex::OpenReader(index_dir);
  if (!reader.ok()) Die(reader.status().ToString());
  std::vector<Query> suite = {
      {"common word", "boleto", {}, 1},
      {"common word, page 20", "boleto", {}, 20},
      {"two words", "impressora quebrado", {}, 1},
      {"accented, upper case", "CONEXÃO LENTO", {}, 1},
      {"prefix", "impress*", {}, 1},
      {"short prefix", "co*", {}, 1},
      {"rare word", "pingüino coração", {}, 1},
      {"one ticket's code", "protocolo" + std::to_string(tickets / 2), {}, 1},
      {"status filter (open)", "boleto", {TicketStatus::kOpen}, 1},
      {"status filter (closed)", "factura", {TicketStatus::kClosed}, 1},
  };
  std::printf(
      "| query | text | matches | p50 ms | p95 ms | max ms |\n"
      "|---|---|---:|---:|---:|---:|\n");
  for (const Query& q : suite) {
    std::vector<double> ms;
    uint64_t total = 0;
    for (size_t i = 0; i < queries; ++i) {
      auto begin = Clock::now();
      auto found = (*reader)->Search("acme", q.text, q.statuses, q.page, 50);
      ms.push_back(Seconds(Clock::now() - begin) * 1e3);
      if (!found.ok()) Die(found.status().ToString());
      total = found->total;
    }
    std::sort(ms.begin(), ms.end());
    std::printf("| %s | `%s%s` | %llu | %.2f | %.2f | %.2f |\n",
                q.label.c_str(), q.text.c_str(),
                q.page > 1 ? (" --page " + std::to_string(q.page)).c_str() : "",
                static_cast<unsigned long long>(total), ms[ms.size() / 2],
                ms[ms.size() * 95 / 100], ms.back());
  }
  std::printf("\n");
  if (!keep) fs::remove_all(dir);
  return 0;
}
