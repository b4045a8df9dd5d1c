// What makes a registry resource well formed, on the protobuf messages alone (no gRPC, no SQL):
// required fields, the shape of references, the unit tree's rules by kind, and the yearly
// figures' arithmetic (no negative count, no part larger than its whole). References to other
// resources are checked for existence by the store, which sees the database.
//
// Each Validate* adds violations with field paths under `prefix` ("unit.", or "" for an
// import, whose paths the importer maps back to CSV columns).
#ifndef DIENHINH_SERVICES_REGISTRY_REGISTRY_RULES_H_
#define DIENHINH_SERVICES_REGISTRY_REGISTRY_RULES_H_

#include <google/protobuf/message.h>

#include <string>

#include "dienhinh/registry/v1/district.pb.h"
#include "dienhinh/registry/v1/emulation_block.pb.h"
#include "dienhinh/registry/v1/person.pb.h"
#include "dienhinh/registry/v1/unit.pb.h"
#include "dienhinh/registry/v1/yearly_record.pb.h"
#include "services/platform/status/error_details.h"

namespace dienhinh::registry {

// The one stored form of a resource: text trimmed, empty sub-messages removed (so "nothing
// recorded" has one representation and an unchanged re-import compares equal), and implied
// fields set (a person who heads a unit holds a leadership post).
void Canonicalize(google::protobuf::Message* resource);

void ValidateDistrict(const v1::District& district, const std::string& prefix,
                      platform::ViolationList* violations);
void ValidateEmulationBlock(const v1::EmulationBlock& block, const std::string& prefix,
                            platform::ViolationList* violations);
void ValidateUnit(const v1::Unit& unit, const std::string& prefix,
                  platform::ViolationList* violations);
void ValidatePerson(const v1::Person& person, const std::string& prefix,
                    platform::ViolationList* violations);
void ValidateUnitYearlyRecord(const v1::UnitYearlyRecord& record, const std::string& prefix,
                              platform::ViolationList* violations);
void ValidatePersonYearlyRecord(const v1::PersonYearlyRecord& record, const std::string& prefix,
                                platform::ViolationList* violations);

// Whether two resources hold the same facts: output-only fields (times, etag, source) are
// not compared. An update or import row that changes nothing writes nothing and emits no event.
bool SameFacts(const google::protobuf::Message& a, const google::protobuf::Message& b);

}  // namespace dienhinh::registry

#endif  // DIENHINH_SERVICES_REGISTRY_REGISTRY_RULES_H_
