#include "services/reporting/upstream_feeds.h"

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/platform/status/error_details.h"

namespace dienhinh::reporting {

std::vector<std::string> DefaultUpstreamFeedEntries() {
  return {"registry=127.0.0.1:50051", "intake=127.0.0.1:50052", "evaluation=127.0.0.1:50053"};
}

absl::StatusOr<std::vector<UpstreamFeed>> ParseUpstreamFeeds(
    const std::vector<std::string>& entries) {
  platform::ViolationList violations;
  std::vector<UpstreamFeed> feeds;
  std::set<std::string> names;
  for (size_t i = 0; i < entries.size(); ++i) {
    std::string entry(absl::StripAsciiWhitespace(entries[i]));
    std::string field = absl::StrCat("upstream_feeds[", i, "]");
    std::vector<std::string> parts = absl::StrSplit(entry, absl::MaxSplits('=', 1));
    if (parts.size() != 2 || parts[0].empty() || parts[1].empty()) {
      violations.Add(field, absl::StrCat("\"", entry, "\" is not source=host:port"));
      continue;
    }
    UpstreamFeed feed;
    feed.name = parts[0];
    feed.target = parts[1];
    feed.source = std::string(feed.name.substr(0, feed.name.find('@')));
    if (feed.source != "registry" && feed.source != "intake" && feed.source != "evaluation") {
      violations.Add(field, absl::StrCat("\"", feed.name,
                                         "\" must start with registry, intake or evaluation"));
      continue;
    }
    if (feed.name.find('@') != std::string::npos && feed.name.back() == '@') {
      violations.Add(field, absl::StrCat("\"", feed.name, "\" has an empty site after @"));
      continue;
    }
    size_t colon = feed.target.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == feed.target.size()) {
      violations.Add(field, absl::StrCat("\"", feed.target, "\" is not host:port"));
      continue;
    }
    if (!names.insert(feed.name).second) {
      violations.Add(field, absl::StrCat("\"", feed.name, "\" is given twice"));
      continue;
    }
    feeds.push_back(std::move(feed));
  }
  if (!violations.empty()) return violations.ToStatus("--upstream_feeds is not valid");
  return feeds;
}

}  // namespace dienhinh::reporting
