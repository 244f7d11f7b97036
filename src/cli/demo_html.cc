#include "cli/demo_html.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <variant>

#include "base/text.h"
#include "cli/demo.h"

namespace ticketlog::cli {
namespace {

constexpr TimeUs kDayUs = 24LL * 3600 * 1000000;

std::string Escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string Day(TimeUs us) { return base::FormatTime(us).substr(0, 10); }

// A line chart of the backlog, as inline SVG.
std::string BacklogSvg(const std::string& account,
                       const std::vector<BacklogPoint>& points) {
  constexpr double kWidth = 640, kHeight = 220, kLeft = 48, kRight = 12,
                   kTop = 12, kBottom = 36;
  if (points.empty()) {
    return "<p>No tickets in " + Escape(account) + ".</p>";
  }
  int64_t max_open = 1;
  for (const BacklogPoint& p : points) max_open = std::max(max_open, p.open);
  double plot_w = kWidth - kLeft - kRight, plot_h = kHeight - kTop - kBottom;
  auto x = [&](size_t i) {
    return kLeft + (points.size() == 1
                        ? plot_w / 2
                        : plot_w * static_cast<double>(i) /
                              static_cast<double>(points.size() - 1));
  };
  auto y = [&](int64_t open) {
    return kTop + plot_h * (1 - static_cast<double>(open) /
                                    static_cast<double>(max_open));
  };
  std::string line, area;
  for (size_t i = 0; i < points.size(); ++i) {
    line += fmt::format("{:.1f},{:.1f} ", x(i), y(points[i].open));
  }
  area = fmt::format("{:.1f},{:.1f} ", x(0), y(0)) + line +
         fmt::format("{:.1f},{:.1f}", x(points.size() - 1), y(0));
  std::string svg = fmt::format(
      "<svg class=\"chart\" role=\"img\" width=\"{0}\" height=\"{1}\" "
      "viewBox=\"0 0 {0} {1}\"><title>Open tickets of {2} at the end of each "
      "day</title>",
      kWidth, kHeight, Escape(account));
  // Grid lines and labels at 0, half and the maximum.
  for (int64_t v : {int64_t{0}, max_open / 2, max_open}) {
    svg += fmt::format(
        "<line class=\"grid\" x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" "
        "y2=\"{:.1f}\"/><text class=\"label\" x=\"{:.1f}\" y=\"{:.1f}\" "
        "text-anchor=\"end\">{}</text>",
        kLeft, y(v), kWidth - kRight, y(v), kLeft - 6, y(v) + 4, v);
  }
  svg += fmt::format("<polygon class=\"area\" points=\"{}\"/>", area);
  svg += fmt::format("<polyline class=\"line\" points=\"{}\"/>", line);
  svg += fmt::format(
      "<text class=\"label\" x=\"{:.1f}\" y=\"{:.1f}\">{}</text>"
      "<text class=\"label\" x=\"{:.1f}\" y=\"{:.1f}\" "
      "text-anchor=\"end\">{}</text>",
      kLeft, kHeight - 12, Day(points.front().day_end_us - 1), kWidth - kRight,
      kHeight - 12, Day(points.back().day_end_us - 1));
  svg += "</svg>";
  return svg;
}

// The status a ticket is in after an event, or "" when it does not change.
struct StatusAfter {
  std::string operator()(const TicketOpened& e) {
    return std::string(Name(e.status));
  }
  std::string operator()(const StatusStarted&) { return "pending"; }
  std::string operator()(const StatusStopped&) { return "open"; }
  std::string operator()(const TicketFinished&) { return "finished"; }
  std::string operator()(const TicketReopened&) { return "open"; }
  std::string operator()(const TicketClosed&) { return "closed"; }
  std::string operator()(const auto&) { return ""; }
};

// A ticket's life on a time axis: status bands, then one mark per event.
std::string TimelineSvg(const std::vector<Event>& events) {
  // Lane labels on the left, the time axis right of them.
  constexpr double kWidth = 900, kLabels = 12, kLeft = 140, kRight = 12,
                   kBandY = 16, kBandH = 26, kMarksY = 62;
  TimeUs first = events.front().occurred_at_us;
  TimeUs last = std::max(events.back().occurred_at_us, first + 1);
  double plot_w = kWidth - kLeft - kRight;
  auto x = [&](TimeUs at) {
    return kLeft + plot_w * static_cast<double>(at - first) /
                       static_cast<double>(last - first);
  };
  // Event types each get a lane of marks.
  std::map<std::string, int> lanes;
  for (const Event& e : events) {
    lanes.emplace(std::string(EventTypeName(e.payload)), 0);
  }
  int lane = 0;
  for (auto& [type, index] : lanes) index = lane++;
  double height = kMarksY + 18.0 * lane + 28;
  std::string svg = fmt::format(
      "<svg class=\"chart\" role=\"img\" width=\"{0}\" height=\"{1}\" "
      "viewBox=\"0 0 {0} {1}\"><title>The ticket's statuses and events over "
      "time</title>",
      kWidth, height);
  std::string status;
  TimeUs since = first;
  auto band = [&](TimeUs until) {
    if (status.empty()) return;
    svg += fmt::format(
        "<rect class=\"status-{0}\" x=\"{1:.1f}\" y=\"{2}\" width=\"{3:.1f}\" "
        "height=\"{4}\"><title>{0}: {5} to {6}</title></rect>",
        status, x(since), kBandY, std::max(1.0, x(until) - x(since)), kBandH,
        base::FormatTime(since), base::FormatTime(until));
  };
  for (const Event& e : events) {
    std::string next = std::visit(StatusAfter{}, e.payload);
    if (next.empty() || next == status) continue;
    band(e.occurred_at_us);
    status = next;
    since = e.occurred_at_us;
  }
  band(last);
  svg += fmt::format(
      "<text class=\"label\" x=\"{:.1f}\" y=\"{:.1f}\">status</text>", kLabels,
      kBandY + kBandH / 2 + 4);
  for (const auto& [type, index] : lanes) {
    svg +=
        fmt::format("<text class=\"label\" x=\"{:.1f}\" y=\"{:.1f}\">{}</text>",
                    kLabels, kMarksY + 18.0 * index + 4, type);
  }
  for (const Event& e : events) {
    int index = lanes[std::string(EventTypeName(e.payload))];
    svg += fmt::format(
        "<circle class=\"mark\" cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"4\"><title>v{} "
        "{} {}: {}</title></circle>",
        x(e.occurred_at_us), kMarksY + 18.0 * index, e.version,
        base::FormatTime(e.occurred_at_us), EventTypeName(e.payload),
        Escape(Describe(e.payload)));
  }
  svg += fmt::format(
      "<text class=\"label\" x=\"{:.1f}\" y=\"{:.1f}\">{}</text>"
      "<text class=\"label\" x=\"{:.1f}\" y=\"{:.1f}\" "
      "text-anchor=\"end\">{}</text></svg>",
      kLeft, height - 8, base::FormatTime(first), kWidth - kRight, height - 8,
      base::FormatTime(last));
  return svg;
}

constexpr std::string_view kStyle = R"(
body { font: 15px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 960px; color: #1d2330; }
h1 { font-size: 1.6em; } h2 { font-size: 1.2em; margin-top: 2em; }
.chart { display: block; margin: .5em 0 1.5em; background: #fafbfc; border: 1px solid #dde1e6; }
.grid { stroke: #dde1e6; } .label { font-size: 11px; fill: #5a6270; }
.line { fill: none; stroke: #2f6fdf; stroke-width: 2; } .area { fill: #2f6fdf22; }
.status-open { fill: #2f9e5a; } .status-pending { fill: #e0a526; }
.status-finished { fill: #7a5ad0; } .status-closed { fill: #8a929e; }
.mark { fill: #2f6fdf; stroke: #fff; }
.legend span { display: inline-block; padding: 0 .6em; margin-right: .4em; color: #fff; border-radius: 3px; }
table { border-collapse: collapse; font-size: 13px; } th, td { text-align: left; padding: 2px 10px 2px 0; }
th { border-bottom: 1px solid #8a929e; } td.what { color: #3a4150; }
)";

}  // namespace

std::vector<std::vector<BacklogPoint>> SplitAtGaps(
    const std::vector<BacklogPoint>& points) {
  constexpr size_t kGapDays = 90;
  std::vector<std::vector<BacklogPoint>> periods;
  size_t start = 0;
  while (start < points.size()) {
    // A run of more than kGapDays days at the same backlog is a gap.
    size_t end = start + 1, same = 0;
    while (end < points.size()) {
      same = points[end].open == points[end - 1].open ? same + 1 : 0;
      if (same > kGapDays) break;
      ++end;
    }
    if (end < points.size()) end -= kGapDays;
    periods.emplace_back(points.begin() + static_cast<ptrdiff_t>(start),
                         points.begin() + static_cast<ptrdiff_t>(end));
    // Skip the flat days to where the backlog moves again.
    start = end;
    while (start + 1 < points.size() &&
           points[start + 1].open == points[start].open) {
      ++start;
    }
    if (start + 1 == points.size()) break;  // flat to the end
  }
  return periods;
}

std::vector<BacklogPoint> Backlog(const std::vector<Event>& events,
                                  const std::string& account) {
  std::vector<std::pair<TimeUs, int>> changes;
  TimeUs last = 0;
  for (const Event& e : events) {
    if (e.account != account) continue;
    int delta = std::visit(
        [](const auto& payload) -> int {
          using T = std::decay_t<decltype(payload)>;
          if constexpr (std::is_same_v<T, TicketOpened> ||
                        std::is_same_v<T, TicketReopened>) {
            return 1;
          } else if constexpr (std::is_same_v<T, TicketFinished>) {
            return -1;
          } else {
            return 0;
          }
        },
        e.payload);
    if (delta != 0) changes.emplace_back(e.occurred_at_us, delta);
    last = std::max(last, e.occurred_at_us);
  }
  std::vector<BacklogPoint> points;
  if (changes.empty()) return points;
  std::stable_sort(
      changes.begin(), changes.end(),
      [](const auto& a, const auto& b) { return a.first < b.first; });
  TimeUs day_end = (changes.front().first / kDayUs + 1) * kDayUs;
  int64_t open = 0;
  size_t i = 0;
  while (true) {
    while (i < changes.size() && changes[i].first < day_end) {
      open += changes[i++].second;
    }
    points.push_back({day_end, open});
    if (day_end > last) break;
    day_end += kDayUs;
  }
  return points;
}

StatusOr<std::string> DemoHtml(Engine& engine, const DemoHtmlInput& input) {
  std::vector<Event> events;
  TICKETLOG_RETURN_IF_ERROR(engine.ReadLog(1, [&](const Event& event) {
    events.push_back(event);
    return true;
  }));
  std::string html =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<title>ticketlog demo report</title><style>" +
      std::string(kStyle) +
      "</style></head><body>\n<h1>ticketlog demo report</h1>\n" +
      fmt::format(
          "<p>{} events in the log. Every chart is replayed from the "
          "log's events.</p>\n",
          events.size());
  html +=
      "<h2>Backlog over time</h2>\n<p>Open tickets (opened or reopened, "
      "not yet finished) at the end of each day.</p>\n";
  for (const std::string& account : input.accounts) {
    for (const auto& period : SplitAtGaps(Backlog(events, account))) {
      html += fmt::format("<h3>{}, {} to {}</h3>\n", Escape(account),
                          Day(period.front().day_end_us - 1),
                          Day(period.back().day_end_us - 1)) +
              BacklogSvg(account, period) + "\n";
    }
  }
  if (!input.story_ticket.empty()) {
    auto story = engine.History(input.story_account, input.story_ticket);
    if (!story.ok()) return story.status();
    if (!story->empty()) {
      html += fmt::format(
          "<h2>One ticket's timeline</h2>\n<p>Ticket {} of {}, {} events.</p>"
          "\n<p class=\"legend\"><span class=\"status-open\" "
          "style=\"background:#2f9e5a\">open</span><span "
          "style=\"background:#e0a526\">pending</span><span "
          "style=\"background:#7a5ad0\">finished</span><span "
          "style=\"background:#8a929e\">closed</span></p>\n",
          Escape(input.story_ticket), Escape(input.story_account),
          story->size());
      html += TimelineSvg(*story) +
              "\n<table><tr><th>version</th><th>at "
              "(UTC)</th><th>event</th><th>what "
              "changed</th></tr>\n";
      for (const Event& e : *story) {
        html += fmt::format(
            "<tr><td>v{}</td><td>{}</td><td>{}</td><td class=\"what\">{}</td>"
            "</tr>\n",
            e.version, base::FormatTime(e.occurred_at_us),
            EventTypeName(e.payload), Escape(Describe(e.payload)));
      }
      html += "</table>\n";
    }
  }
  html += "</body></html>\n";
  return html;
}

Status WriteDemoHtml(const std::string& path, Engine& engine,
                     const DemoHtmlInput& input) {
  auto html = DemoHtml(engine, input);
  if (!html.ok()) return html.status();
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << *html;
  file.close();
  if (!file) return Status::IoError("cannot write " + path);
  return Status::OK();
}

}  // namespace ticketlog::cli
