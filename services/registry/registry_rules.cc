#include "services/registry/registry_rules.h"

#include <google/protobuf/timestamp.pb.h>
#include <google/protobuf/util/message_differencer.h>

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "services/platform/api/field_chain.h"
#include "services/registry/field_mask.h"
#include "services/registry/registry_names.h"

namespace dienhinh::registry {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;
using platform::ViolationList;
using type::v1::EducationLevel;
using type::v1::UnitKind;

constexpr size_t kMaxNameBytes = 400;
constexpr size_t kMaxTextBytes = 4000;

// Trims string fields and drops sub-messages that hold nothing, everywhere in the message. A
// string is set again only when trimming changes it (it runs on every row an import applies).
void CanonicalizeMessage(Message* message) {
  const Reflection* reflection = message->GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(*message, &fields);
  std::string scratch;
  for (const FieldDescriptor* fd : fields) {
    if (fd->cpp_type() == FieldDescriptor::CPPTYPE_STRING &&
        fd->type() == FieldDescriptor::TYPE_STRING) {
      if (fd->is_repeated()) {
        for (int i = 0; i < reflection->FieldSize(*message, fd); ++i) {
          const std::string& value = reflection->GetRepeatedStringReference(*message, fd, i, &scratch);
          const absl::string_view trimmed = absl::StripAsciiWhitespace(value);
          if (trimmed.size() != value.size()) {
            reflection->SetRepeatedString(message, fd, i, std::string(trimmed));
          }
        }
      } else {
        const std::string& value = reflection->GetStringReference(*message, fd, &scratch);
        const absl::string_view trimmed = absl::StripAsciiWhitespace(value);
        if (trimmed.empty() && !fd->has_presence()) {
          reflection->ClearField(message, fd);
        } else if (trimmed.size() != value.size()) {
          reflection->SetString(message, fd, std::string(trimmed));
        }
      }
    } else if (fd->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (fd->is_repeated()) {
        for (int i = 0; i < reflection->FieldSize(*message, fd); ++i) {
          CanonicalizeMessage(reflection->MutableRepeatedMessage(message, fd, i));
        }
      } else {
        Message* sub = reflection->MutableMessage(message, fd);
        CanonicalizeMessage(sub);
        if (sub->ByteSizeLong() == 0) reflection->ClearField(message, fd);
      }
    }
  }
}

bool IsBlank(const std::string& text) { return absl::StripAsciiWhitespace(text).empty(); }

void RequireText(const std::string& value, const std::string& field, ViolationList* v) {
  if (IsBlank(value))
    v->Add(field, "is required");
  else if (value.size() > kMaxNameBytes)
    v->Add(field, absl::StrCat("is longer than ", kMaxNameBytes, " bytes"));
}

void LimitText(const std::string& value, size_t max, const std::string& field, ViolationList* v) {
  if (value.size() > max) v->Add(field, absl::StrCat("is longer than ", max, " bytes"));
}

void CheckUnitRef(const std::string& value, const std::string& field, ViolationList* v) {
  if (!value.empty() && !UnitCodeOf(value)) {
    v->Add(field, "must be a unit name, units/{unit code}, e.g. \"units/92000701\"");
  }
}

bool IsCalendarDate(const type::v1::Date& date) {
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool ok = date.year() >= 1 && date.year() <= 9999 && date.month() >= 1 && date.month() <= 12 &&
            date.day() >= 1 && date.day() <= kDays[date.month() - 1];
  if (ok && date.month() == 2 && date.day() == 29) {
    int y = date.year();
    ok = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  }
  return ok;
}

constexpr char kNotADate[] = "is not a calendar date (year, month and day must all be set and valid)";

// Walks every set field: counts (int32) must not be negative, enum values must be known, dates
// must be dates. Field paths are named as the update mask names them, `prefix` first; they are
// made into text only for a violation (this runs on every row an import applies).
void CheckFiguresAt(const Message& message, const std::string& prefix, const platform::FieldChain* at,
                    ViolationList* v) {
  const Reflection* reflection = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const FieldDescriptor* fd : fields) {
    const platform::FieldChain here{at, fd, -1};
    if (fd->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (fd->is_repeated()) {
        for (int i = 0; i < reflection->FieldSize(message, fd); ++i) {
          const platform::FieldChain element{at, fd, i};
          CheckFiguresAt(reflection->GetRepeatedMessage(message, fd, i), prefix, &element, v);
        }
      } else if (fd->message_type() == type::v1::Date::descriptor()) {
        if (!IsCalendarDate(static_cast<const type::v1::Date&>(reflection->GetMessage(message, fd)))) {
          v->Add(platform::FieldChainText(&here, prefix), kNotADate);
        }
      } else if (fd->message_type() != google::protobuf::Timestamp::descriptor()) {
        CheckFiguresAt(reflection->GetMessage(message, fd), prefix, &here, v);
      }
    } else if (fd->cpp_type() == FieldDescriptor::CPPTYPE_INT32 && !fd->is_repeated()) {
      if (reflection->GetInt32(message, fd) < 0) {
        v->Add(platform::FieldChainText(&here, prefix), "must not be negative");
      }
    } else if (fd->cpp_type() == FieldDescriptor::CPPTYPE_ENUM) {
      int count = fd->is_repeated() ? reflection->FieldSize(message, fd) : 1;
      for (int i = 0; i < count; ++i) {
        int number = fd->is_repeated() ? reflection->GetRepeatedEnumValue(message, fd, i)
                                       : reflection->GetEnumValue(message, fd);
        if (fd->enum_type()->FindValueByNumber(number) == nullptr) {
          const platform::FieldChain element{at, fd, fd->is_repeated() ? i : -1};
          v->Add(platform::FieldChainText(&element, prefix),
                 absl::StrCat("has no value numbered ", number, " in ", fd->enum_type()->name()));
        }
      }
    }
  }
}

void CheckFigures(const Message& message, const std::string& prefix, ViolationList* v) {
  CheckFiguresAt(message, prefix, nullptr, v);
}

// `part` must not exceed `whole` when both are recorded.
void NotMore(bool has_part, int part, bool has_whole, int whole, const std::string& part_field,
             const std::string& whole_name, ViolationList* v) {
  if (has_part && has_whole && part > whole) {
    v->Add(part_field, absl::StrCat("(", part, ") is more than ", whole_name, " (", whole, ")"));
  }
}

void CheckStanding(const v1::Standing& standing, bool unit_group, const std::string& field,
                   ViolationList* v) {
  if (standing.ByteSizeLong() == 0) return;
  if (standing.group().empty()) {
    v->Add(field + ".group", "is required when a standing is given");
  } else if (unit_group ? !BlockIdOf(standing.group()) : !UnitCodeOf(standing.group())) {
    v->Add(field + ".group", unit_group ? "must be an emulation block, emulationBlocks/{id}"
                                        : "must be a unit, units/{unit code}");
  }
  if (standing.rank() < 1) v->Add(field + ".rank", "must be 1 (first) or more");
  if (standing.group_size() < standing.rank()) {
    v->Add(field + ".group_size", "must be at least the rank");
  }
}

void CheckTitlesAndAwards(const google::protobuf::RepeatedPtrField<v1::TitleConferred>& titles,
                          const google::protobuf::RepeatedPtrField<v1::AwardReceived>& awards,
                          const std::string& prefix, ViolationList* v) {
  for (int i = 0; i < titles.size(); ++i) {
    std::string field = absl::StrCat(prefix, "titles[", i, "]");
    if (titles[i].title() == type::v1::EMULATION_TITLE_UNSPECIFIED)
      v->Add(field + ".title", "is required");
    if (titles[i].title() == type::v1::EMULATION_TITLE_OTHER && IsBlank(titles[i].title_text())) {
      v->Add(field + ".title_text", "is required for EMULATION_TITLE_OTHER");
    }
  }
  for (int i = 0; i < awards.size(); ++i) {
    std::string field = absl::StrCat(prefix, "awards[", i, "]");
    if (awards[i].form() == type::v1::AWARD_FORM_UNSPECIFIED)
      v->Add(field + ".form", "is required");
    if (awards[i].form() == type::v1::AWARD_FORM_OTHER && IsBlank(awards[i].award_text())) {
      v->Add(field + ".award_text", "is required for AWARD_FORM_OTHER");
    }
  }
}

bool ProvidesEducation(UnitKind kind) {
  return kind == type::v1::UNIT_KIND_SCHOOL || kind == type::v1::UNIT_KIND_CENTRE;
}

}  // namespace

void Canonicalize(Message* resource) {
  CanonicalizeMessage(resource);
  if (auto* person = dynamic_cast<v1::Person*>(resource)) {
    if (!person->head_of().empty()) person->set_holds_leadership_post(true);
  }
  if (auto* record = dynamic_cast<v1::PersonYearlyRecord*>(resource)) {
    if (!record->head_of().empty()) record->set_holds_leadership_post(true);
  }
}

void ValidateDistrict(const v1::District& district, const std::string& prefix, ViolationList* v) {
  RequireText(district.display_name(), prefix + "display_name", v);
  LimitText(district.province(), kMaxNameBytes, prefix + "province", v);
}

void ValidateEmulationBlock(const v1::EmulationBlock& block, const std::string& prefix,
                            ViolationList* v) {
  RequireText(block.display_name(), prefix + "display_name", v);
  LimitText(block.description(), kMaxTextBytes, prefix + "description", v);
  std::set<int> years;
  for (int i = 0; i < block.memberships_size(); ++i) {
    const auto& membership = block.memberships(i);
    std::string field = absl::StrCat(prefix, "memberships[", i, "]");
    int year = membership.school_year().start_year();
    if (!IsValidStartYear(year)) {
      v->Add(field + ".school_year.start_year", absl::StrCat("must be a school year's first year, ",
                                                             kMinStartYear, " to ", kMaxStartYear));
    } else if (!years.insert(year).second) {
      v->Add(field + ".school_year",
             absl::StrCat(SchoolYearText(year), " has a membership already: one per school year"));
    }
    std::set<std::string> units;
    for (int u = 0; u < membership.units_size(); ++u) {
      std::string unit_field = absl::StrCat(field, ".units[", u, "]");
      if (!UnitCodeOf(membership.units(u))) {
        v->Add(unit_field, "must be a unit name, units/{unit code}");
      } else if (!units.insert(membership.units(u)).second) {
        v->Add(unit_field, absl::StrCat(membership.units(u), " is listed twice"));
      }
    }
  }
}

void ValidateUnit(const v1::Unit& unit, const std::string& prefix, ViolationList* v) {
  RequireText(unit.display_name(), prefix + "display_name", v);
  LimitText(unit.short_name(), kMaxNameBytes, prefix + "short_name", v);
  LimitText(unit.address(), kMaxTextBytes, prefix + "address", v);
  CheckFigures(unit, prefix, v);
  UnitKind kind = unit.kind();
  if (kind == type::v1::UNIT_KIND_UNSPECIFIED) v->Add(prefix + "kind", "is required");
  if (kind == type::v1::UNIT_KIND_DEPARTMENT) {
    if (!unit.parent().empty())
      v->Add(prefix + "parent", "must be empty for the department: it is the root");
  } else if (unit.parent().empty()) {
    v->Add(prefix + "parent", "is required: every unit but the department belongs to one");
  } else {
    CheckUnitRef(unit.parent(), prefix + "parent", v);
    if (!unit.name().empty() && unit.parent() == unit.name()) {
      v->Add(prefix + "parent", "must not be the unit itself");
    }
  }
  if (!unit.district().empty() && !DistrictCodeOf(unit.district())) {
    v->Add(prefix + "district",
           "must be a district name, districts/{national code}, e.g. \"districts/916\"");
  }
  bool located = kind == type::v1::UNIT_KIND_DISTRICT_OFFICE || ProvidesEducation(kind);
  if (located && unit.district().empty()) {
    v->Add(prefix + "district", "is required for district offices, schools and centres");
  }
  if (ProvidesEducation(kind) && unit.level() == type::v1::EDUCATION_LEVEL_UNSPECIFIED) {
    v->Add(prefix + "level", "is required for schools and centres");
  }
  if ((kind == type::v1::UNIT_KIND_DEPARTMENT || kind == type::v1::UNIT_KIND_DEPARTMENT_DIVISION ||
       kind == type::v1::UNIT_KIND_DISTRICT_OFFICE) &&
      (unit.level() != type::v1::EDUCATION_LEVEL_UNSPECIFIED ||
       unit.additional_levels_size() > 0)) {
    v->Add(prefix + "level", "must be empty: this kind of unit provides no education itself");
  }
  std::set<int> levels = {unit.level()};
  for (int i = 0; i < unit.additional_levels_size(); ++i) {
    EducationLevel level = unit.additional_levels(i);
    std::string field = absl::StrCat(prefix, "additional_levels[", i, "]");
    if (level == type::v1::EDUCATION_LEVEL_UNSPECIFIED)
      v->Add(field, "must name a level");
    else if (!levels.insert(level).second)
      v->Add(field, "repeats the main level or another one");
  }
}

void ValidatePerson(const v1::Person& person, const std::string& prefix, ViolationList* v) {
  RequireText(person.display_name(), prefix + "display_name", v);
  if (person.unit().empty()) v->Add(prefix + "unit", "is required");
  CheckUnitRef(person.unit(), prefix + "unit", v);
  LimitText(person.post(), kMaxNameBytes, prefix + "post", v);
  CheckUnitRef(person.head_of(), prefix + "head_of", v);
  CheckFigures(person, prefix, v);
}

void ValidateUnitYearlyRecord(const v1::UnitYearlyRecord& r, const std::string& prefix,
                              ViolationList* v) {
  CheckFigures(r, prefix, v);
  LimitText(r.notes(), kMaxTextBytes, prefix + "notes", v);
  const auto& staff = r.staff();
  std::string sp = prefix + "staff.";
  NotMore(staff.has_meeting_qualification_standard(), staff.meeting_qualification_standard(),
          staff.has_total(), staff.total(), sp + "meeting_qualification_standard", "staff.total",
          v);
  NotMore(staff.has_teachers(), staff.teachers(), staff.has_total(), staff.total(), sp + "teachers",
          "staff.total", v);
  const auto& ratings = staff.professional_ratings();
  int64_t rated = int64_t{ratings.good()} + ratings.fair() + ratings.meets_standard() +
                  ratings.below_standard() + ratings.not_rated();
  bool any_rating = ratings.has_good() || ratings.has_fair() || ratings.has_meets_standard() ||
                    ratings.has_below_standard() || ratings.has_not_rated();
  if (any_rating && staff.has_total() && rated > staff.total()) {
    v->Add(sp + "professional_ratings",
           absl::StrCat("add up to ", rated, ", more than staff.total (", staff.total(), ")"));
  }
  const auto& students = r.students();
  std::string stp = prefix + "students.";
  if (students.has_assessed() && (students.has_excellent() || students.has_good()) &&
      int64_t{students.excellent()} + students.good() > students.assessed()) {
    v->Add(stp + "good",
           absl::StrCat("excellent + good (", int64_t{students.excellent()} + students.good(),
                        ") is more than assessed (", students.assessed(), ")"));
  }
  NotMore(students.has_city_contest_prize_winners(), students.city_contest_prize_winners(),
          students.has_city_contest_entrants(), students.city_contest_entrants(),
          stp + "city_contest_prize_winners", "students.city_contest_entrants", v);
  NotMore(students.has_national_contest_prize_winners(), students.national_contest_prize_winners(),
          students.has_national_contest_entrants(), students.national_contest_entrants(),
          stp + "national_contest_prize_winners", "students.national_contest_entrants", v);
  const auto& teachers = r.excellent_teachers();
  if (staff.has_teachers() &&
      int64_t{teachers.school_level()} + teachers.district_level() + teachers.city_level() >
          staff.teachers()) {
    v->Add(prefix + "excellent_teachers",
           absl::StrCat("add up to more than staff.teachers (", staff.teachers(), ")"));
  }
  if (r.universal_education().has_level() &&
      (r.universal_education().level() < 1 || r.universal_education().level() > 3)) {
    v->Add(prefix + "universal_education.level", "must be 1, 2 or 3");
  }
  CheckStanding(r.block_standing(), /*unit_group=*/true, prefix + "block_standing", v);
  std::set<int> union_kinds;
  for (int i = 0; i < r.union_ratings_size(); ++i) {
    const auto& rating = r.union_ratings(i);
    std::string field = absl::StrCat(prefix, "union_ratings[", i, "]");
    if (rating.union_kind() == type::v1::UNION_KIND_UNSPECIFIED) {
      v->Add(field + ".union_kind", "is required");
    } else if (rating.union_kind() == type::v1::UNION_KIND_OTHER) {
      if (IsBlank(rating.union_name()))
        v->Add(field + ".union_name", "is required for UNION_KIND_OTHER");
    } else if (!union_kinds.insert(rating.union_kind()).second) {
      v->Add(field + ".union_kind", "is rated twice");
    }
  }
  CheckTitlesAndAwards(r.titles(), r.awards(), prefix, v);
}

void ValidatePersonYearlyRecord(const v1::PersonYearlyRecord& r, const std::string& prefix,
                                ViolationList* v) {
  CheckFigures(r, prefix, v);
  if (r.unit().empty())
    v->Add(prefix + "unit", "is required: the unit the person worked in that year");
  CheckUnitRef(r.unit(), prefix + "unit", v);
  CheckUnitRef(r.head_of(), prefix + "head_of", v);
  LimitText(r.post(), kMaxNameBytes, prefix + "post", v);
  LimitText(r.notes(), kMaxTextBytes, prefix + "notes", v);
  for (int i = 0; i < r.acknowledgements_size(); ++i) {
    if (r.acknowledgements(i).kind() == type::v1::ACKNOWLEDGEMENT_KIND_UNSPECIFIED) {
      v->Add(absl::StrCat(prefix, "acknowledgements[", i, "].kind"), "is required");
    }
  }
  CheckStanding(r.unit_standing(), /*unit_group=*/false, prefix + "unit_standing", v);
  CheckTitlesAndAwards(r.titles(), r.awards(), prefix, v);
}

bool SameFacts(const Message& a, const Message& b) {
  if (a.GetDescriptor() != b.GetDescriptor()) return false;
  std::unique_ptr<Message> left(a.New()), right(b.New());
  left->CopyFrom(a);
  right->CopyFrom(b);
  for (const std::string& name : OutputOnlyFields(a.GetDescriptor())) {
    if (name == "name" || name == "head" || name == "school_year") continue;  // facts, compared
    const FieldDescriptor* fd = a.GetDescriptor()->FindFieldByName(name);
    if (fd == nullptr) continue;
    left->GetReflection()->ClearField(left.get(), fd);
    right->GetReflection()->ClearField(right.get(), fd);
  }
  return google::protobuf::util::MessageDifferencer::Equals(*left, *right);
}

}  // namespace dienhinh::registry
