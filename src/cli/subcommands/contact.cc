// `ticketlog contact --account A REF` and `ticketlog contacts --account A
// [--page N]`: one contact, named by its contact id, a customer id, an email
// or a phone (in any spelling), or a page of 50 of the account's contacts.
#include <limits>

#include "cli/json_view.h"
#include "cli/subcommands/all.h"

namespace ticketlog::cli {

void AddContact(Registry& registry) {
  struct Flags {
    std::string account;
    std::string ref;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* app = registry.Add(
      "contact", "one contact, by contact id, customer id, email or phone",
      kGroupQueries, [flags](Context& ctx) {
        auto engine = OpenEngine(ctx, /*read_only=*/true);
        if (engine == nullptr) return kExitUsage;
        auto contact = engine->GetContact(flags->account, flags->ref);
        if (!contact.ok()) return ReportFailure(ctx, contact.status());
        ctx.out << Dump(ContactViewJson(*contact)) << "\n";
        return kExitOk;
      });
  app->add_option("--account", flags->account, "the account")
      ->type_name("A")
      ->required();
  app->add_option("REF", flags->ref,
                  "a contact id, customer id, email or phone")
      ->required();
}

void AddContacts(Registry& registry) {
  struct Flags {
    std::string account;
    TextFlag page;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* app = registry.Add(
      "contacts", "a page of 50 of an account's contacts, with the total",
      kGroupQueries, [flags](Context& ctx) {
        auto page =
            UnsignedFlag(flags->page, 1, std::numeric_limits<uint32_t>::max());
        if (!page.ok()) return UsageError(ctx, page.status().message());
        auto engine = OpenEngine(ctx, /*read_only=*/true);
        if (engine == nullptr) return kExitUsage;
        auto contacts = engine->ListContacts(
            flags->account, static_cast<uint32_t>(page->value_or(1)));
        if (!contacts.ok()) return ReportFailure(ctx, contacts.status());
        ctx.out << Dump(ContactPageJson(*contacts)) << "\n";
        return kExitOk;
      });
  app->add_option("--account", flags->account, "the account")
      ->type_name("A")
      ->required();
  AddText(app, "--page", flags->page, "N", "the page, from 1 (default 1)");
}

}  // namespace ticketlog::cli
