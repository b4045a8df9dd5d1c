// Tests of promises the contracts make that protoc and buf lint cannot check: the event envelope
// other code is written against, the plan-file schema's ability to state every criterion kind,
// and the order of rating enums that code compares by number.
#include <string>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/text_format.h>
#include <gtest/gtest.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "dienhinh/evaluation/v1/plan.pb.h"
#include "dienhinh/events/v1/event.pb.h"
#include "dienhinh/type/v1/rating.pb.h"

namespace dienhinh {
namespace {

using ::google::protobuf::Descriptor;
using ::google::protobuf::FieldDescriptor;

// The envelope is fixed: consumers of every release parse it by these numbers and types.
TEST(EventEnvelopeTest, FieldsKeepTheirNumbersAndTypes) {
  const Descriptor* event = events::v1::Event::descriptor();
  struct Expected {
    const char* name;
    int number;
    FieldDescriptor::Type type;
  };
  const Expected expected[] = {
      {"id", 1, FieldDescriptor::TYPE_STRING},
      {"sequence", 2, FieldDescriptor::TYPE_INT64},
      {"source", 3, FieldDescriptor::TYPE_STRING},
      {"site", 4, FieldDescriptor::TYPE_STRING},
      {"time", 5, FieldDescriptor::TYPE_MESSAGE},
      {"request_id", 6, FieldDescriptor::TYPE_STRING},
      {"actor", 7, FieldDescriptor::TYPE_STRING},
  };
  for (const Expected& e : expected) {
    const FieldDescriptor* field = event->FindFieldByName(e.name);
    ASSERT_NE(field, nullptr) << e.name;
    EXPECT_EQ(field->number(), e.number) << e.name;
    EXPECT_EQ(field->type(), e.type) << e.name;
    EXPECT_FALSE(field->is_repeated()) << e.name;
  }
  EXPECT_EQ(event->FindFieldByName("time")->message_type()->full_name(),
            "google.protobuf.Timestamp");
}

TEST(EventEnvelopeTest, PayloadsAreMessagesNumberedFromTen) {
  const Descriptor* event = events::v1::Event::descriptor();
  const auto* payload = event->FindOneofByName("payload");
  ASSERT_NE(payload, nullptr);
  ASSERT_GT(payload->field_count(), 0);
  for (int i = 0; i < payload->field_count(); ++i) {
    const FieldDescriptor* field = payload->field(i);
    EXPECT_GE(field->number(), 10) << field->name();
    EXPECT_EQ(field->type(), FieldDescriptor::TYPE_MESSAGE) << field->name();
  }
  // Only the envelope's seven fields live outside the payload.
  EXPECT_EQ(event->field_count() - payload->field_count(), 7);
}

TEST(EventEnvelopeTest, FeedStreamsEventsAfterASequence) {
  const auto* feed = events::v1::Event::descriptor()->file()->FindServiceByName("EventFeed");
  ASSERT_NE(feed, nullptr);
  const auto* subscribe = feed->FindMethodByName("Subscribe");
  ASSERT_NE(subscribe, nullptr);
  EXPECT_FALSE(subscribe->client_streaming());
  EXPECT_TRUE(subscribe->server_streaming());
  EXPECT_EQ(subscribe->output_type(), events::v1::Event::descriptor());
  const FieldDescriptor* after =
      events::v1::SubscribeRequest::descriptor()->FindFieldByName("after_sequence");
  ASSERT_NE(after, nullptr);
  EXPECT_EQ(after->number(), 1);
  EXPECT_EQ(after->type(), FieldDescriptor::TYPE_INT64);
}

// Each Criterion.Kind names its parameters field (KIND_RATING_EVERY_YEAR <-> rating_every_year),
// so a plan validator can check that `kind` agrees with the oneof from descriptors alone.
TEST(CriterionTest, EveryKindHasItsParametersField) {
  const Descriptor* criterion = evaluation::v1::Criterion::descriptor();
  const auto* parameters = criterion->FindOneofByName("parameters");
  ASSERT_NE(parameters, nullptr);
  const auto* kind = evaluation::v1::Criterion::Kind_descriptor();
  int kinds = 0;
  for (int i = 0; i < kind->value_count(); ++i) {
    const std::string value = kind->value(i)->name();
    if (value == "KIND_UNSPECIFIED") continue;
    ++kinds;
    const std::string field_name = absl::AsciiStrToLower(value.substr(5));  // after "KIND_"
    const FieldDescriptor* field = criterion->FindFieldByName(field_name);
    ASSERT_NE(field, nullptr) << value;
    EXPECT_EQ(field->containing_oneof(), parameters) << value;
  }
  EXPECT_EQ(kinds, parameters->field_count());
}

// A plan file fragment in the form plans/*.textproto take, with one criterion of every kind as
// the 2019-2020 plan needs them. If a field a plan file needs is renamed or missing, this fails.
constexpr char kPlanFragment[] = R"pb(
  name: "plans/can-tho-2019-2020"
  title { vi: "Kế hoạch xây dựng và nhân rộng gương điển hình tiên tiến" en: "Exemplary models plan" }
  document { number: "1234/KH-SGDĐT" date { year: 2019 month: 9 day: 20 } issuer: "Sở GD&ĐT Cần Thơ" }
  issuing_unit: "units/92000000"
  legal_basis {
    document { number: "11/CT-UBND" date { year: 2014 month: 6 day: 23 } issuer: "UBND thành phố Cần Thơ" }
    title { vi: "Chỉ thị về việc tiếp tục đổi mới công tác thi đua, khen thưởng" }
  }
  school_years { start_year: 2018 }
  school_years { start_year: 2019 }
  nomination_windows {
    category: CATEGORY_INSTITUTION
    opens { date { year: 2020 month: 3 day: 1 } }
    closes { date { year: 2020 month: 5 day: 1 } }
    time_zone: "Asia/Ho_Chi_Minh"
  }
  annual_report {
    due_month: 6
    due_day: 1
    time_zone: "Asia/Ho_Chi_Minh"
    unit_kinds: [ UNIT_KIND_SCHOOL, UNIT_KIND_CENTRE ]
    directly_affiliated_only: true
    recipient { vi: "Văn phòng Sở" en: "Department Office" }
  }
  recipients { name { vi: "Bộ GD&ĐT (Vụ TĐKT)" } }
  categories {
    category: CATEGORY_LEADER
    nominee_kind: NOMINEE_KIND_INDIVIDUAL
    requires_leadership_post: true
    requires_unit_head: true
  }
  catalog_version: "2019-2020.1"
  council { required_share { minimum_share_bp: 9000 base: VOTE_BASE_MEMBERS } }
  criteria {
    id: "G0"
    text { vi: "được tập thể thừa nhận, cộng đồng suy tôn" en: "acknowledged by the collective" }
    categories: [ CATEGORY_INSTITUTION, CATEGORY_OFFICIAL ]
    kind: KIND_VOTE_SHARE
    vote_share { minimum_share_bp: 7000 base: VOTE_BASE_PRESENT minimum_attendance_bp: 6667 }
  }
  criteria {
    id: "G1"
    text { vi: "thành tích tiêu biểu xuất sắc" en: "outstanding achievements" }
    categories: CATEGORY_INSTITUTION
    kind: KIND_ATTESTATION
    attestation { minimum_evidence_items: 1 }
  }
  criteria {
    id: "G2"
    text { vi: "nhân tố nổi trội, dẫn đầu" en: "a leading factor" }
    categories: CATEGORY_INSTITUTION
    kind: KIND_STANDING
    standing { scope: STANDING_SCOPE_EMULATION_BLOCK top_share_bp: 2000 }
  }
  criteria {
    id: "I1"
    text { vi: "Ổn định và giữ vững quy mô trường lớp" en: "stable scale" }
    categories: CATEGORY_INSTITUTION
    kind: KIND_THRESHOLD
    threshold {
      conditions { figure: FIGURE_ENTRY_ENROLMENT_VS_PLAN_BP comparator: COMPARATOR_AT_LEAST value: 10000 }
      conditions { figure: FIGURE_CLASSES_VS_PREVIOUS_YEAR_BP comparator: COMPARATOR_AT_LEAST value: 10000 }
    }
  }
  criteria {
    id: "I3"
    text { vi: "tăng đều qua các năm" en: "increase steadily over the years" }
    categories: CATEGORY_INSTITUTION
    kind: KIND_TREND
    trend {
      series { figure: FIGURE_GOOD_STUDENT_RATE_BP strictness: TREND_STRICTNESS_NON_DECREASING }
      series { figure: FIGURE_NATIONAL_STANDARD_LEVEL strictness: TREND_STRICTNESS_WITHIN_TOLERANCE tolerance: 0 }
    }
  }
  criteria {
    id: "D5"
    text { vi: "Tổ chức đảng hoàn thành tốt nhiệm vụ, các đoàn thể vững mạnh" en: "party and unions" }
    categories: CATEGORY_DEPARTMENT
    kind: KIND_RATING_EVERY_YEAR
    rating_every_year {
      requirements { aspect: RATED_ASPECT_PARTY_ORGANISATION minimum_task_assessment: TASK_ASSESSMENT_GOOD }
      requirements { aspect: RATED_ASPECT_UNIONS minimum_organisation_rating: ORGANISATION_RATING_STRONG }
    }
  }
  criteria {
    id: "S3"
    text { vi: "làm theo tấm gương, đạo đức Hồ Chí Minh" en: "Ho Chi Minh's example" }
    categories: CATEGORY_OFFICIAL
    kind: KIND_RECORD_ON_FILE
    record_on_file { acknowledgement_kind: ACKNOWLEDGEMENT_KIND_HO_CHI_MINH_EXAMPLE years: YEAR_SCOPE_EVERY_YEAR }
  }
  criteria {
    id: "L4"
    text { vi: "tập thể do người đó đứng đầu phải là tập thể tiêu biểu" en: "the unit headed qualifies" }
    categories: CATEGORY_LEADER
    kind: KIND_DEPENDENCY
    dependency {
      categories: [ CATEGORY_INSTITUTION, CATEGORY_DEPARTMENT ]
      required_assessment: TASK_ASSESSMENT_EXCELLENT
    }
  }
)pb";

TEST(PlanFileTest, ParsesEveryCriterionKind) {
  evaluation::v1::Plan plan;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(kPlanFragment, &plan));
  EXPECT_EQ(plan.criteria_size(), 8);
  for (const auto& criterion : plan.criteria()) {
    // The oneof case number equals the parameters field number: kind k is field 9 + k.
    EXPECT_EQ(static_cast<int>(criterion.parameters_case()), 9 + static_cast<int>(criterion.kind()))
        << criterion.id();
  }
  EXPECT_EQ(plan.criteria(3).threshold().conditions_size(), 2);
  EXPECT_EQ(plan.council().required_share().base(), evaluation::v1::VOTE_BASE_MEMBERS);
  EXPECT_EQ(plan.annual_report().due_month(), 6);
}

TEST(PlanFileTest, RejectsAFieldThePlanSchemaDoesNotHave) {
  evaluation::v1::Plan plan;
  EXPECT_FALSE(google::protobuf::TextFormat::ParseFromString(
      R"pb(name: "plans/x" deadline_day: 1)pb", &plan));
}

// rating.proto promises worst-to-best numbering, so "at least GOOD" is a comparison of numbers.
TEST(RatingTest, ValuesAreNumberedFromWorstToBest) {
  using namespace type::v1;  // NOLINT: enum values read better unqualified here
  EXPECT_LT(TASK_ASSESSMENT_NOT_COMPLETED, TASK_ASSESSMENT_COMPLETED);
  EXPECT_LT(TASK_ASSESSMENT_COMPLETED, TASK_ASSESSMENT_GOOD);
  EXPECT_LT(TASK_ASSESSMENT_GOOD, TASK_ASSESSMENT_EXCELLENT);
  EXPECT_LT(PROFESSIONAL_RATING_BELOW_STANDARD, PROFESSIONAL_RATING_MEETS_STANDARD);
  EXPECT_LT(PROFESSIONAL_RATING_MEETS_STANDARD, PROFESSIONAL_RATING_FAIR);
  EXPECT_LT(PROFESSIONAL_RATING_FAIR, PROFESSIONAL_RATING_GOOD);
  EXPECT_LT(ORGANISATION_RATING_WEAK, ORGANISATION_RATING_AVERAGE);
  EXPECT_LT(ORGANISATION_RATING_AVERAGE, ORGANISATION_RATING_FAIR);
  EXPECT_LT(ORGANISATION_RATING_FAIR, ORGANISATION_RATING_STRONG);
  EXPECT_LT(ORGANISATION_RATING_STRONG, ORGANISATION_RATING_STRONG_EXCELLENT);
  // Every enum in rating.proto starts at UNSPECIFIED = 0, which code never compares.
  const auto* file = TaskAssessment_descriptor()->file();
  for (int i = 0; i < file->enum_type_count(); ++i) {
    EXPECT_TRUE(absl::EndsWith(file->enum_type(i)->value(0)->name(), "_UNSPECIFIED"));
    EXPECT_EQ(file->enum_type(i)->value(0)->number(), 0);
  }
}

}  // namespace
}  // namespace dienhinh
