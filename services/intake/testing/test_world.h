// A small world for intake's tests: a plan with windows the tests control (through the
// service's clock), the units and persons of a department, and complete nominations of each
// category that pass every check. Built in code so that a test states what it changes.
#ifndef DIENHINH_SERVICES_INTAKE_TESTING_TEST_WORLD_H_
#define DIENHINH_SERVICES_INTAKE_TESTING_TEST_WORLD_H_

#include <vector>

#include "absl/time/time.h"
#include "dienhinh/evaluation/v1/plan.pb.h"
#include "dienhinh/intake/v1/nomination.pb.h"
#include "dienhinh/registry/v1/person.pb.h"
#include "dienhinh/registry/v1/unit.pb.h"

namespace dienhinh::intake::testing {

inline constexpr char kPlanName[] = "plans/test-2019-2020";

// School years 2018-2019 and 2019-2020; institutions may be submitted from 1 March 2020 00:00
// to 1 May 2020 00:00, every other category until 15 May 2020 00:00 (Asia/Ho_Chi_Minh).
// Criteria: G1 (all categories), I4 (institution), D1 (department), S1 (official), L2
// (leader), all attestations; issuing unit units/SGD; institutions are schools or centres
// directly under it; the leader category requires the head of a unit.
evaluation::v1::Plan TestPlan();

// A wall-clock time in Vietnam (UTC+7).
absl::Time VietnamTime(int year, int month, int day, int hour = 0, int minute = 0);
// Inside every window of TestPlan.
absl::Time WindowOpenTime();
// After the institution window closed, before the others did.
absl::Time InstitutionWindowClosedTime();

// units/SGD (the department), units/VPS (its office), units/PGD916 (a district office),
// units/THPT001 and units/THPT002 (upper secondary schools directly under the department, in
// districts/916), units/TH003 (a primary school under the district office).
std::vector<registry::v1::Unit> TestUnits();
// persons/GV001 (a teacher of THPT001), persons/HT001 (its principal, head_of THPT001),
// persons/PHT001 (its deputy: a leadership post, heads nothing), persons/GV002 (a teacher of
// THPT002), persons/GD001 (the director, head_of SGD).
std::vector<registry::v1::Person> TestPersons();

// Complete nominations that pass every submission check under TestPlan at WindowOpenTime.
intake::v1::Nomination InstitutionNomination();    // units/THPT001 by itself
intake::v1::Nomination OfficialNomination();       // persons/GV001 by units/THPT001
intake::v1::Nomination LeaderNomination();         // persons/HT001 by units/THPT001
intake::v1::Nomination DepartmentNomination();     // units/SGD by itself

}  // namespace dienhinh::intake::testing

#endif  // DIENHINH_SERVICES_INTAKE_TESTING_TEST_WORLD_H_
