#include "services/registry/csv_import.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "dienhinh/registry/v1/person.pb.h"
#include "dienhinh/registry/v1/unit.pb.h"
#include "dienhinh/registry/v1/yearly_record.pb.h"
#include "services/platform/text/vietnamese_text.h"
#include "services/registry/enum_labels.h"
#include "services/registry/registry_names.h"

namespace dienhinh::registry {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

// How a cell is read.
enum class Cell {
  kKey,         // the resource's code: the key of the row
  kSchoolYear,  // "2019-2020": with the code, the key of a yearly record
  kText,
  kInt,
  kEnum,
  kBool,
  kUnitRef,      // a unit code, stored as units/{code}
  kDistrictRef,  // a district code, stored as districts/{code}
  kBlockRef,     // a block id, stored as emulationBlocks/{id}
  kLevels,       // education levels separated by '|'
  kTitles,
  kAwards,
  kAcknowledgements,
  kUnionRating,  // one organisation's rating, kept in union_ratings
};

struct ImportColumn {
  Cell cell;
  std::string path;  // the field it sets; "" for the key columns
  std::vector<std::string>
      headers;  // the Vietnamese header first, then the English one, then variants
  int union_kind = 0;
};

namespace {

const std::vector<ImportColumn>& UnitColumns() {
  static const auto* columns = new std::vector<ImportColumn>{
      {Cell::kKey, "", {"Mã đơn vị", "unit_code", "code"}},
      {Cell::kText, "display_name", {"Tên đơn vị", "display_name", "name"}},
      {Cell::kText, "short_name", {"Tên viết tắt", "short_name"}},
      {Cell::kEnum, "kind", {"Loại đơn vị", "kind"}},
      {Cell::kEnum, "level", {"Cấp học", "level"}},
      {Cell::kLevels, "additional_levels", {"Cấp học khác", "additional_levels"}},
      {Cell::kUnitRef, "parent", {"Mã đơn vị cấp trên", "parent_code", "parent"}},
      {Cell::kDistrictRef, "district", {"Mã quận huyện", "district_code", "district"}},
      {Cell::kText, "address", {"Địa chỉ", "address"}},
  };
  return *columns;
}

const std::vector<ImportColumn>& PersonColumns() {
  static const auto* columns = new std::vector<ImportColumn>{
      {Cell::kKey, "", {"Mã cán bộ", "person_code", "code", "Mã CBCCVC", "Mã nhân sự"}},
      {Cell::kText, "display_name", {"Họ và tên", "display_name", "full_name", "name", "Họ tên"}},
      {Cell::kUnitRef, "unit", {"Mã đơn vị", "unit_code", "unit"}},
      {Cell::kText, "post", {"Chức vụ", "post"}},
      {Cell::kEnum, "staff_category", {"Loại cán bộ", "staff_category"}},
      {Cell::kBool,
       "holds_leadership_post",
       {"Lãnh đạo quản lý", "holds_leadership_post", "leader"}},
      {Cell::kUnitRef, "head_of", {"Đứng đầu đơn vị", "head_of"}},
  };
  return *columns;
}

const std::vector<ImportColumn>& UnitRecordColumns() {
  static const auto* columns = new std::vector<ImportColumn>{
      {Cell::kKey, "", {"Mã đơn vị", "unit_code", "code"}},
      {Cell::kSchoolYear, "", {"Năm học", "school_year"}},
      {Cell::kInt, "scale.schools", {"Số điểm trường", "schools"}},
      {Cell::kInt, "scale.classes", {"Số lớp", "classes"}},
      {Cell::kInt, "scale.students", {"Số học sinh", "students"}},
      {Cell::kInt, "previous_scale.schools", {"Số điểm trường năm trước", "previous_schools"}},
      {Cell::kInt, "previous_scale.classes", {"Số lớp năm trước", "previous_classes"}},
      {Cell::kInt, "previous_scale.students", {"Số học sinh năm trước", "previous_students"}},
      {Cell::kInt, "entry_enrolment.planned", {"Chỉ tiêu tuyển sinh đầu cấp", "entry_planned"}},
      {Cell::kInt, "entry_enrolment.actual", {"Tuyển sinh đầu cấp", "entry_actual"}},
      {Cell::kInt, "staff.total", {"Tổng số CBGVNV", "staff_total"}},
      {Cell::kInt,
       "staff.meeting_qualification_standard",
       {"CBGVNV đạt chuẩn trình độ", "staff_qualified"}},
      {Cell::kInt, "staff.teachers", {"Số giáo viên", "teachers"}},
      {Cell::kInt, "staff.professional_ratings.good", {"Số xếp loại tốt", "rated_good"}},
      {Cell::kInt, "staff.professional_ratings.fair", {"Số xếp loại khá", "rated_fair"}},
      {Cell::kInt,
       "staff.professional_ratings.meets_standard",
       {"Số xếp loại đạt", "rated_meets_standard"}},
      {Cell::kInt,
       "staff.professional_ratings.below_standard",
       {"Số xếp loại chưa đạt", "rated_below_standard"}},
      {Cell::kInt, "staff.professional_ratings.not_rated", {"Số chưa xếp loại", "not_rated"}},
      {Cell::kInt, "students.assessed", {"Học sinh được đánh giá", "students_assessed"}},
      {Cell::kInt, "students.excellent", {"Học sinh giỏi", "students_excellent"}},
      {Cell::kInt, "students.good", {"Học sinh khá", "students_good"}},
      {Cell::kInt,
       "students.city_contest_entrants",
       {"Dự thi cấp thành phố", "city_contest_entrants"}},
      {Cell::kInt,
       "students.city_contest_prize_winners",
       {"Đạt giải cấp thành phố", "city_contest_prize_winners"}},
      {Cell::kInt,
       "students.national_contest_entrants",
       {"Dự thi cấp quốc gia", "national_contest_entrants"}},
      {Cell::kInt,
       "students.national_contest_prize_winners",
       {"Đạt giải cấp quốc gia", "national_contest_prize_winners"}},
      {Cell::kInt,
       "excellent_teachers.school_level",
       {"Giáo viên dạy giỏi cấp trường", "excellent_teachers_school"}},
      {Cell::kInt,
       "excellent_teachers.district_level",
       {"Giáo viên dạy giỏi cấp huyện", "excellent_teachers_district"}},
      {Cell::kInt,
       "excellent_teachers.city_level",
       {"Giáo viên dạy giỏi cấp thành phố", "excellent_teachers_city"}},
      {Cell::kEnum, "national_standard.level", {"Chuẩn quốc gia", "national_standard"}},
      {Cell::kInt,
       "national_standard.schools_meeting_standard",
       {"Số trường đạt chuẩn quốc gia", "schools_meeting_standard"}},
      {Cell::kInt,
       "national_standard.schools_meeting_standard_planned",
       {"Kế hoạch trường đạt chuẩn quốc gia", "schools_meeting_standard_planned"}},
      {Cell::kEnum, "universal_education.status", {"Phổ cập giáo dục", "universal_education"}},
      {Cell::kInt, "universal_education.level", {"Mức phổ cập", "universal_education_level"}},
      {Cell::kEnum, "assessment.assessment", {"Đánh giá năm học", "assessment"}},
      {Cell::kText, "assessment.assessed_by", {"Cấp đánh giá", "assessed_by"}},
      {Cell::kText,
       "assessment.document.number",
       {"Số quyết định đánh giá", "assessment_decision"}},
      {Cell::kEnum,
       "party_organisation.assessment",
       {"Xếp loại tổ chức đảng", "party_organisation"}},
      {Cell::kUnionRating, "union_ratings", {"Công đoàn", "trade_union"}, 1},
      {Cell::kUnionRating, "union_ratings", {"Đoàn thanh niên", "youth_union"}, 2},
      {Cell::kUnionRating, "union_ratings", {"Đội thiếu niên", "young_pioneers"}, 3},
      {Cell::kUnionRating, "union_ratings", {"Nữ công", "women"}, 4},
      {Cell::kUnionRating, "union_ratings", {"Cựu chiến binh", "veterans"}, 5},
      {Cell::kBlockRef, "block_standing.group", {"Khối thi đua", "emulation_block"}},
      {Cell::kInt, "block_standing.rank", {"Xếp hạng trong khối", "block_rank"}},
      {Cell::kInt, "block_standing.group_size", {"Số đơn vị trong khối", "block_size"}},
      {Cell::kTitles, "titles", {"Danh hiệu thi đua", "titles"}},
      {Cell::kAwards, "awards", {"Hình thức khen thưởng", "awards"}},
      {Cell::kText, "notes", {"Ghi chú", "notes"}},
  };
  return *columns;
}

const std::vector<ImportColumn>& PersonRecordColumns() {
  static const auto* columns = new std::vector<ImportColumn>{
      {Cell::kKey, "", {"Mã cán bộ", "person_code", "code", "Mã CBCCVC", "Mã nhân sự"}},
      {Cell::kSchoolYear, "", {"Năm học", "school_year"}},
      {Cell::kUnitRef, "unit", {"Mã đơn vị", "unit_code", "unit"}},
      {Cell::kText, "post", {"Chức vụ", "post"}},
      {Cell::kBool,
       "holds_leadership_post",
       {"Lãnh đạo quản lý", "holds_leadership_post", "leader"}},
      {Cell::kUnitRef, "head_of", {"Đứng đầu đơn vị", "head_of"}},
      {Cell::kEnum, "task_assessment.assessment", {"Đánh giá xếp loại", "task_assessment"}},
      {Cell::kText, "task_assessment.assessed_by", {"Cấp đánh giá", "assessed_by"}},
      {Cell::kEnum, "professional_rating", {"Xếp loại chuẩn nghề nghiệp", "professional_rating"}},
      {Cell::kAcknowledgements, "acknowledgements", {"Ghi nhận", "acknowledgements"}},
      {Cell::kTitles, "titles", {"Danh hiệu thi đua", "titles"}},
      {Cell::kAwards, "awards", {"Hình thức khen thưởng", "awards"}},
      {Cell::kInt, "unit_standing.rank", {"Xếp hạng trong đơn vị", "unit_rank"}},
      {Cell::kInt, "unit_standing.group_size", {"Số người được xếp hạng", "unit_ranked"}},
      {Cell::kText, "notes", {"Ghi chú", "notes"}},
  };
  return *columns;
}

const std::vector<ImportColumn>& ColumnsOf(v1::ImportKind kind) {
  switch (kind) {
    case v1::IMPORT_KIND_UNITS:
      return UnitColumns();
    case v1::IMPORT_KIND_PERSONS:
      return PersonColumns();
    case v1::IMPORT_KIND_UNIT_YEARLY_RECORDS:
      return UnitRecordColumns();
    default:
      return PersonRecordColumns();
  }
}

std::unique_ptr<Message> NewResource(v1::ImportKind kind) {
  switch (kind) {
    case v1::IMPORT_KIND_UNITS:
      return std::make_unique<v1::Unit>();
    case v1::IMPORT_KIND_PERSONS:
      return std::make_unique<v1::Person>();
    case v1::IMPORT_KIND_UNIT_YEARLY_RECORDS:
      return std::make_unique<v1::UnitYearlyRecord>();
    default:
      return std::make_unique<v1::PersonYearlyRecord>();
  }
}

// Headers compare without case, diacritics or punctuation: "Mã quận/huyện", "ma_quan_huyen"
// and "MÃ QUẬN HUYỆN" are one column.
std::string FoldHeader(absl::string_view text) {
  std::string spaced(text);
  for (char& c : spaced) {
    if (c == '_' || c == '-' || c == '/' || c == '.' || c == '(' || c == ')' || c == ':') c = ' ';
  }
  return platform::SearchKey(spaced);
}

// The fields along `path` from `root`, looked up once per thread: `path` is a column's, which
// lives as long as the process, so its address is a key (splitting and looking up the path of
// every cell of every row cost an import more than the cell's own work).
const std::vector<const FieldDescriptor*>& FieldsAlong(const google::protobuf::Descriptor* root,
                                                      const std::string& path) {
  thread_local absl::flat_hash_map<std::pair<const google::protobuf::Descriptor*,
                                             const std::string*>,
                                   std::vector<const FieldDescriptor*>>
      cache;
  auto [it, inserted] = cache.try_emplace({root, &path});
  if (inserted) {
    const google::protobuf::Descriptor* current = root;
    for (absl::string_view part : absl::StrSplit(path, '.')) {
      const FieldDescriptor* fd = current->FindFieldByName(std::string(part));
      it->second.push_back(fd);
      current = fd->message_type();
    }
  }
  return it->second;
}

// The message that holds the last field of `path`, with sub-messages created on the way.
Message* Holder(Message* root, const std::string& path, const FieldDescriptor** leaf) {
  const std::vector<const FieldDescriptor*>& fields = FieldsAlong(root->GetDescriptor(), path);
  Message* current = root;
  for (size_t i = 0; i + 1 < fields.size(); ++i) {
    current = current->GetReflection()->MutableMessage(current, fields[i]);
  }
  *leaf = fields.back();
  return current;
}

struct Entry {
  std::string label;
  std::string text;
  std::string detail;
};

// "label[: text][@detail] | ..." → entries; empty entries are skipped.
std::vector<Entry> SplitEntries(absl::string_view value) {
  std::vector<Entry> out;
  for (absl::string_view part : absl::StrSplit(value, '|')) {
    part = absl::StripAsciiWhitespace(part);
    if (part.empty()) continue;
    Entry entry;
    size_t at = part.find('@');
    if (at != absl::string_view::npos) {
      entry.detail = std::string(absl::StripAsciiWhitespace(part.substr(at + 1)));
      part = absl::StripAsciiWhitespace(part.substr(0, at));
    }
    size_t colon = part.find(':');
    if (colon != absl::string_view::npos) {
      entry.text = std::string(absl::StripAsciiWhitespace(part.substr(colon + 1)));
      part = absl::StripAsciiWhitespace(part.substr(0, colon));
    }
    entry.label = std::string(part);
    out.push_back(std::move(entry));
  }
  return out;
}

std::string Truncated(const std::string& value) {
  if (value.size() <= 200) return value;
  size_t cut = 200;
  while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xC0) == 0x80)
    --cut;  // whole characters
  return value.substr(0, cut);
}

// A problem with one cell: the Vietnamese and English messages.
struct CellError {
  std::string vi;
  std::string en;
};

std::optional<CellError> BadEnum(const google::protobuf::EnumDescriptor* type) {
  std::string accepted = AcceptedLabels(type);
  return CellError{absl::StrCat("Giá trị không hợp lệ; dùng một trong: ", accepted),
                   absl::StrCat("Not a known value; use one of: ", accepted)};
}

// Reads `value` into `resource` as `column` says; an error when it cannot.
std::optional<CellError> ReadCell(const ImportColumn& column, const std::string& value,
                                  Message* resource) {
  if (value.empty()) return std::nullopt;  // not recorded
  const FieldDescriptor* fd = nullptr;
  Message* holder = Holder(resource, column.path, &fd);
  const auto* reflection = holder->GetReflection();
  switch (column.cell) {
    case Cell::kText:
      reflection->SetString(holder, fd, value);
      return std::nullopt;
    case Cell::kInt: {
      int32_t n = 0;
      if (!absl::SimpleAtoi(value, &n)) {
        return CellError{"Phải là một số nguyên (không có dấu phân cách hàng nghìn)",
                         "Must be a whole number (no thousands separators)"};
      }
      reflection->SetInt32(holder, fd, n);
      return std::nullopt;
    }
    case Cell::kEnum: {
      std::optional<int> number = ParseEnumLabel(fd->enum_type(), value);
      if (!number) return BadEnum(fd->enum_type());
      reflection->SetEnumValue(holder, fd, *number);
      return std::nullopt;
    }
    case Cell::kBool: {
      // The usual spellings are read as they are; only another case or spelling is folded
      // (through ICU, once per cell of a file's every row before).
      static const auto* kWritten = new std::map<std::string, bool, std::less<>>{
          {"có", true},      {"Có", true},   {"x", true},     {"X", true},    {"1", true},
          {"true", true},    {"TRUE", true}, {"yes", true},   {"không", false}, {"Không", false},
          {"0", false},      {"false", false}, {"FALSE", false}, {"no", false}};
      static const std::set<std::string> kYes = {"co", "x", "1", "true", "yes", "c"};
      static const std::set<std::string> kNo = {"khong", "0", "false", "no", "k"};
      if (auto written = kWritten->find(value); written != kWritten->end()) {
        reflection->SetBool(holder, fd, written->second);
        return std::nullopt;
      }
      std::string folded = FoldHeader(value);
      if (kYes.count(folded))
        reflection->SetBool(holder, fd, true);
      else if (kNo.count(folded))
        reflection->SetBool(holder, fd, false);
      else
        return CellError{"Phải là \"có\" hoặc \"không\"", "Must be \"có\" (yes) or \"không\" (no)"};
      return std::nullopt;
    }
    case Cell::kUnitRef:
    case Cell::kDistrictRef:
    case Cell::kBlockRef: {
      absl::string_view prefix = column.cell == Cell::kUnitRef       ? kUnitsPrefix
                                 : column.cell == Cell::kDistrictRef ? kDistrictsPrefix
                                                                     : kBlocksPrefix;
      std::string name = absl::StartsWith(value, prefix) ? value : absl::StrCat(prefix, value);
      bool ok = column.cell == Cell::kUnitRef       ? UnitCodeOf(name).has_value()
                : column.cell == Cell::kDistrictRef ? DistrictCodeOf(name).has_value()
                                                    : BlockIdOf(name).has_value();
      if (!ok) {
        return CellError{"Mã không hợp lệ (chỉ chữ, số, dấu chấm, gạch dưới, gạch ngang)",
                         column.cell == Cell::kDistrictRef
                             ? "Not a district code (3 to 5 digits)"
                             : "Not a valid code (letters, digits, '.', '_' and '-' only)"};
      }
      reflection->SetString(holder, fd, name);
      return std::nullopt;
    }
    case Cell::kLevels: {
      for (absl::string_view part : absl::StrSplit(value, absl::ByAnyChar("|,;"))) {
        part = absl::StripAsciiWhitespace(part);
        if (part.empty()) continue;
        std::optional<int> level = ParseEnumLabel(fd->enum_type(), part);
        if (!level) return BadEnum(fd->enum_type());
        reflection->AddEnumValue(holder, fd, *level);
      }
      return std::nullopt;
    }
    case Cell::kTitles:
    case Cell::kAwards:
    case Cell::kAcknowledgements: {
      for (const Entry& entry : SplitEntries(value)) {
        Message* item = reflection->AddMessage(holder, fd);
        const auto* d = item->GetDescriptor();
        const FieldDescriptor* kind_field = d->field(0);  // title, form, kind: the first field
        std::optional<int> kind = ParseEnumLabel(kind_field->enum_type(), entry.label);
        if (!kind) {
          CellError error = *BadEnum(kind_field->enum_type());
          error.vi = absl::StrCat("\"", entry.label, "\": ", error.vi);
          error.en = absl::StrCat("\"", entry.label, "\": ", error.en);
          return error;
        }
        item->GetReflection()->SetEnumValue(item, kind_field, *kind);
        if (column.cell == Cell::kAcknowledgements) {
          auto* ack = static_cast<v1::Acknowledgement*>(item);
          ack->set_description(entry.text);
          ack->set_acknowledged_by(entry.detail);
          continue;
        }
        const FieldDescriptor* text_field =
            d->FindFieldByName(column.cell == Cell::kTitles ? "title_text" : "award_text");
        item->GetReflection()->SetString(item, text_field, entry.text);
        if (!entry.detail.empty()) {
          std::optional<int> level =
              ParseEnumLabel(type::v1::AuthorityLevel_descriptor(), entry.detail);
          if (!level) {
            CellError error = *BadEnum(type::v1::AuthorityLevel_descriptor());
            error.vi = absl::StrCat("Cấp khen \"", entry.detail, "\": ", error.vi);
            error.en = absl::StrCat("Authority level \"", entry.detail, "\": ", error.en);
            return error;
          }
          item->GetReflection()->SetEnumValue(item, d->FindFieldByName("authority_level"), *level);
        }
      }
      return std::nullopt;
    }
    case Cell::kUnionRating: {
      std::optional<int> rating = ParseEnumLabel(type::v1::OrganisationRating_descriptor(), value);
      if (!rating) return BadEnum(type::v1::OrganisationRating_descriptor());
      auto* union_rating = static_cast<v1::UnionRating*>(reflection->AddMessage(holder, fd));
      union_rating->set_union_kind(static_cast<type::v1::UnionKind>(column.union_kind));
      union_rating->set_rating(static_cast<type::v1::OrganisationRating>(*rating));
      return std::nullopt;
    }
    case Cell::kKey:
    case Cell::kSchoolYear:
      return std::nullopt;  // read by the row
  }
  return std::nullopt;
}

bool IsRecordKind(v1::ImportKind kind) {
  return kind == v1::IMPORT_KIND_UNIT_YEARLY_RECORDS ||
         kind == v1::IMPORT_KIND_PERSON_YEARLY_RECORDS;
}

}  // namespace

ImportParser::ImportParser(v1::ImportKind kind, int default_start_year, ImportRowSink* sink)
    : kind_(kind),
      default_start_year_(default_start_year),
      reader_([this](const CsvRow& row) { return OnRow(row); }),
      spec_(&ColumnsOf(kind)),
      sink_(sink) {}

ImportParser::~ImportParser() = default;

void ImportParser::AddError(int64_t line, std::string column, std::string value, std::string vi,
                            std::string en) {
  if (errors_.size() > kMaxErrors) return;
  v1::RowError error;
  error.set_line(line);
  if (errors_.size() == kMaxErrors) {
    error.mutable_message()->set_vi("Quá nhiều lỗi; hãy sửa các lỗi trên rồi nhập lại");
    error.mutable_message()->set_en("Too many errors; fix those above and import again");
  } else {
    error.set_column(std::move(column));
    error.set_value(Truncated(value));
    error.mutable_message()->set_vi(std::move(vi));
    error.mutable_message()->set_en(std::move(en));
  }
  errors_.push_back(std::move(error));
}

void ImportParser::Feed(absl::string_view chunk) {
  if (stopped_) return;
  if (absl::Status s = reader_.Feed(chunk); !s.ok()) {
    stopped_ = true;
    if (!sink_status_.ok()) return;  // the sink failed, not the file
    AddError(reader_.line(), "", "", absl::StrCat("Tệp CSV sai cấu trúc: ", s.message()),
             absl::StrCat("The file is not well-formed CSV: ", s.message()));
  }
}

void ImportParser::Finish() {
  if (!stopped_) {
    if (absl::Status s = reader_.Finish(); !s.ok()) {
      stopped_ = true;
      if (!sink_status_.ok()) return;
      AddError(reader_.line(), "", "", absl::StrCat("Tệp CSV sai cấu trúc: ", s.message()),
               absl::StrCat("The file is not well-formed CSV: ", s.message()));
    }
  }
  if (!header_read_ && errors_.empty()) {
    AddError(1, "", "", "Tệp trống: dòng đầu phải là dòng tiêu đề cột",
             "The file is empty: its first line must name the columns");
  }
}

absl::Status ImportParser::OnRow(const CsvRow& row) {
  if (!header_read_) {
    header_read_ = true;
    ReadHeader(row);
  } else {
    ++rows_;
    if (usable_) ReadData(row);
  }
  return sink_status_;  // an error stops the reader
}

absl::StatusOr<std::string> ImportParser::NameAt(int64_t line) {
  if (sink_ != nullptr) return sink_->NameAt(line);
  auto it = std::lower_bound(items_.begin(), items_.end(), line,
                             [](const ImportItem& item, int64_t l) { return item.line < l; });
  if (it == items_.end() || it->line != line) {
    return absl::InternalError(absl::StrCat("no row kept from line ", line));
  }
  return it->name;
}

absl::StatusOr<int64_t> ImportParser::FirstLineOf(const std::string& name, int64_t line) {
  auto [it, inserted] = first_line_by_hash_.emplace(absl::Hash<std::string>{}(name), line);
  if (inserted) return 0;
  // The same hash: the same key, or (about once in 10^7 files of 2 million keys) another.
  auto earlier = NameAt(it->second);
  if (!earlier.ok()) return earlier.status();
  if (*earlier == name) return it->second;
  auto [shared, new_key] = hash_sharing_keys_.emplace(name, line);
  return new_key ? 0 : shared->second;
}

void ImportParser::ReadHeader(const CsvRow& row) {
  std::set<const ImportColumn*> seen;
  std::set<std::string> paths;
  // Each alias folded once (folding is ICU work: once per alias and header cell, a wide
  // header cost tens of milliseconds, which the fuzzer found).
  std::map<std::string, const ImportColumn*> by_folded_alias;
  for (const ImportColumn& column : *spec_) {
    for (const std::string& alias : column.headers) by_folded_alias[FoldHeader(alias)] = &column;
  }
  for (const std::string& raw : row.fields) {
    auto nfc = platform::NormalizeNfc(raw);
    std::string header = nfc.ok() ? *nfc : raw;
    headers_.push_back(header);
    auto found = by_folded_alias.find(FoldHeader(header));
    const ImportColumn* match = found == by_folded_alias.end() ? nullptr : found->second;
    if (match == nullptr) {
      std::vector<std::string> known;
      for (const ImportColumn& column : *spec_) known.push_back(column.headers[0]);
      std::string list = absl::StrJoin(known, ", ");
      AddError(row.line, header, header, absl::StrCat("Cột không được hỗ trợ; các cột: ", list),
               absl::StrCat("Unknown column; the columns are: ", list,
                            " (or their English names, see the registry README)"));
    } else if (!seen.insert(match).second) {
      AddError(row.line, header, header, "Cột này xuất hiện hai lần", "This column appears twice");
      match = nullptr;
    } else if (!match->path.empty() && paths.insert(match->path).second) {
      paths_.push_back(match->path);
    }
    columns_.push_back(match);
  }
  for (const ImportColumn& column : *spec_) {
    bool key =
        column.cell == Cell::kKey || (column.cell == Cell::kSchoolYear && default_start_year_ == 0);
    if (key && !seen.count(&column)) {
      usable_ = false;
      AddError(
          row.line, column.headers[0], "",
          column.cell == Cell::kKey ? absl::StrCat("Thiếu cột khóa \"", column.headers[0], "\"")
                                    : "Thiếu cột \"Năm học\" và yêu cầu nhập không nêu năm học",
          column.cell == Cell::kKey
              ? absl::StrCat("The key column \"", column.headers[0], "\" (", column.headers[1],
                             ") is missing")
              : "There is no \"Năm học\" (school_year) column and the import names no school year");
    }
  }
  // A person's standing is within the unit of the record: the rank column implies the group.
  if (kind_ == v1::IMPORT_KIND_PERSON_YEARLY_RECORDS && paths.count("unit_standing.rank")) {
    paths_.push_back("unit_standing.group");
  }
}

void ImportParser::ReadData(const CsvRow& row) {
  if (row.fields.size() != columns_.size()) {
    AddError(row.line, "", "",
             absl::StrCat("Dòng có ", row.fields.size(), " cột, dòng tiêu đề có ", columns_.size()),
             absl::StrCat("The row has ", row.fields.size(), " fields; the header has ",
                          columns_.size()));
    return;
  }
  size_t errors_before = errors_.size();
  std::unique_ptr<Message> resource = NewResource(kind_);
  std::string code;
  int start_year = default_start_year_;
  for (size_t i = 0; i < row.fields.size(); ++i) {
    const ImportColumn* column = columns_[i];
    if (column == nullptr) continue;
    auto nfc = platform::NormalizeNfc(row.fields[i]);
    if (!nfc.ok()) {
      AddError(row.line, headers_[i], "", "Không phải văn bản UTF-8 hợp lệ",
               "Not valid UTF-8 text (save the file as CSV UTF-8)");
      continue;
    }
    std::string value(absl::StripAsciiWhitespace(*nfc));
    if (column->cell == Cell::kKey) {
      if (!IsValidCode(value)) {
        AddError(row.line, headers_[i], value,
                 "Mã bắt buộc, chỉ gồm chữ, số, dấu chấm, gạch dưới, gạch ngang (tối đa 64)",
                 "A code is required: letters, digits, '.', '_' and '-', at most 64");
      }
      code = value;
    } else if (column->cell == Cell::kSchoolYear) {
      std::optional<int> year = ParseSchoolYear(value);
      if (!year) {
        AddError(row.line, headers_[i], value, "Năm học phải có dạng 2019-2020",
                 "A school year is written like 2019-2020");
      } else {
        start_year = *year;
      }
    } else if (auto error = ReadCell(*column, value, resource.get())) {
      AddError(row.line, headers_[i], value, error->vi, error->en);
    }
  }
  if (errors_.size() != errors_before) return;
  std::string name;
  switch (kind_) {
    case v1::IMPORT_KIND_UNITS:
      name = UnitName(code);
      break;
    case v1::IMPORT_KIND_PERSONS:
      name = PersonName(code);
      break;
    case v1::IMPORT_KIND_UNIT_YEARLY_RECORDS:
      name = YearlyRecordName(UnitName(code), start_year);
      break;
    default:
      name = YearlyRecordName(PersonName(code), start_year);
      break;
  }
  absl::StatusOr<int64_t> first_line = FirstLineOf(name, row.line);
  if (!first_line.ok()) {
    sink_status_ = first_line.status();
    return;
  }
  if (*first_line != 0) {
    size_t key_column = 0;
    for (size_t i = 0; i < columns_.size(); ++i) {
      if (columns_[i] != nullptr && columns_[i]->cell == Cell::kKey) key_column = i;
    }
    AddError(row.line, headers_[key_column], code,
             absl::StrCat("Trùng với dòng ", *first_line,
                          IsRecordKind(kind_) ? " (cùng mã và năm học)" : ""),
             absl::StrCat("Repeats line ", *first_line,
                          IsRecordKind(kind_) ? " (same code and school year)" : ""));
    return;
  }
  if (kind_ == v1::IMPORT_KIND_PERSON_YEARLY_RECORDS) {
    auto* record = static_cast<v1::PersonYearlyRecord*>(resource.get());
    if (record->has_unit_standing()) record->mutable_unit_standing()->set_group(record->unit());
  }
  // Kept even when other rows were bad: the store checks them too, so that one read of the
  // file names every problem (and then rolls back).
  ImportItem item{row.line, std::move(name), std::move(resource)};
  if (sink_ == nullptr) {
    items_.push_back(std::move(item));
  } else if (absl::Status s = sink_->Add(std::move(item)); !s.ok()) {
    sink_status_ = s;
  }
}

v1::RowError ImportParser::ToRowError(const ImportProblem& problem) const {
  // The column whose path holds the problem's field: the field itself, a field under it
  // ("staff.professional_ratings" → its first count column) or the field above it.
  std::string path;
  bool in_index = false;  // indexes dropped: "titles[0].title" → "titles.title"
  for (char c : problem.path) {
    if (c == '[')
      in_index = true;
    else if (c == ']')
      in_index = false;
    else if (!in_index)
      path.push_back(c);
  }
  std::string column;
  bool is_key = path == "name";
  for (size_t pass = 0; pass < 3 && column.empty(); ++pass) {
    for (size_t i = 0; i < columns_.size() && column.empty(); ++i) {
      const ImportColumn* c = columns_[i];
      if (c == nullptr) continue;
      bool match = is_key      ? c->cell == Cell::kKey
                   : pass == 0 ? c->path == path
                   : pass == 1 ? absl::StartsWith(c->path, path + ".")
                               : !c->path.empty() && absl::StartsWith(path, c->path + ".");
      if (match) column = headers_[i];
    }
    if (is_key) break;
  }
  v1::RowError error;
  error.set_line(problem.line);
  error.set_column(column);
  error.set_value(Truncated(problem.value));
  std::string where =
      column.empty() && !problem.path.empty() ? absl::StrCat(problem.path, ": ") : "";
  error.mutable_message()->set_vi(absl::StrCat("Không hợp lệ: ", where, problem.description));
  error.mutable_message()->set_en(absl::StrCat(where, problem.description));
  return error;
}

std::string ImportColumnsHelp() {
  std::string out;
  const std::pair<v1::ImportKind, const char*> kinds[] = {
      {v1::IMPORT_KIND_UNITS, "IMPORT_KIND_UNITS (units, đơn vị)"},
      {v1::IMPORT_KIND_PERSONS, "IMPORT_KIND_PERSONS (persons, cán bộ)"},
      {v1::IMPORT_KIND_UNIT_YEARLY_RECORDS, "IMPORT_KIND_UNIT_YEARLY_RECORDS (a unit's year)"},
      {v1::IMPORT_KIND_PERSON_YEARLY_RECORDS,
       "IMPORT_KIND_PERSON_YEARLY_RECORDS (a person's year)"},
  };
  for (const auto& [kind, title] : kinds) {
    absl::StrAppend(&out, "### ", title,
                    "\n\n| Vietnamese header | English header | field |\n|---|---|---|\n");
    for (const ImportColumn& c : ColumnsOf(kind)) {
      std::string field = c.cell == Cell::kKey          ? "key: the code"
                          : c.cell == Cell::kSchoolYear ? "key: the school year"
                                                        : c.path;
      if (c.cell == Cell::kUnionRating) {
        field = absl::StrCat(
            "union_ratings (",
            type::v1::UnionKind_descriptor()->FindValueByNumber(c.union_kind)->name(), ")");
      }
      absl::StrAppend(&out, "| ", c.headers[0], " | ", c.headers[1], " | `", field, "` |\n");
    }
    absl::StrAppend(&out, "\n");
  }
  return out;
}

}  // namespace dienhinh::registry
