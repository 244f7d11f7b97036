// The HTML report of `ticketlog demo --html FILE`: one self-contained page
// (inline CSS and SVG, no script, nothing fetched) with the backlog of each
// account over time, replayed from the log, and the timeline of one ticket
// (its statuses as bands, its events as marks, and the events as a table).
#ifndef TICKETLOG_CLI_DEMO_HTML_H_
#define TICKETLOG_CLI_DEMO_HTML_H_

#include <string>
#include <vector>

#include "ticketlog/engine.h"

namespace ticketlog::cli {

struct DemoHtmlInput {
  std::vector<std::string> accounts;  // one backlog chart each
  std::string story_account;          // the ticket whose timeline is shown;
  std::string story_ticket;           // none when empty
};

// One day's end and the tickets open then (opened or reopened and not yet
// finished).
struct BacklogPoint {
  TimeUs day_end_us = 0;
  int64_t open = 0;
};

// The backlog of `account` at the end of each day from its first ticket to
// its last event, from the log's events (`events` in log order).
std::vector<BacklogPoint> Backlog(const std::vector<Event>& events,
                                  const std::string& account);

// `points` cut into the periods in which the backlog moves: a run of more
// than 90 days without a change (an account's imported past and its
// generated present) separates two periods and is left out.
std::vector<std::vector<BacklogPoint>> SplitAtGaps(
    const std::vector<BacklogPoint>& points);

// The page as text.
StatusOr<std::string> DemoHtml(Engine& engine, const DemoHtmlInput& input);

// Writes DemoHtml to `path`; io_error when the file cannot be written.
Status WriteDemoHtml(const std::string& path, Engine& engine,
                     const DemoHtmlInput& input);

}  // namespace ticketlog::cli

#endif  // TICKETLOG_CLI_DEMO_HTML_H_
