// Bytes of messages: the inner message found in an event's bytes, and fields left out of the
// deterministic bytes exactly as clearing them in a copy would.
#include "services/platform/wire/wire_bytes.h"

#include <string>

#include <gtest/gtest.h>

#include "dienhinh/events/v1/event.pb.h"

namespace dienhinh::platform {
namespace {

using events::v1::Event;

Event SampleEvent() {
  Event event;
  event.set_id("01JZ");
  event.set_sequence(7);
  auto* evaluation = event.mutable_evaluation_recorded()->mutable_evaluation();
  evaluation->set_name("nominations/n1/evaluations/2");
  evaluation->set_nominee_display_name("Trường THCS Lê Quý Đôn");
  evaluation->set_version(2);
  event.mutable_evaluation_recorded()->set_previous_verdict(evaluation::v1::VERDICT_QUALIFIED);
  event.set_actor("users/a");
  return event;
}

// An event's evaluation, found in the event's bytes, is what serializing the evaluation alone
// gives; anything else on the path (absent, repeated, cut short) is no answer rather than a
// wrong one.
TEST(EmbeddedMessageBytesTest, FindsAnInnerMessageAsItIsSerializedAlone) {
  const Event event = SampleEvent();
  const std::string bytes = event.SerializeAsString();
  const std::initializer_list<int> path = {Event::kEvaluationRecordedFieldNumber,
                                           events::v1::EvaluationRecorded::kEvaluationFieldNumber};

  auto found = EmbeddedMessageBytes(bytes, path);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(std::string(*found), event.evaluation_recorded().evaluation().SerializeAsString());
  auto payload = EmbeddedMessageBytes(bytes, {Event::kEvaluationRecordedFieldNumber});
  ASSERT_TRUE(payload.has_value());
  EXPECT_EQ(std::string(*payload), event.evaluation_recorded().SerializeAsString());

  Event other;
  other.mutable_nomination_submitted();
  EXPECT_FALSE(EmbeddedMessageBytes(other.SerializeAsString(), path).has_value()) << "absent";
  EXPECT_FALSE(EmbeddedMessageBytes(bytes + bytes, path).has_value()) << "twice: merged on parse";
  EXPECT_FALSE(EmbeddedMessageBytes(bytes.substr(0, bytes.size() - 3), path).has_value()) << "cut";
  EXPECT_FALSE(EmbeddedMessageBytes(std::string("\xff\xff\xff", 3), path).has_value()) << "garbage";
}

// Leaving fields out of the bytes gives the bytes of a copy with those fields cleared: first,
// last, several, one that is not set, and none.
TEST(CanonicalBytesWithoutTest, IsTheCanonicalBytesOfACopyWithTheFieldsCleared) {
  const Event event = SampleEvent();
  auto cleared = [&](std::initializer_list<int> numbers) {
    Event copy = event;
    for (int number : numbers) {
      copy.GetReflection()->ClearField(&copy, Event::descriptor()->FindFieldByNumber(number));
    }
    return CanonicalBytes(copy);
  };
  for (std::initializer_list<int> numbers :
       {std::initializer_list<int>{Event::kIdFieldNumber},
        std::initializer_list<int>{Event::kActorFieldNumber},
        std::initializer_list<int>{Event::kEvaluationRecordedFieldNumber, Event::kSequenceFieldNumber},
        std::initializer_list<int>{Event::kRequestIdFieldNumber},
        std::initializer_list<int>{}}) {
    const std::string without = CanonicalBytesWithout(event, numbers);
    EXPECT_EQ(without, cleared(numbers)) << numbers.size();
  }
  EXPECT_NE(CanonicalBytesWithout(event, {Event::kIdFieldNumber}), CanonicalBytes(event));
  EXPECT_EQ(CanonicalBytesWithout(event, {}), CanonicalBytes(event));
}

}  // namespace
}  // namespace dienhinh::platform
