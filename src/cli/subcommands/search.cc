// `ticketlog search --account A QUERY... [--status S[,S...]] [--page N]`:
// full-text search over subjects and messages, best matches first, pages of
// 50 with the total. The words of every QUERY argument form the query:
// any case and accent, `word*` for a prefix, `-word` to exclude.
#include <limits>

#include "base/text.h"
#include "cli/json_view.h"
#include "cli/subcommands/all.h"

namespace ticketlog::cli {

void AddSearch(Registry& registry) {
  struct Flags {
    std::string account;
    std::vector<std::string> words;
    TextFlag status, page;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* app = registry.Add(
      "search", "full text of subjects and messages; word* matches a prefix",
      kGroupQueries, [flags](Context& ctx) {
        SearchQuery query;
        query.account = flags->account;
        if (Status parsed = ParseStatusList(flags->status, query.statuses);
            !parsed.ok()) {
          return UsageError(ctx, parsed.message());
        }
        auto page =
            UnsignedFlag(flags->page, 1, std::numeric_limits<uint32_t>::max());
        if (!page.ok()) return UsageError(ctx, page.status().message());
        query.page = static_cast<uint32_t>(page->value_or(1));
        for (const std::string& word : flags->words) {
          if (!query.text.empty()) query.text += ' ';
          query.text += word;
        }
        auto engine = OpenEngine(ctx, /*read_only=*/true);
        if (engine == nullptr) return kExitUsage;
        auto found = engine->Search(query);
        if (!found.ok()) return ReportFailure(ctx, found.status());
        ctx.out << Dump(SearchPageJson(*found, base::NowUs())) << "\n";
        return kExitOk;
      });
  app->add_option("--account", flags->account, "the account")
      ->type_name("A")
      ->required();
  app->add_option("QUERY", flags->words, "words to find")->required();
  AddText(app, "--status", flags->status, "S[,S...]",
          "open, pending, finished or closed; several separated by commas");
  AddText(app, "--page", flags->page, "N", "the page, from 1 (default 1)");
}

}  // namespace ticketlog::cli
