#include "services/platform/plan/criteria_parameters.h"

#include <dirent.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>
#include <vector>

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "services/platform/plan/text_format_errors.h"
#include "services/platform/status/error_details.h"

namespace dienhinh::platform {
namespace {

using ::dienhinh::evaluation::v1::Criterion;
using ::dienhinh::evaluation::v1::NomineeKind;
using ::dienhinh::evaluation::v1::RatedAspect;
using ::dienhinh::evaluation::v1::RatingRequirement;
using ::dienhinh::evaluation::v1::StandingParameters;
using ::dienhinh::evaluation::v1::Subject;
using ::dienhinh::evaluation::v1::VoteShareRule;
using ::dienhinh::type::v1::Category;
using ::google::protobuf::TextFormat;

bool ValidCriterionId(const std::string& id) {
  if (id.size() < 2 || !absl::ascii_isupper(static_cast<unsigned char>(id[0]))) return false;
  return std::all_of(id.begin() + 1, id.end(),
                     [](char c) { return absl::ascii_isdigit(static_cast<unsigned char>(c)); });
}

// Which categories nominate collectives and which individuals.
using NomineeKinds = std::map<int, NomineeKind>;

// Whether every category of the criterion nominates `kind`.
bool OnlyFor(const Criterion& c, const NomineeKinds& kinds, NomineeKind kind) {
  for (int category : c.categories()) {
    auto it = kinds.find(category);
    if (it == kinds.end() || it->second != kind) return false;
  }
  return true;
}

void CheckVoteShare(const VoteShareRule& rule, const std::string& path, ViolationList& v) {
  if (rule.minimum_share_bp() < 1 || rule.minimum_share_bp() > 10000) {
    v.Add(path + ".minimum_share_bp", "must be 1 to 10000 basis points");
  }
  if (rule.base() == ::dienhinh::evaluation::v1::VOTE_BASE_UNSPECIFIED) {
    v.Add(path + ".base", "is required (VOTE_BASE_PRESENT or VOTE_BASE_MEMBERS)");
  }
  if (rule.minimum_attendance_bp() < 0 || rule.minimum_attendance_bp() > 10000) {
    v.Add(path + ".minimum_attendance_bp", "must be 0 to 10000 basis points");
  }
}

// Subjects other than the nominee only make sense for individuals, whose records name the unit
// they worked in or headed.
void CheckSubject(Subject subject, const Criterion& c, const NomineeKinds& kinds,
                  const std::string& path, ViolationList& v) {
  if ((subject == ::dienhinh::evaluation::v1::SUBJECT_NOMINEE_UNIT ||
       subject == ::dienhinh::evaluation::v1::SUBJECT_HEADED_UNIT) &&
      !OnlyFor(c, kinds, ::dienhinh::evaluation::v1::NOMINEE_KIND_INDIVIDUAL)) {
    v.Add(path, "a unit of the nominee's record is only known for individual categories");
  }
}

void CheckRating(const RatingRequirement& r, const Criterion& c, const NomineeKinds& kinds,
                 const std::string& path, ViolationList& v) {
  switch (r.aspect()) {
    case ::dienhinh::evaluation::v1::RATED_ASPECT_TASK_ASSESSMENT:
    case ::dienhinh::evaluation::v1::RATED_ASPECT_PARTY_ORGANISATION:
      if (r.minimum_task_assessment() == ::dienhinh::type::v1::TASK_ASSESSMENT_UNSPECIFIED) {
        v.Add(path + ".minimum_task_assessment", "is required for this aspect");
      }
      break;
    case ::dienhinh::evaluation::v1::RATED_ASPECT_PROFESSIONAL_RATING:
      if (r.minimum_professional_rating() == ::dienhinh::type::v1::PROFESSIONAL_RATING_UNSPECIFIED) {
        v.Add(path + ".minimum_professional_rating", "is required for this aspect");
      }
      if (!OnlyFor(c, kinds, ::dienhinh::evaluation::v1::NOMINEE_KIND_INDIVIDUAL)) {
        v.Add(path + ".aspect", "a professional-standard rating is a person's: individual categories only");
      }
      break;
    case ::dienhinh::evaluation::v1::RATED_ASPECT_UNIONS:
      if (r.minimum_organisation_rating() == ::dienhinh::type::v1::ORGANISATION_RATING_UNSPECIFIED) {
        v.Add(path + ".minimum_organisation_rating", "is required for this aspect");
      }
      break;
    default:
      v.Add(path + ".aspect", "is required");
  }
}

void CheckStanding(const StandingParameters& s, const Criterion& c, const NomineeKinds& kinds,
                   const std::string& path, ViolationList& v) {
  using ::dienhinh::evaluation::v1::NOMINEE_KIND_COLLECTIVE;
  using ::dienhinh::evaluation::v1::NOMINEE_KIND_INDIVIDUAL;
  switch (s.scope()) {
    case ::dienhinh::evaluation::v1::STANDING_SCOPE_EMULATION_BLOCK:
      if (!OnlyFor(c, kinds, NOMINEE_KIND_COLLECTIVE)) {
        v.Add(path + ".scope", "a standing in the emulation block is a unit's: collective categories only "
                               "(STANDING_SCOPE_NOMINEE_GROUP serves both)");
      }
      break;
    case ::dienhinh::evaluation::v1::STANDING_SCOPE_UNIT:
      if (!OnlyFor(c, kinds, NOMINEE_KIND_INDIVIDUAL)) {
        v.Add(path + ".scope", "a standing within the unit is a person's: individual categories only "
                               "(STANDING_SCOPE_NOMINEE_GROUP serves both)");
      }
      break;
    case ::dienhinh::evaluation::v1::STANDING_SCOPE_NOMINEE_GROUP:
      break;
    default:
      v.Add(path + ".scope", "is required");
  }
  switch (s.limit_case()) {
    case StandingParameters::kMaximumRank:
      if (s.maximum_rank() < 1) v.Add(path + ".maximum_rank", "must be at least 1");
      break;
    case StandingParameters::kTopShareBp:
      if (s.top_share_bp() < 1 || s.top_share_bp() > 10000) {
        v.Add(path + ".top_share_bp", "must be 1 to 10000 basis points");
      }
      break;
    default:
      v.Add(path + ".maximum_rank", "a limit is required: maximum_rank or top_share_bp");
  }
}

void CheckCriterion(const Criterion& c, int index, const NomineeKinds& kinds, ViolationList& v) {
  const std::string path = absl::StrCat("criteria[", index, "]");
  if (!ValidCriterionId(c.id())) v.Add(path + ".id", "must be a capital letter and digits, e.g. \"I3\"");
  if (c.text().en().empty()) v.Add(path + ".text.en", "the English rendering is required");
  if (c.kind() == Criterion::KIND_UNSPECIFIED) return;  // ValidatePlan names it
  // Kind k is read from parameters field 9 + k (criterion.proto).
  if (static_cast<int>(c.parameters_case()) != 9 + static_cast<int>(c.kind())) {
    const auto* field = Criterion::descriptor()->FindFieldByNumber(9 + static_cast<int>(c.kind()));
    v.Add(path + ".kind", absl::StrCat(Criterion::Kind_Name(c.kind()), " needs its parameters in `",
                                       field ? field->name() : "?", "`, and no other"));
    return;
  }
  using ::dienhinh::evaluation::v1::NOMINEE_KIND_INDIVIDUAL;
  switch (c.kind()) {
    case Criterion::KIND_THRESHOLD: {
      const auto& t = c.threshold();
      if (t.conditions().empty()) v.Add(path + ".threshold.conditions", "at least one condition is required");
      for (int i = 0; i < t.conditions_size(); ++i) {
        std::string p = absl::StrCat(path, ".threshold.conditions[", i, "]");
        if (t.conditions(i).figure() == ::dienhinh::evaluation::v1::FIGURE_UNSPECIFIED) {
          v.Add(p + ".figure", "is required");
        }
        if (t.conditions(i).comparator() == ::dienhinh::evaluation::v1::COMPARATOR_UNSPECIFIED) {
          v.Add(p + ".comparator", "is required");
        }
        if (t.conditions(i).value() < 0) v.Add(p + ".value", "must not be negative");
      }
      CheckSubject(t.subject(), c, kinds, path + ".threshold.subject", v);
      break;
    }
    case Criterion::KIND_TREND: {
      const auto& t = c.trend();
      if (t.series().empty()) v.Add(path + ".trend.series", "at least one series is required");
      for (int i = 0; i < t.series_size(); ++i) {
        std::string p = absl::StrCat(path, ".trend.series[", i, "]");
        const auto& s = t.series(i);
        if (s.figure() == ::dienhinh::evaluation::v1::FIGURE_UNSPECIFIED) v.Add(p + ".figure", "is required");
        if (s.strictness() == ::dienhinh::evaluation::v1::TREND_STRICTNESS_UNSPECIFIED) {
          v.Add(p + ".strictness", "is required");
        }
        if (s.tolerance() < 0) v.Add(p + ".tolerance", "must not be negative");
        if (s.tolerance() != 0 &&
            s.strictness() != ::dienhinh::evaluation::v1::TREND_STRICTNESS_WITHIN_TOLERANCE) {
          v.Add(p + ".tolerance", "only TREND_STRICTNESS_WITHIN_TOLERANCE uses a tolerance");
        }
      }
      if (t.baseline_years() < 0 || t.baseline_years() > 10) {
        v.Add(path + ".trend.baseline_years", "must be 0 to 10");
      }
      CheckSubject(t.subject(), c, kinds, path + ".trend.subject", v);
      break;
    }
    case Criterion::KIND_RATING_EVERY_YEAR: {
      const auto& r = c.rating_every_year();
      if (r.requirements().empty()) {
        v.Add(path + ".rating_every_year.requirements", "at least one requirement is required");
      }
      for (int i = 0; i < r.requirements_size(); ++i) {
        CheckRating(r.requirements(i), c, kinds,
                    absl::StrCat(path, ".rating_every_year.requirements[", i, "]"), v);
      }
      CheckSubject(r.subject(), c, kinds, path + ".rating_every_year.subject", v);
      break;
    }
    case Criterion::KIND_RECORD_ON_FILE:
      if (c.record_on_file().acknowledgement_kind() ==
          ::dienhinh::type::v1::ACKNOWLEDGEMENT_KIND_UNSPECIFIED) {
        v.Add(path + ".record_on_file.acknowledgement_kind", "is required");
      }
      if (!OnlyFor(c, kinds, NOMINEE_KIND_INDIVIDUAL)) {
        v.Add(path + ".categories", "acknowledgements are on persons' records: individual categories only");
      }
      break;
    case Criterion::KIND_VOTE_SHARE:
      CheckVoteShare(c.vote_share(), path + ".vote_share", v);
      break;
    case Criterion::KIND_STANDING:
      CheckStanding(c.standing(), c, kinds, path + ".standing", v);
      break;
    case Criterion::KIND_DEPENDENCY: {
      const auto& d = c.dependency();
      if (d.categories().empty()) v.Add(path + ".dependency.categories", "at least one category is required");
      for (int i = 0; i < d.categories_size(); ++i) {
        auto it = kinds.find(d.categories(i));
        if (it == kinds.end() || it->second != ::dienhinh::evaluation::v1::NOMINEE_KIND_COLLECTIVE) {
          v.Add(absl::StrCat(path, ".dependency.categories[", i, "]"),
                "must be a collective category of the plan");
        }
      }
      if (!OnlyFor(c, kinds, NOMINEE_KIND_INDIVIDUAL)) {
        v.Add(path + ".categories", "a dependency on the headed unit is for individual categories only");
      }
      break;
    }
    case Criterion::KIND_ATTESTATION:
      if (c.attestation().minimum_evidence_items() < 0) {
        v.Add(path + ".attestation.minimum_evidence_items", "must not be negative");
      }
      break;
    default:
      v.Add(path + ".kind", "is not a kind this release evaluates");
  }
}

// "criteria[3].threshold.conditions[0].value" -> {"criteria", 3}, {"threshold", -1}, ...
std::vector<std::pair<std::string, int>> SplitPath(absl::string_view path) {
  std::vector<std::pair<std::string, int>> out;
  for (absl::string_view part : absl::StrSplit(path, '.')) {
    int index = -1;
    size_t open = part.find('[');
    std::string name(part.substr(0, open));
    if (open != absl::string_view::npos && part.back() == ']') {
      if (!absl::SimpleAtoi(part.substr(open + 1, part.size() - open - 2), &index)) index = -1;
    }
    out.emplace_back(std::move(name), index);
  }
  return out;
}

// The location of the field a violation path names, or of the nearest enclosing field that
// appears in the file; line -1 when none does.
TextFormat::ParseLocation Locate(const TextFormat::ParseInfoTree& root, absl::string_view path) {
  const google::protobuf::Descriptor* descriptor = Plan::descriptor();
  const TextFormat::ParseInfoTree* tree = &root;
  TextFormat::ParseLocation best;
  for (const auto& [name, index] : SplitPath(path)) {
    if (descriptor == nullptr || tree == nullptr) break;
    const google::protobuf::FieldDescriptor* field = descriptor->FindFieldByName(name);
    if (field == nullptr) break;
    int i = field->is_repeated() ? std::max(index, 0) : -1;
    TextFormat::ParseLocation here = tree->GetLocation(field, i);
    if (here.line < 0) break;
    best = here;
    if (field->type() != google::protobuf::FieldDescriptor::TYPE_MESSAGE) break;
    tree = tree->GetTreeForNested(field, i);
    descriptor = field->message_type();
  }
  return best;
}

}  // namespace

absl::Status ValidateCriteriaParameters(const Plan& plan) {
  ViolationList v;
  NomineeKinds kinds;
  for (int i = 0; i < plan.categories_size(); ++i) {
    const auto& rule = plan.categories(i);
    if (rule.nominee_kind() == ::dienhinh::evaluation::v1::NOMINEE_KIND_UNSPECIFIED) {
      v.Add(absl::StrCat("categories[", i, "].nominee_kind"),
            "is required: NOMINEE_KIND_COLLECTIVE or NOMINEE_KIND_INDIVIDUAL");
    }
    kinds[rule.category()] = rule.nominee_kind();
  }
  for (int i = 0; i < plan.criteria_size(); ++i) CheckCriterion(plan.criteria(i), i, kinds, v);
  if (plan.criteria().empty()) v.Add("criteria", "the catalog is empty");
  if (plan.has_council()) {
    CheckVoteShare(plan.council().required_share(), "council.required_share", v);
  } else {
    v.Add("council", "the council's required share is required");
  }
  return v.ToStatus(absl::StrCat("the criteria of ", plan.name(), " cannot be evaluated"));
}

absl::StatusOr<Plan> ParseCheckedPlan(absl::string_view text, absl::string_view file_name) {
  Plan plan;
  TextFormatErrors errors{std::string(file_name)};
  TextFormat::ParseInfoTree locations;
  TextFormat::Parser parser;
  parser.RecordErrorsTo(&errors);
  parser.WriteLocationsTo(&locations);
  if (!parser.ParseFromString(std::string(text), &plan)) {
    return absl::InvalidArgumentError(absl::StrJoin(errors.errors(), "\n"));
  }
  std::vector<FieldViolation> violations = FieldViolationsOf(ValidatePlan(plan));
  for (FieldViolation& f : FieldViolationsOf(ValidateCriteriaParameters(plan))) {
    violations.push_back(std::move(f));
  }
  if (violations.empty()) return plan;
  std::vector<std::string> lines;
  for (const FieldViolation& f : violations) {
    TextFormat::ParseLocation at = Locate(locations, f.field);
    lines.push_back(at.line >= 0 ? absl::StrCat(file_name, ":", at.line + 1, ":", at.column + 1, ": ",
                                                f.field, ": ", f.description)
                                 : absl::StrCat(file_name, ": ", f.field, ": ", f.description));
  }
  return InvalidArgument(absl::StrCat("plan file ", file_name, " is not valid:\n",
                                      absl::StrJoin(lines, "\n")),
                         violations);
}

absl::StatusOr<Plan> LoadCheckedPlanFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read plan file ", path));
  std::stringstream text;
  text << in.rdbuf();
  return ParseCheckedPlan(text.str(), path);
}

absl::StatusOr<PlanCatalog> LoadCheckedPlanDirectory(const std::string& directory) {
  DIR* dir = opendir(directory.c_str());
  if (dir == nullptr) return absl::NotFoundError(absl::StrCat("cannot open plan folder ", directory));
  std::vector<std::string> files;
  while (dirent* entry = readdir(dir)) {
    std::string name = entry->d_name;
    if (absl::EndsWith(name, ".textproto")) files.push_back(directory + "/" + name);
  }
  closedir(dir);
  std::sort(files.begin(), files.end());
  std::vector<Plan> plans;
  std::map<std::string, std::string> files_by_name;
  for (const std::string& file : files) {
    auto plan = LoadCheckedPlanFile(file);
    if (!plan.ok()) return plan.status();
    auto [it, fresh] = files_by_name.emplace(plan->name(), file);
    if (!fresh) {
      return absl::InvalidArgumentError(
          absl::StrCat(file, " and ", it->second, " both define ", plan->name()));
    }
    plans.push_back(std::move(*plan));
  }
  if (plans.empty()) return absl::NotFoundError(absl::StrCat("no *.textproto plan in ", directory));
  return PlanCatalog::FromPlans(std::move(plans));
}

}  // namespace dienhinh::platform
