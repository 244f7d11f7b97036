// A minimal host program: opens an engine, defines a department and an
// operator, opens a ticket, answers it and lists the account's open tickets.
// Built against the installed package by tests/consumer (see
// docs/embedding.md).
#include <cstdio>
#include <string>

#include "ticketlog/ticketlog.h"

int main(int argc, char** argv) {
  ticketlog::Options options;
  options.path = argc > 1 ? argv[1] : "./host-data";
  options.sync = true;  // every acknowledged command survives a power cut
  auto engine = ticketlog::Engine::Open(options);
  if (!engine.ok()) {
    std::fprintf(stderr, "open: %s\n", engine.status().ToString().c_str());
    return 2;
  }

  auto run = [&](ticketlog::CommandBody body) {
    ticketlog::Command command;
    command.account = "acme";
    command.body = std::move(body);
    return (*engine)->Execute(command);
  };

  if (auto r = run(ticketlog::DefineDepartment{"support", "Support"}); !r.ok()) {
    std::fprintf(stderr, "%s\n", r.status().ToString().c_str());
    return 1;
  }
  if (auto r = run(ticketlog::RegisterOperator{"ana", "Ana", {"support"}});
      !r.ok()) {
    std::fprintf(stderr, "%s\n", r.status().ToString().c_str());
    return 1;
  }

  ticketlog::OpenTicket open;
  open.subject = "Cannot log in";
  open.department = "support";
  open.operator_id = "ana";
  open.customer.email = "maria@example.com";
  open.customer.name = "Maria";
  open.message = ticketlog::OpeningMessage{"My password stopped working."};
  auto opened = run(open);
  if (!opened.ok()) {
    std::fprintf(stderr, "%s\n", opened.status().ToString().c_str());
    return 1;
  }

  auto reply = run(ticketlog::Reply{opened->ticket,
                                    ticketlog::ActorKind::kOperator,
                                    "I have sent you a reset link."});
  if (!reply.ok()) {
    std::fprintf(stderr, "%s\n", reply.status().ToString().c_str());
    return 1;
  }

  ticketlog::ListQuery query;
  query.account = "acme";
  query.statuses = {ticketlog::TicketStatus::kOpen};
  auto page = (*engine)->List(query);
  if (!page.ok()) {
    std::fprintf(stderr, "%s\n", page.status().ToString().c_str());
    return 1;
  }
  for (const auto& ticket : page->items) {
    std::printf("#%llu %s [%s] awaiting %s, %u messages\n",
                static_cast<unsigned long long>(ticket.number),
                ticket.subject.c_str(),
                std::string(ticketlog::Name(ticket.status)).c_str(),
                std::string(ticketlog::Name(ticket.awaiting)).c_str(),
                ticket.message_count);
  }
  std::printf("open tickets: %llu\n",
              static_cast<unsigned long long>(page->total));
  return 0;
}
