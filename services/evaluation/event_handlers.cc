#include "services/evaluation/event_handlers.h"

#include "absl/strings/str_cat.h"
#include "services/evaluation/evaluation_facts.h"
#include "services/evaluation/evaluation_store.h"

namespace dienhinh::evaluation {
namespace {

v1::EvaluationTrigger TriggerOf(v1::EvaluationTrigger::Kind kind, const platform::Event& event,
                                const std::string& resource) {
  v1::EvaluationTrigger trigger;
  trigger.set_kind(kind);
  trigger.set_event_id(event.id());
  trigger.set_resource(resource);
  trigger.set_actor(event.actor());
  return trigger;
}

absl::Status Changed(platform::Transaction& tx, const platform::Event& event, const std::string& resource) {
  if (absl::Status s = CountRegistryChange(tx); !s.ok()) return s;
  return EnqueueReaders(tx, resource, TriggerOf(v1::EvaluationTrigger::KIND_RECORD_CHANGED, event, resource))
      .status();
}

}  // namespace

absl::Status ApplyIntakeEvent(platform::Transaction& tx, const platform::Event& event) {
  switch (event.payload_case()) {
    case platform::Event::kNominationSubmitted:
    case platform::Event::kNominationUpdated: {
      bool submitted = event.payload_case() == platform::Event::kNominationSubmitted;
      const intake::v1::Nomination& n =
          submitted ? event.nomination_submitted().nomination() : event.nomination_updated().nomination();
      if (n.name().empty()) return absl::InvalidArgumentError("a nomination event without a nomination name");
      if (absl::Status s = PutNomination(tx, n); !s.ok()) return s;
      if (n.state() != intake::v1::Nomination::STATE_SUBMITTED) return Dequeue(tx, n.name());
      return Enqueue(tx, n.name(),
                     TriggerOf(submitted ? v1::EvaluationTrigger::KIND_NOMINATION_SUBMITTED
                                         : v1::EvaluationTrigger::KIND_NOMINATION_UPDATED,
                               event, n.name()));
    }
    case platform::Event::kNominationWithdrawn: {
      const intake::v1::Nomination& n = event.nomination_withdrawn().nomination();
      if (n.name().empty()) return absl::InvalidArgumentError("a nomination event without a nomination name");
      if (absl::Status s = PutNomination(tx, n); !s.ok()) return s;
      if (absl::Status s = Dequeue(tx, n.name()); !s.ok()) return s;
      if (!IsCollective(n)) return absl::OkStatus();
      return EnqueueReaders(tx, DependencyReadKey(n.plan(), n.nominee()),
                            TriggerOf(v1::EvaluationTrigger::KIND_DEPENDENCY_CHANGED, event, n.name()))
          .status();
    }
    default:
      return absl::OkStatus();
  }
}

absl::Status ApplyRegistryEvent(platform::Transaction& tx, const platform::Event& event) {
  switch (event.payload_case()) {
    case platform::Event::kUnitYearlyRecordChanged:
      return Changed(tx, event, event.unit_yearly_record_changed().unit_yearly_record().name());
    case platform::Event::kUnitYearlyRecordDeleted:
      return Changed(tx, event, event.unit_yearly_record_deleted().unit_yearly_record().name());
    case platform::Event::kPersonYearlyRecordChanged:
      return Changed(tx, event, event.person_yearly_record_changed().person_yearly_record().name());
    case platform::Event::kPersonYearlyRecordDeleted:
      return Changed(tx, event, event.person_yearly_record_deleted().person_yearly_record().name());
    case platform::Event::kUnitChanged:
      return Changed(tx, event, event.unit_changed().unit().name());
    case platform::Event::kUnitDeleted:
      return Changed(tx, event, event.unit_deleted().unit().name());
    case platform::Event::kPersonChanged:
      return Changed(tx, event, event.person_changed().person().name());
    case platform::Event::kPersonDeleted:
      return Changed(tx, event, event.person_deleted().person().name());
    default:
      return absl::OkStatus();
  }
}

}  // namespace dienhinh::evaluation
