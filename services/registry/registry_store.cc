#include "services/registry/registry_store.h"

#include <google/protobuf/util/time_util.h>

#include <map>
#include <set>
#include <type_traits>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "services/platform/api/audit_log.h"
#include "services/platform/api/etag.h"
#include "services/platform/api/page_token.h"
#include "services/platform/api/request_log.h"
#include "services/platform/status/error_details.h"
#include "services/platform/text/vietnamese_text.h"
#include "services/registry/field_mask.h"
#include "services/registry/registry_names.h"
#include "services/registry/registry_rules.h"

namespace dienhinh::registry {
namespace {

using platform::Event;
using platform::SqlParam;
using platform::SqlRow;
using platform::Transaction;
using platform::TxMode;
using platform::ViolationList;

struct Column {
  std::string name;
  SqlParam value;
};

SqlParam NullIfEmpty(const std::string& text) {
  return text.empty() ? SqlParam(nullptr) : SqlParam(text);
}

// ",2,3," so that `levels LIKE '%,2,%'` finds units teaching level 2 as main or additional.
std::string LevelsColumn(const v1::Unit& unit) {
  std::string out = ",";
  if (unit.level() != 0) absl::StrAppend(&out, unit.level(), ",");
  for (int level : unit.additional_levels()) absl::StrAppend(&out, level, ",");
  return out;
}

// What the store needs to know about each resource type: its table, its indexed columns, its
// rules and its events.
template <typename T>
struct Table;

template <>
struct Table<v1::District> {
  static constexpr const char* kTable = "districts";
  static std::vector<Column> Columns(const v1::District& r) {
    return {{"collation_key", platform::CollationKey(r.display_name())},
            {"province", r.province()}};
  }
  static void Validate(const v1::District& r, const std::string& p, ViolationList* v) {
    ValidateDistrict(r, p, v);
  }
  static void Changed(Event& e, const v1::District& r, bool created) {
    *e.mutable_district_changed()->mutable_district() = r;
    e.mutable_district_changed()->set_created(created);
  }
  static void Deleted(Event& e, const v1::District& r) {
    *e.mutable_district_deleted()->mutable_district() = r;
  }
};

template <>
struct Table<v1::EmulationBlock> {
  static constexpr const char* kTable = "emulation_blocks";
  static std::vector<Column> Columns(const v1::EmulationBlock& r) {
    return {{"collation_key", platform::CollationKey(r.display_name())}};
  }
  static void Validate(const v1::EmulationBlock& r, const std::string& p, ViolationList* v) {
    ValidateEmulationBlock(r, p, v);
  }
  static void Changed(Event& e, const v1::EmulationBlock& r, bool created) {
    *e.mutable_emulation_block_changed()->mutable_emulation_block() = r;
    e.mutable_emulation_block_changed()->set_created(created);
  }
  static void Deleted(Event& e, const v1::EmulationBlock& r) {
    *e.mutable_emulation_block_deleted()->mutable_emulation_block() = r;
  }
};

template <>
struct Table<v1::Unit> {
  static constexpr const char* kTable = "units";
  static std::vector<Column> Columns(const v1::Unit& r) {
    std::string code = UnitCodeOf(r.name()).value_or("");
    return {{"code", code},
            {"collation_key", platform::CollationKey(r.display_name())},
            {"search_key",
             platform::SearchKey(absl::StrCat(r.display_name(), " ", r.short_name(), " ", code))},
            {"kind", static_cast<int>(r.kind())},
            {"levels", LevelsColumn(r)},
            {"parent", r.parent()},
            {"district", r.district()},
            {"head", r.head()}};
  }
  static void Validate(const v1::Unit& r, const std::string& p, ViolationList* v) {
    ValidateUnit(r, p, v);
  }
  static void Changed(Event& e, const v1::Unit& r, bool created) {
    *e.mutable_unit_changed()->mutable_unit() = r;
    e.mutable_unit_changed()->set_created(created);
  }
  static void Deleted(Event& e, const v1::Unit& r) {
    *e.mutable_unit_deleted()->mutable_unit() = r;
  }
};

template <>
struct Table<v1::Person> {
  static constexpr const char* kTable = "persons";
  static std::vector<Column> Columns(const v1::Person& r) {
    return {{"collation_key", platform::CollationKey(r.display_name())},
            {"unit", r.unit()},
            {"staff_category", static_cast<int>(r.staff_category())},
            {"leader", r.holds_leadership_post()},
            {"head_of", NullIfEmpty(r.head_of())}};
  }
  static void Validate(const v1::Person& r, const std::string& p, ViolationList* v) {
    ValidatePerson(r, p, v);
  }
  static void Changed(Event& e, const v1::Person& r, bool created) {
    *e.mutable_person_changed()->mutable_person() = r;
    e.mutable_person_changed()->set_created(created);
  }
  static void Deleted(Event& e, const v1::Person& r) {
    *e.mutable_person_deleted()->mutable_person() = r;
  }
};

template <>
struct Table<v1::UnitYearlyRecord> {
  static constexpr const char* kTable = "unit_records";
  static std::vector<Column> Columns(const v1::UnitYearlyRecord& r) {
    auto key = ParseYearlyRecordName(r.name(), kUnitsPrefix);
    return {{"unit", key ? key->owner : ""},
            {"start_year", key ? key->start_year : 0},
            {"block", r.block_standing().group()}};
  }
  static void Validate(const v1::UnitYearlyRecord& r, const std::string& p, ViolationList* v) {
    ValidateUnitYearlyRecord(r, p, v);
  }
  static void Changed(Event& e, const v1::UnitYearlyRecord& r, bool created) {
    *e.mutable_unit_yearly_record_changed()->mutable_unit_yearly_record() = r;
    e.mutable_unit_yearly_record_changed()->set_created(created);
  }
  static void Deleted(Event& e, const v1::UnitYearlyRecord& r) {
    *e.mutable_unit_yearly_record_deleted()->mutable_unit_yearly_record() = r;
  }
};

template <>
struct Table<v1::PersonYearlyRecord> {
  static constexpr const char* kTable = "person_records";
  static std::vector<Column> Columns(const v1::PersonYearlyRecord& r) {
    auto key = ParseYearlyRecordName(r.name(), kPersonsPrefix);
    return {{"person", key ? key->owner : ""},
            {"start_year", key ? key->start_year : 0},
            {"unit", r.unit()},
            {"leader", r.holds_leadership_post()},
            {"head_of", r.head_of()}};
  }
  static void Validate(const v1::PersonYearlyRecord& r, const std::string& p, ViolationList* v) {
    ValidatePersonYearlyRecord(r, p, v);
  }
  static void Changed(Event& e, const v1::PersonYearlyRecord& r, bool created) {
    *e.mutable_person_yearly_record_changed()->mutable_person_yearly_record() = r;
    e.mutable_person_yearly_record_changed()->set_created(created);
  }
  static void Deleted(Event& e, const v1::PersonYearlyRecord& r) {
    *e.mutable_person_yearly_record_deleted()->mutable_person_yearly_record() = r;
  }
};

template <typename T>
constexpr bool kIsRecord =
    std::is_same_v<T, v1::UnitYearlyRecord> || std::is_same_v<T, v1::PersonYearlyRecord>;

// Fields that follow from the name: a record's school year.
template <typename T>
void Identify(T* resource, const std::string& name) {
  resource->set_name(name);
  if constexpr (kIsRecord<T>) {
    auto key = ParseYearlyRecordName(
        name, std::is_same_v<T, v1::UnitYearlyRecord> ? kUnitsPrefix : kPersonsPrefix);
    if (key) resource->mutable_school_year()->set_start_year(key->start_year);
  }
}

absl::Status NotFound(const std::string& name) {
  return platform::WithReason(absl::NotFoundError(absl::StrCat(name, " does not exist")),
                              "NOT_FOUND", {{"resource", name}});
}

template <typename T>
absl::StatusOr<T> Parse(const std::string& bytes) {
  T resource;
  if (!resource.ParseFromString(bytes)) {
    return absl::DataLossError(
        absl::StrCat("a stored ", T::descriptor()->name(), " does not parse"));
  }
  return resource;
}

template <typename T>
absl::StatusOr<std::optional<T>> Load(Transaction& tx, const std::string& name) {
  auto rows = tx.Query(absl::StrCat("SELECT resource FROM ", Table<T>::kTable, " WHERE name = ?"),
                       {SqlParam(name)});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::optional<T>();
  auto resource = Parse<T>((*rows)[0].Blob(0));
  if (!resource.ok()) return resource.status();
  return std::optional<T>(std::move(*resource));
}

google::protobuf::Timestamp Now() {
  return google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(absl::Now()));
}

// Writes `next` (new when `current` is null) with its times and etag, and appends its event.
template <typename T>
absl::Status Save(Transaction& tx, platform::EventLog& events, const WriteMeta& meta, T* next,
                  const T* current) {
  google::protobuf::Timestamp now = Now();
  *next->mutable_create_time() = current != nullptr ? current->create_time() : now;
  *next->mutable_update_time() = now;
  if constexpr (kIsRecord<T>) next->set_source(meta.source.empty() ? "api" : meta.source);
  next->clear_etag();
  next->set_etag(platform::ComputeEtag(*next));
  std::vector<Column> columns = Table<T>::Columns(*next);
  std::vector<SqlParam> params;
  std::string sql;
  if (current != nullptr) {
    std::vector<std::string> sets;
    for (Column& c : columns) {
      sets.push_back(c.name + " = ?");
      params.push_back(std::move(c.value));
    }
    sets.push_back("resource = ?");
    params.push_back(SqlParam::Blob(next->SerializeAsString()));
    params.push_back(SqlParam(next->name()));
    sql = absl::StrCat("UPDATE ", Table<T>::kTable, " SET ", absl::StrJoin(sets, ", "),
                       " WHERE name = ?");
  } else {
    std::vector<std::string> names = {"name"};
    params.push_back(SqlParam(next->name()));
    for (Column& c : columns) {
      names.push_back(c.name);
      params.push_back(std::move(c.value));
    }
    names.push_back("resource");
    params.push_back(SqlParam::Blob(next->SerializeAsString()));
    std::vector<std::string> marks(names.size(), "?");
    sql = absl::StrCat("INSERT INTO ", Table<T>::kTable, " (", absl::StrJoin(names, ", "),
                       ") VALUES (", absl::StrJoin(marks, ", "), ")");
  }
  if (auto written = tx.Execute(sql, params); !written.ok()) return written.status();
  Event event;
  event.set_actor(meta.caller.subject);
  event.set_request_id(meta.request_id);
  Table<T>::Changed(event, *next, current == nullptr);
  return events.Append(tx, std::move(event)).status();
}

// Names an import holds, so that rows may refer to each other (a school to its district office
// further down the file), and each unit's parent after the import, for the cycle check.
struct FileContext {
  std::set<std::string> names;
  std::map<std::string, std::string> unit_parents;
  std::map<std::string, int64_t> head_claims;  // unit → line of the person row heading it
  int64_t line = 0;                            // the row being checked
};

// Existence checks with a memory, so an import of 3,000 records naming 150 units asks about
// each unit once. The memory is bounded: a file of 2,000,000 person records names 1,000,000
// persons, each once or twice; past kMaxRemembered names it starts again (the units a file
// names over and over are soon remembered again).
class Lookup {
 public:
  Lookup(Transaction& tx, FileContext* file) : tx_(tx), file_(file) {}

  absl::StatusOr<bool> Exists(const char* table, const std::string& name) {
    if (file_ != nullptr && file_->names.count(name)) return true;
    std::string key = absl::StrCat(table, "\n", name);
    auto it = cache_.find(key);
    if (it != cache_.end()) return it->second;
    auto rows =
        tx_.Query(absl::StrCat("SELECT 1 FROM ", table, " WHERE name = ?"), {SqlParam(name)});
    if (!rows.ok()) return rows.status();
    if (cache_.size() >= kMaxRemembered) cache_.clear();
    cache_[key] = !rows->empty();
    return !rows->empty();
  }

  // The unit's parent as it will be after the import (or is now).
  absl::StatusOr<std::string> ParentOf(const std::string& unit) {
    if (file_ != nullptr) {
      auto it = file_->unit_parents.find(unit);
      if (it != file_->unit_parents.end()) return it->second;
    }
    auto rows = tx_.Query("SELECT parent FROM units WHERE name = ?", {SqlParam(unit)});
    if (!rows.ok()) return rows.status();
    return rows->empty() ? std::string() : (*rows)[0].Text(0);
  }

  // Adds "… does not exist" to `field` when `name` is set and missing.
  absl::Status Require(const char* table, const std::string& name, const std::string& field,
                       ViolationList* v) {
    if (name.empty()) return absl::OkStatus();
    auto exists = Exists(table, name);
    if (!exists.ok()) return exists.status();
    if (!*exists) v->Add(field, absl::StrCat(name, " does not exist"));
    return absl::OkStatus();
  }

  Transaction& tx() { return tx_; }
  FileContext* file() { return file_; }

 private:
  static constexpr size_t kMaxRemembered = 50000;

  Transaction& tx_;
  FileContext* file_;
  std::map<std::string, bool> cache_;
};

// References to other resources must exist, and the unit tree must stay a tree.
absl::Status CheckReferences(Lookup&, const v1::District*, const v1::District&, const std::string&,
                             ViolationList*) {
  return absl::OkStatus();
}

absl::Status CheckReferences(Lookup& lookup, const v1::EmulationBlock*,
                             const v1::EmulationBlock& next, const std::string& prefix,
                             ViolationList* v) {
  for (int i = 0; i < next.memberships_size(); ++i) {
    const auto& membership = next.memberships(i);
    for (int u = 0; u < membership.units_size(); ++u) {
      std::string field = absl::StrCat(prefix, "memberships[", i, "].units[", u, "]");
      const std::string& unit = membership.units(u);
      if (auto s = lookup.Require("units", unit, field, v); !s.ok()) return s;
      auto rows = lookup.tx().Query(
          "SELECT block_name FROM block_members WHERE start_year = ? AND unit_name = ? AND "
          "block_name <> ?",
          {SqlParam(membership.school_year().start_year()), SqlParam(unit), SqlParam(next.name())});
      if (!rows.ok()) return rows.status();
      if (!rows->empty()) {
        v->Add(field, absl::StrCat(unit, " already belongs to ", (*rows)[0].Text(0), " in ",
                                   SchoolYearText(membership.school_year().start_year()),
                                   ": a unit is in one block per school year"));
      }
    }
  }
  return absl::OkStatus();
}

absl::Status CheckReferences(Lookup& lookup, const v1::Unit*, const v1::Unit& next,
                             const std::string& prefix, ViolationList* v) {
  if (auto s = lookup.Require("districts", next.district(), prefix + "district", v); !s.ok())
    return s;
  if (next.parent().empty() || next.parent() == next.name()) return absl::OkStatus();
  if (auto s = lookup.Require("units", next.parent(), prefix + "parent", v); !s.ok()) return s;
  // Walk up from the new parent: meeting the unit again means a cycle.
  std::string up = next.parent();
  for (int depth = 0; depth < 64 && !up.empty(); ++depth) {
    if (up == next.name()) {
      v->Add(prefix + "parent", absl::StrCat(next.parent(), " is below ", next.name(),
                                             " in the unit tree: the change would make a cycle"));
      break;
    }
    auto parent = lookup.ParentOf(up);
    if (!parent.ok()) return parent.status();
    up = *parent;
  }
  return absl::OkStatus();
}

absl::Status CheckReferences(Lookup& lookup, const v1::Person*, const v1::Person& next,
                             const std::string& prefix, ViolationList* v) {
  if (auto s = lookup.Require("units", next.unit(), prefix + "unit", v); !s.ok()) return s;
  if (auto s = lookup.Require("units", next.head_of(), prefix + "head_of", v); !s.ok()) return s;
  if (FileContext* file = lookup.file(); file != nullptr && !next.head_of().empty()) {
    auto [it, inserted] = file->head_claims.emplace(next.head_of(), file->line);
    if (!inserted && it->second != file->line) {
      v->Add(prefix + "head_of", absl::StrCat("line ", it->second, " names another head of ",
                                              next.head_of(), ": a unit has one head"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckReferences(Lookup& lookup, const v1::UnitYearlyRecord*,
                             const v1::UnitYearlyRecord& next, const std::string& prefix,
                             ViolationList* v) {
  auto key = ParseYearlyRecordName(next.name(), kUnitsPrefix);
  if (key) {
    if (auto s = lookup.Require("units", key->owner, prefix + "name", v); !s.ok()) return s;
  }
  return lookup.Require("emulation_blocks", next.block_standing().group(),
                        prefix + "block_standing.group", v);
}

absl::Status CheckReferences(Lookup& lookup, const v1::PersonYearlyRecord*,
                             const v1::PersonYearlyRecord& next, const std::string& prefix,
                             ViolationList* v) {
  auto key = ParseYearlyRecordName(next.name(), kPersonsPrefix);
  if (key) {
    if (auto s = lookup.Require("persons", key->owner, prefix + "name", v); !s.ok()) return s;
  }
  if (auto s = lookup.Require("units", next.unit(), prefix + "unit", v); !s.ok()) return s;
  if (auto s = lookup.Require("units", next.head_of(), prefix + "head_of", v); !s.ok()) return s;
  return lookup.Require("units", next.unit_standing().group(), prefix + "unit_standing.group", v);
}

// Before a person is saved as a unit's head: the unit's current head gives way (an import,
// where the HR export is the authority) or the change is refused (the API, where a client
// should say what it means).
template <typename T>
absl::Status BeforeSave(Transaction&, platform::EventLog&, const WriteMeta&, const T*, const T&,
                        bool) {
  return absl::OkStatus();
}

template <>
absl::Status BeforeSave(Transaction& tx, platform::EventLog& events, const WriteMeta& meta,
                        const v1::Person* current, const v1::Person& next, bool takeover) {
  if (next.head_of().empty() || (current != nullptr && current->head_of() == next.head_of())) {
    return absl::OkStatus();
  }
  auto rows = tx.Query("SELECT resource FROM persons WHERE head_of = ? AND name <> ?",
                       {SqlParam(next.head_of()), SqlParam(next.name())});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return absl::OkStatus();
  auto previous = Parse<v1::Person>((*rows)[0].Blob(0));
  if (!previous.ok()) return previous.status();
  if (!takeover) {
    return platform::WithReason(absl::FailedPreconditionError(absl::StrCat(
                                    next.head_of(), " is already headed by ", previous->name(),
                                    ": clear their head_of first (a unit has one head)")),
                                "UNIT_HAS_HEAD", {{"resource", next.head_of()}});
  }
  v1::Person released = *previous;
  released.clear_head_of();
  return Save(tx, events, meta, &released, &*previous);
}

// Keeps what follows from a change: a unit's `head` from its head's `head_of`, a block's
// membership rows from its memberships.
template <typename T>
absl::Status AfterSave(Transaction&, platform::EventLog&, const WriteMeta&, const T*, const T*) {
  return absl::OkStatus();
}

absl::Status SetUnitHead(Transaction& tx, platform::EventLog& events, const WriteMeta& meta,
                         const std::string& unit_name, const std::string& head,
                         const std::string& only_if_head) {
  auto unit = Load<v1::Unit>(tx, unit_name);
  if (!unit.ok()) return unit.status();
  if (!unit->has_value()) return absl::OkStatus();
  const v1::Unit& current = **unit;
  if (current.head() == head) return absl::OkStatus();
  if (!only_if_head.empty() && current.head() != only_if_head) return absl::OkStatus();
  v1::Unit next = current;
  next.set_head(head);
  return Save(tx, events, meta, &next, &current);
}

template <>
absl::Status AfterSave(Transaction& tx, platform::EventLog& events, const WriteMeta& meta,
                       const v1::Person* current, const v1::Person* next) {
  std::string before = current != nullptr ? current->head_of() : "";
  std::string after = next != nullptr ? next->head_of() : "";
  const std::string& person = current != nullptr ? current->name() : next->name();
  if (before == after) return absl::OkStatus();
  if (!before.empty()) {
    if (auto s = SetUnitHead(tx, events, meta, before, "", person); !s.ok()) return s;
  }
  if (!after.empty()) return SetUnitHead(tx, events, meta, after, person, "");
  return absl::OkStatus();
}

template <>
absl::Status AfterSave(Transaction& tx, platform::EventLog&, const WriteMeta&,
                       const v1::EmulationBlock* current, const v1::EmulationBlock* next) {
  const std::string& name = current != nullptr ? current->name() : next->name();
  if (auto s = tx.Execute("DELETE FROM block_members WHERE block_name = ?", {SqlParam(name)});
      !s.ok()) {
    return s.status();
  }
  if (next == nullptr) return absl::OkStatus();
  for (const auto& membership : next->memberships()) {
    for (const std::string& unit : membership.units()) {
      auto s = tx.Execute(
          "INSERT INTO block_members (block_name, start_year, unit_name) VALUES (?, ?, ?)",
          {SqlParam(name), SqlParam(membership.school_year().start_year()), SqlParam(unit)});
      if (!s.ok()) return s.status();
    }
  }
  return absl::OkStatus();
}

// FAILED_PRECONDITION naming the first thing that still refers to the resource.
absl::Status InUse(Transaction& tx, const std::string& name,
                   const std::vector<std::pair<std::string, std::string>>& checks) {
  for (const auto& [sql, what] : checks) {
    std::vector<SqlParam> params;
    for (char c : sql) {
      if (c == '?') params.push_back(SqlParam(name));
    }
    auto rows = tx.Query(sql, params);
    if (!rows.ok()) return rows.status();
    if (!rows->empty()) {
      return platform::WithReason(
          absl::FailedPreconditionError(absl::StrCat(name, " cannot be deleted: ", what, " ",
                                                     (*rows)[0].Text(0), " refers to it")),
          "RESOURCE_IN_USE", {{"resource", name}, {"referrer", (*rows)[0].Text(0)}});
    }
  }
  return absl::OkStatus();
}

absl::Status CheckDeletable(Transaction& tx, const v1::District& r) {
  return InUse(tx, r.name(), {{"SELECT name FROM units WHERE district = ? LIMIT 1", "unit"}});
}
absl::Status CheckDeletable(Transaction& tx, const v1::EmulationBlock& r) {
  return InUse(
      tx, r.name(),
      {{"SELECT name FROM unit_records WHERE block = ? LIMIT 1", "the standing of record"}});
}
absl::Status CheckDeletable(Transaction& tx, const v1::Unit& r) {
  return InUse(tx, r.name(),
               {{"SELECT name FROM units WHERE parent = ? LIMIT 1", "child unit"},
                {"SELECT name FROM persons WHERE unit = ? OR head_of = ? LIMIT 1", "person"},
                {"SELECT name FROM unit_records WHERE unit = ? LIMIT 1", "yearly record"},
                {"SELECT name FROM person_records WHERE unit = ? OR head_of = ? LIMIT 1",
                 "person yearly record"},
                {"SELECT block_name FROM block_members WHERE unit_name = ? LIMIT 1",
                 "the membership of emulation block"}});
}
absl::Status CheckDeletable(Transaction& tx, const v1::Person& r) {
  return InUse(tx, r.name(),
               {{"SELECT name FROM person_records WHERE person = ? LIMIT 1", "yearly record"}});
}
absl::Status CheckDeletable(Transaction&, const v1::UnitYearlyRecord&) { return absl::OkStatus(); }
absl::Status CheckDeletable(Transaction&, const v1::PersonYearlyRecord&) {
  return absl::OkStatus();
}

}  // namespace

// --- Reads ---

RegistryStore::RegistryStore(platform::Database* db, platform::EventLog* events)
    : db_(db), events_(events) {
  if (db_->sole_writer()) units_ = std::make_unique<UnitCache>();
}

absl::Status RegistryStore::RunWriteTransaction(
    const std::function<absl::Status(Transaction&)>& body) {
  UnitCacheWriteScope writing(units_.get());
  return platform::RunInTransaction(*db_, TxMode::kWrite, body);
}

template <typename T>
absl::StatusOr<T> RegistryStore::Get(const std::string& name) {
  uint64_t generation = 0;
  if constexpr (std::is_same_v<T, v1::Unit>) {
    if (units_ != nullptr) {
      if (std::optional<v1::Unit> kept = units_->Find(name, &generation)) {
        return *std::move(kept);
      }
    }
  }
  auto tx = db_->Begin(TxMode::kRead);
  if (!tx.ok()) return tx.status();
  auto found = Load<T>(**tx, name);
  if (!found.ok()) return found.status();
  if (!found->has_value()) return NotFound(name);
  if constexpr (std::is_same_v<T, v1::Unit>) {
    if (units_ != nullptr) units_->Put(generation, **found);
  }
  return std::move(**found);
}

template <typename T>
absl::Status RegistryStore::BatchGet(const std::vector<std::string>& names, bool allow_missing,
                                     std::vector<T>* found, std::vector<std::string>* missing) {
  auto tx = db_->Begin(TxMode::kRead);
  if (!tx.ok()) return tx.status();
  return BatchGetIn(**tx, names, allow_missing, found, missing);
}

absl::Status RegistryStore::BatchGetPersons(const std::vector<std::string>& names,
                                            bool allow_missing, bool with_units,
                                            std::vector<v1::Person>* found,
                                            std::vector<std::string>* missing,
                                            std::vector<v1::Unit>* units) {
  units->clear();
  auto tx = db_->Begin(TxMode::kRead);
  if (!tx.ok()) return tx.status();
  if (auto s = BatchGetIn(**tx, names, allow_missing, found, missing); !s.ok()) return s;
  if (!with_units) return absl::OkStatus();
  std::vector<std::string> unit_names;
  for (const v1::Person& p : *found) {
    if (!p.unit().empty() &&
        std::find(unit_names.begin(), unit_names.end(), p.unit()) == unit_names.end()) {
      unit_names.push_back(p.unit());
    }
  }
  std::vector<std::string> gone;
  return BatchGetIn(**tx, unit_names, /*allow_missing=*/true, units, &gone);
}

template <typename T>
absl::Status RegistryStore::BatchGetIn(Transaction& tx, const std::vector<std::string>& names,
                                       bool allow_missing, std::vector<T>* found,
                                       std::vector<std::string>* missing) {
  found->clear();
  missing->clear();
  if (names.empty()) return absl::OkStatus();
  std::set<std::string> distinct(names.begin(), names.end());
  std::vector<SqlParam> params;
  for (const std::string& name : distinct) params.push_back(SqlParam(name));
  std::vector<std::string> marks(params.size(), "?");
  auto rows = tx.Query(absl::StrCat("SELECT name, resource FROM ", Table<T>::kTable,
                                    " WHERE name IN (", absl::StrJoin(marks, ", "), ")"),
                       params);
  if (!rows.ok()) return rows.status();
  std::map<std::string, T> by_name;
  for (const SqlRow& row : *rows) {
    auto resource = Parse<T>(row.Blob(1));
    if (!resource.ok()) return resource.status();
    by_name[row.Text(0)] = std::move(*resource);
  }
  for (const std::string& name : names) {
    auto it = by_name.find(name);
    if (it == by_name.end()) {
      missing->push_back(name);
    } else {
      found->push_back(it->second);
    }
  }
  if (!missing->empty() && !allow_missing) {
    return platform::WithReason(
        absl::NotFoundError(absl::StrCat("not found: ", absl::StrJoin(*missing, ", "))),
        "NOT_FOUND", {{"resource", missing->front()}});
  }
  return absl::OkStatus();
}

// --- Writes ---

template <typename T>
absl::StatusOr<T> RegistryStore::Write(const WriteMeta& meta, const Change<T>& change) {
  T result;
  bool wrote = false;
  absl::Status status = RunWriteTransaction([&](Transaction& tx) {
    wrote = false;
    if (change.mode == WriteMode::kCreate) {
      auto seen = platform::FindResponse(tx, meta.method, meta.request_id, &result);
      if (!seen.ok()) return seen.status();
      if (*seen) return absl::OkStatus();
    }
    auto loaded = Load<T>(tx, change.name);
    if (!loaded.ok()) return loaded.status();
    const T* current = loaded->has_value() ? &**loaded : nullptr;
    if (current != nullptr && change.mode == WriteMode::kCreate) {
      return platform::WithReason(
          absl::AlreadyExistsError(absl::StrCat(change.name, " already exists")), "ALREADY_EXISTS",
          {{"resource", change.name}});
    }
    if (current == nullptr && change.mode == WriteMode::kUpdate) return NotFound(change.name);
    if (current != nullptr) {
      if (auto s = platform::CheckEtag(change.etag, current->etag(), change.name); !s.ok())
        return s;
    }
    T next = current != nullptr ? *current : T();
    if (change.apply) change.apply(&next);
    Identify(&next, change.name);
    Canonicalize(&next);
    if (change.authorize) {
      if (auto s = change.authorize(current, next); !s.ok()) return s;
    }
    ViolationList violations;
    Table<T>::Validate(next, change.field_prefix, &violations);
    if (violations.empty()) {
      Lookup lookup(tx, nullptr);
      if (auto s = CheckReferences(lookup, current, next, change.field_prefix, &violations);
          !s.ok()) {
        return s;
      }
    }
    if (!violations.empty()) return violations.ToStatus();
    if (current != nullptr && SameFacts(*current, next)) {
      result = *current;
    } else {
      if (auto s = BeforeSave<T>(tx, *events_, meta, current, next, false); !s.ok()) return s;
      if (auto s = Save(tx, *events_, meta, &next, current); !s.ok()) return s;
      if (auto s = AfterSave<T>(tx, *events_, meta, current, &next); !s.ok()) return s;
      result = next;
      wrote = true;
    }
    if (auto s = platform::RecordAudit(
            tx, meta.caller, {meta.method, change.name, meta.request_id, wrote ? "" : "unchanged"});
        !s.ok()) {
      return s;
    }
    if (change.mode != WriteMode::kCreate) return absl::OkStatus();
    return platform::RememberResponse(tx, meta.method, meta.request_id, meta.caller.subject,
                                      result);
  });
  if (!status.ok()) return status;
  if (wrote) events_->Notify();
  return result;
}

template <typename T>
absl::Status RegistryStore::Delete(const WriteMeta& meta, const std::string& name,
                                   const std::string& etag, const WriteAuthorizer<T>& authorize) {
  absl::Status status = RunWriteTransaction([&](Transaction& tx) {
    auto loaded = Load<T>(tx, name);
    if (!loaded.ok()) return loaded.status();
    if (!loaded->has_value()) return NotFound(name);
    const T& current = **loaded;
    if (auto s = platform::CheckEtag(etag, current.etag(), name); !s.ok()) return s;
    if (authorize) {
      if (auto s = authorize(&current, current); !s.ok()) return s;
    }
    if (auto s = CheckDeletable(tx, current); !s.ok()) return s;
    auto deleted = tx.Execute(absl::StrCat("DELETE FROM ", Table<T>::kTable, " WHERE name = ?"),
                              {SqlParam(name)});
    if (!deleted.ok()) return deleted.status();
    if (auto s = AfterSave<T>(tx, *events_, meta, &current, nullptr); !s.ok()) return s;
    Event event;
    event.set_actor(meta.caller.subject);
    event.set_request_id(meta.request_id);
    Table<T>::Deleted(event, current);
    if (auto s = events_->Append(tx, std::move(event)); !s.ok()) return s.status();
    return platform::RecordAudit(tx, meta.caller, {meta.method, name, meta.request_id, ""});
  });
  if (status.ok()) events_->Notify();
  return status;
}

// --- Import ---

template <typename T>
absl::StatusOr<ImportResult> RegistryStore::Import(
    const WriteMeta& meta, ImportRowSource& rows, const std::vector<std::string>& paths,
    bool validate_only, const WriteAuthorizer<T>& authorize,
    const std::function<v1::ImportRecordsResponse(const ImportResult&)>& response_of) {
  // A rejected or dry-run import must leave nothing behind: the body ends with this status to
  // roll the transaction back, and the result is read from the variables it filled.
  static const absl::Status kRollBack = absl::CancelledError("import rolled back on purpose");
  ImportResult result;
  bool wrote = false;
  absl::Status status = RunWriteTransaction([&](Transaction& tx) {
    result = ImportResult();
    wrote = false;
    if (!validate_only) {
      auto seen = platform::FindResponse(tx, meta.method, meta.request_id, &result.stored_response);
      if (!seen.ok()) return seen.status();
      if (*seen) {
        result.replayed = true;
        return absl::OkStatus();
      }
    }
    FileContext file;
    const std::vector<FieldPath> fields = CompilePaths(T::descriptor(), paths);
    if constexpr (std::is_same_v<T, v1::Unit>) {
      // Only units refer to resources of their own file (a school to its district office
      // further down), so only a units file's names are kept (a country has ~50,000 units;
      // a records file of millions of rows is never held). The tree as it will be: each
      // unit's parent from its row when the file has the column.
      absl::Status read = rows.ForEach(tx, T::default_instance(), [&](const ImportItem& item) {
        file.names.insert(item.name);
        auto loaded = Load<T>(tx, item.name);
        if (!loaded.ok()) return loaded.status();
        T next = loaded->has_value() ? **loaded : T();
        ApplyPaths(*item.values, fields, &next);
        file.unit_parents[item.name] = next.parent();
        return absl::OkStatus();
      });
      if (!read.ok()) return read;
    }
    Lookup lookup(tx, &file);
    absl::Status applied = rows.ForEach(tx, T::default_instance(), [&](const ImportItem& item) {
      file.line = item.line;
      // Loaded again for each row: an earlier row may have changed it (a head giving way).
      auto loaded = Load<T>(tx, item.name);
      if (!loaded.ok()) return loaded.status();
      const T* current = loaded->has_value() ? &**loaded : nullptr;
      T next = current != nullptr ? *current : T();
      ApplyPaths(*item.values, fields, &next);
      Identify(&next, item.name);
      Canonicalize(&next);
      ViolationList violations;
      Table<T>::Validate(next, "", &violations);
      if (auto s = CheckReferences(lookup, current, next, "", &violations); !s.ok()) return s;
      for (const auto& violation : violations.violations()) {
        if (result.problems.size() >= ImportResult::kMaxProblems) break;
        result.problems.push_back(
            {item.line, violation.field, FieldText(next, violation.field), violation.description});
      }
      if (!violations.empty()) return absl::OkStatus();
      if (authorize) {
        if (auto s = authorize(current, next); !s.ok()) {
          return absl::Status(s.code(), absl::StrCat("line ", item.line, ": ", s.message()));
        }
      }
      // Rejected already: only look for more problems.
      if (!result.problems.empty()) return absl::OkStatus();
      if (current != nullptr && SameFacts(*current, next)) {
        ++result.unchanged;
        return absl::OkStatus();
      }
      if (auto s = BeforeSave<T>(tx, *events_, meta, current, next, true); !s.ok()) return s;
      if (auto s = Save(tx, *events_, meta, &next, current); !s.ok()) return s;
      if (auto s = AfterSave<T>(tx, *events_, meta, current, &next); !s.ok()) return s;
      ++(current == nullptr ? result.created : result.updated);
      wrote = true;
      return absl::OkStatus();
    });
    if (!applied.ok()) return applied;
    if (!result.problems.empty() || validate_only) return kRollBack;
    if (auto s = platform::RecordAudit(
            tx, meta.caller,
            {meta.method, absl::StrCat("import:", meta.request_id), meta.request_id,
             absl::StrCat(T::descriptor()->name(), ": ", rows.size(), " rows, ", result.created,
                          " created, ", result.updated, " updated, ", result.unchanged,
                          " unchanged")});
        !s.ok()) {
      return s;
    }
    return platform::RememberResponse(tx, meta.method, meta.request_id, meta.caller.subject,
                                      response_of(result));
  });
  if (status == kRollBack) {
    wrote = false;
    status = absl::OkStatus();
  }
  if (!status.ok()) return status;
  if (wrote) events_->Notify();
  return result;
}

// --- Lists ---

namespace {

struct SortColumn {
  std::string expr;
  bool is_int = false;
};

// A SELECT of one resource column with conditions, run as one keyset page.
struct ListSql {
  ListSql(std::string from_clause, std::string resource_column)
      : from(std::move(from_clause)), resource(std::move(resource_column)) {}

  std::string from;
  std::string resource;
  std::vector<std::string> where;
  std::vector<SqlParam> params;

  void Where(std::string condition, std::vector<SqlParam> values = {}) {
    where.push_back(std::move(condition));
    for (SqlParam& p : values) params.push_back(std::move(p));
  }
};

absl::Status BadToken() {
  return platform::InvalidField(
      "page_token",
      "is not a token this server issued for this query (use "
      "next_page_token of the previous page, with the same filter and order)");
}

template <typename T>
absl::StatusOr<Page<T>> RunPage(platform::Database& db, ListSql q,
                                const std::vector<SortColumn>& sort, const PageRequest& page) {
  auto after = platform::DecodePageToken(page.page_token, page.query_digest);
  if (!after.ok()) return after.status();
  if (!after->empty()) {
    if (after->size() != sort.size()) return BadToken();
    std::vector<std::string> columns, marks;
    std::vector<SqlParam> values;
    for (size_t i = 0; i < sort.size(); ++i) {
      columns.push_back(sort[i].expr);
      marks.push_back("?");
      if (sort[i].is_int) {
        int64_t n = 0;
        if (!absl::SimpleAtoi((*after)[i], &n)) return BadToken();
        values.push_back(SqlParam(n));
      } else {
        values.push_back(SqlParam((*after)[i]));
      }
    }
    q.Where(
        absl::StrCat("(", absl::StrJoin(columns, ", "), ") > (", absl::StrJoin(marks, ", "), ")"),
        std::move(values));
  }
  std::vector<std::string> order;
  for (const SortColumn& c : sort) order.push_back(c.expr);
  std::string sql =
      absl::StrCat("SELECT ", q.resource, ", ", absl::StrJoin(order, ", "), " FROM ", q.from);
  if (!q.where.empty()) absl::StrAppend(&sql, " WHERE ", absl::StrJoin(q.where, " AND "));
  absl::StrAppend(&sql, " ORDER BY ", absl::StrJoin(order, ", "), " LIMIT ?");
  q.params.push_back(SqlParam(static_cast<int64_t>(page.page_size) + 1));
  auto tx = db.Begin(TxMode::kRead);
  if (!tx.ok()) return tx.status();
  auto rows = (*tx)->Query(sql, q.params);
  if (!rows.ok()) return rows.status();
  Page<T> out;
  for (size_t r = 0; r < rows->size() && static_cast<int>(r) < page.page_size; ++r) {
    auto resource = Parse<T>((*rows)[r].Blob(0));
    if (!resource.ok()) return resource.status();
    out.items.push_back(std::move(*resource));
  }
  if (static_cast<int>(rows->size()) > page.page_size && page.page_size > 0) {
    const SqlRow& last = (*rows)[page.page_size - 1];
    std::vector<std::string> key;
    for (size_t i = 0; i < sort.size(); ++i) {
      key.push_back(sort[i].is_int ? absl::StrCat(last.Int(static_cast<int>(i) + 1))
                                   : last.Text(static_cast<int>(i) + 1));
    }
    out.next_page_token = platform::EncodePageToken(page.query_digest, key);
  }
  return out;
}

std::vector<SortColumn> NameSort(const std::string& alias, ListOrder order) {
  if (order == ListOrder::kDisplayName) return {{alias + ".collation_key"}, {alias + ".name"}};
  return {{alias + ".name"}};
}

std::string LevelPattern(int level) { return absl::StrCat("%,", level, ",%"); }

// LIKE pattern matching `word` anywhere, with LIKE's own characters escaped.
std::string Containing(const std::string& word) {
  std::string out = "%";
  for (char c : word) {
    if (c == '%' || c == '_' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('%');
  return out;
}

void AddUnitConditions(const UnitQuery& query, ListSql& q) {
  if (!query.district.empty()) q.Where("u.district = ?", {SqlParam(query.district)});
  if (query.kind != 0) q.Where("u.kind = ?", {SqlParam(query.kind)});
  if (query.level != 0) q.Where("u.levels LIKE ?", {SqlParam(LevelPattern(query.level))});
  if (!query.parent.empty()) q.Where("u.parent = ?", {SqlParam(query.parent)});
  if (!query.head.empty()) q.Where("u.head = ?", {SqlParam(query.head)});
  if (!query.block.empty()) {
    if (query.start_year != 0) {
      q.Where(
          "EXISTS (SELECT 1 FROM block_members m WHERE m.unit_name = u.name AND "
          "m.block_name = ? AND m.start_year = ?)",
          {SqlParam(query.block), SqlParam(query.start_year)});
    } else {
      q.Where(
          "EXISTS (SELECT 1 FROM block_members m WHERE m.unit_name = u.name AND m.block_name = ?)",
          {SqlParam(query.block)});
    }
  }
}

}  // namespace

absl::StatusOr<Page<v1::District>> RegistryStore::ListDistricts(const DistrictQuery& query,
                                                                ListOrder order,
                                                                const PageRequest& page) {
  ListSql q{"districts d", "d.resource"};
  if (!query.province.empty()) q.Where("d.province = ?", {SqlParam(query.province)});
  return RunPage<v1::District>(*db_, std::move(q), NameSort("d", order), page);
}

absl::StatusOr<Page<v1::EmulationBlock>> RegistryStore::ListEmulationBlocks(
    const BlockQuery& query, ListOrder order, const PageRequest& page) {
  ListSql q{"emulation_blocks b", "b.resource"};
  if (query.start_year != 0 || !query.unit.empty()) {
    std::string condition = "EXISTS (SELECT 1 FROM block_members m WHERE m.block_name = b.name";
    std::vector<SqlParam> values;
    if (query.start_year != 0) {
      condition += " AND m.start_year = ?";
      values.push_back(SqlParam(query.start_year));
    }
    if (!query.unit.empty()) {
      condition += " AND m.unit_name = ?";
      values.push_back(SqlParam(query.unit));
    }
    q.Where(condition + ")", std::move(values));
  }
  return RunPage<v1::EmulationBlock>(*db_, std::move(q), NameSort("b", order), page);
}

absl::StatusOr<Page<v1::Unit>> RegistryStore::ListUnits(const UnitQuery& query, ListOrder order,
                                                        const PageRequest& page) {
  ListSql q{"units u", "u.resource"};
  AddUnitConditions(query, q);
  return RunPage<v1::Unit>(*db_, std::move(q), NameSort("u", order), page);
}

absl::StatusOr<Page<v1::Unit>> RegistryStore::SearchUnits(const std::vector<std::string>& words,
                                                          const std::string& code_query,
                                                          const UnitQuery& query,
                                                          const PageRequest& page) {
  ListSql q{"units u", "u.resource"};
  AddUnitConditions(query, q);
  for (const std::string& word : words) {
    q.Where("u.search_key LIKE ? ESCAPE '\\'", {SqlParam(Containing(word))});
  }
  // The unit whose code is the query comes first, on the first page; the keyset pages then
  // run over the others.
  Page<v1::Unit> exact;
  if (!code_query.empty()) {
    if (page.page_token.empty()) {
      ListSql exact_q = q;
      exact_q.Where("u.code = ?", {SqlParam(code_query)});
      PageRequest one{1, "", page.query_digest};
      auto found = RunPage<v1::Unit>(*db_, std::move(exact_q), {{"u.name"}}, one);
      if (!found.ok()) return found.status();
      exact = std::move(*found);
    }
    q.Where("u.code <> ?", {SqlParam(code_query)});
  }
  PageRequest rest = page;
  rest.page_size = page.page_size - static_cast<int>(exact.items.size());
  if (rest.page_size <= 0) {
    // A page of one: the exact match; the others start from the beginning on the next page.
    exact.next_page_token.clear();
    auto probe = RunPage<v1::Unit>(*db_, q, NameSort("u", ListOrder::kDisplayName),
                                   PageRequest{1, "", page.query_digest});
    if (!probe.ok()) return probe.status();
    if (!probe->items.empty()) {
      // A token whose key sorts before every real key: an empty collation key and name.
      exact.next_page_token = platform::EncodePageToken(page.query_digest, {"", ""});
    }
    return exact;
  }
  auto others = RunPage<v1::Unit>(*db_, std::move(q), NameSort("u", ListOrder::kDisplayName), rest);
  if (!others.ok()) return others.status();
  for (auto& unit : others->items) exact.items.push_back(std::move(unit));
  exact.next_page_token = others->next_page_token;
  return exact;
}

absl::StatusOr<Page<v1::Person>> RegistryStore::ListPersons(const PersonQuery& query,
                                                            ListOrder order,
                                                            const PageRequest& page) {
  ListSql q{"persons p", "p.resource"};
  if (!query.unit.empty()) q.Where("p.unit = ?", {SqlParam(query.unit)});
  if (!query.district.empty()) {
    q.Where("p.unit IN (SELECT name FROM units WHERE district = ?)", {SqlParam(query.district)});
  }
  if (query.staff_category != 0) q.Where("p.staff_category = ?", {SqlParam(query.staff_category)});
  if (query.holds_leadership_post)
    q.Where("p.leader = ?", {SqlParam(*query.holds_leadership_post)});
  if (!query.head_of.empty()) q.Where("p.head_of = ?", {SqlParam(query.head_of)});
  return RunPage<v1::Person>(*db_, std::move(q), NameSort("p", order), page);
}

absl::StatusOr<Page<v1::UnitYearlyRecord>> RegistryStore::ListUnitYearlyRecords(
    const UnitRecordQuery& query, ListOrder order, const PageRequest& page) {
  ListSql q{"unit_records r JOIN units u ON u.name = r.unit", "r.resource"};
  if (!query.unit.empty()) q.Where("r.unit = ?", {SqlParam(query.unit)});
  if (query.start_year != 0) q.Where("r.start_year = ?", {SqlParam(query.start_year)});
  if (!query.district.empty()) q.Where("u.district = ?", {SqlParam(query.district)});
  if (query.kind != 0) q.Where("u.kind = ?", {SqlParam(query.kind)});
  if (query.level != 0) q.Where("u.levels LIKE ?", {SqlParam(LevelPattern(query.level))});
  if (!query.block.empty()) {
    q.Where(
        "EXISTS (SELECT 1 FROM block_members m WHERE m.unit_name = r.unit AND "
        "m.start_year = r.start_year AND m.block_name = ?)",
        {SqlParam(query.block)});
  }
  std::vector<SortColumn> sort;
  if (order == ListOrder::kSchoolYear)
    sort = {{"r.start_year", true}, {"r.name"}};
  else if (order == ListOrder::kDisplayName)
    sort = {{"u.collation_key"}, {"r.name"}};
  else
    sort = {{"r.name"}};
  return RunPage<v1::UnitYearlyRecord>(*db_, std::move(q), sort, page);
}

absl::StatusOr<Page<v1::PersonYearlyRecord>> RegistryStore::ListPersonYearlyRecords(
    const PersonRecordQuery& query, ListOrder order, const PageRequest& page) {
  ListSql q{"person_records r JOIN persons p ON p.name = r.person", "r.resource"};
  if (!query.person.empty()) q.Where("r.person = ?", {SqlParam(query.person)});
  if (query.start_year != 0) q.Where("r.start_year = ?", {SqlParam(query.start_year)});
  if (!query.unit.empty()) q.Where("r.unit = ?", {SqlParam(query.unit)});
  if (!query.district.empty()) {
    q.Where("r.unit IN (SELECT name FROM units WHERE district = ?)", {SqlParam(query.district)});
  }
  if (query.holds_leadership_post)
    q.Where("r.leader = ?", {SqlParam(*query.holds_leadership_post)});
  if (!query.head_of.empty()) q.Where("r.head_of = ?", {SqlParam(query.head_of)});
  std::vector<SortColumn> sort;
  if (order == ListOrder::kSchoolYear)
    sort = {{"r.start_year", true}, {"r.name"}};
  else if (order == ListOrder::kDisplayName)
    sort = {{"p.collation_key"}, {"r.name"}};
  else
    sort = {{"r.name"}};
  return RunPage<v1::PersonYearlyRecord>(*db_, std::move(q), sort, page);
}

// The resource types the service uses.
#define DH_REGISTRY_STORE_INSTANTIATE(T)                                                        \
  template absl::StatusOr<T> RegistryStore::Get<T>(const std::string&);                         \
  template absl::Status RegistryStore::BatchGet<T>(const std::vector<std::string>&, bool,       \
                                                   std::vector<T>*, std::vector<std::string>*); \
  template absl::StatusOr<T> RegistryStore::Write<T>(const WriteMeta&, const Change<T>&);       \
  template absl::Status RegistryStore::Delete<T>(const WriteMeta&, const std::string&,          \
                                                 const std::string&, const WriteAuthorizer<T>&);

DH_REGISTRY_STORE_INSTANTIATE(v1::District)
DH_REGISTRY_STORE_INSTANTIATE(v1::EmulationBlock)
DH_REGISTRY_STORE_INSTANTIATE(v1::Unit)
DH_REGISTRY_STORE_INSTANTIATE(v1::Person)
DH_REGISTRY_STORE_INSTANTIATE(v1::UnitYearlyRecord)
DH_REGISTRY_STORE_INSTANTIATE(v1::PersonYearlyRecord)

#define DH_REGISTRY_IMPORT_INSTANTIATE(T)                                                      \
  template absl::StatusOr<ImportResult> RegistryStore::Import<T>(                              \
      const WriteMeta&, ImportRowSource&, const std::vector<std::string>&, bool,               \
      const WriteAuthorizer<T>&,                                                               \
      const std::function<v1::ImportRecordsResponse(const ImportResult&)>&);

DH_REGISTRY_IMPORT_INSTANTIATE(v1::Unit)
DH_REGISTRY_IMPORT_INSTANTIATE(v1::Person)
DH_REGISTRY_IMPORT_INSTANTIATE(v1::UnitYearlyRecord)
DH_REGISTRY_IMPORT_INSTANTIATE(v1::PersonYearlyRecord)

}  // namespace dienhinh::registry
