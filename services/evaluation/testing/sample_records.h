// Test data in the shape of the Cần Thơ 2019-2020 plan: yearly records of a school and of people
// that meet every criterion the records decide, for tests to start from and change one fact.
#ifndef DIENHINH_SERVICES_EVALUATION_TESTING_SAMPLE_RECORDS_H_
#define DIENHINH_SERVICES_EVALUATION_TESTING_SAMPLE_RECORDS_H_

#include <string>

#include "dienhinh/registry/v1/yearly_record.pb.h"

namespace dienhinh::evaluation::testing {

// A unit's record for the school year starting in `year` that meets I0-I3, I5, D4, D5 and G2
// (first of 12 in its block); its figures rise a little each year from 2018.
registry::v1::UnitYearlyRecord GoodUnitRecord(const std::string& unit, int year);

// A person's record that meets S2, S3, L3 and G2 (first of 50 in the unit), working in `unit`
// and heading `head_of` (empty for none).
registry::v1::PersonYearlyRecord GoodPersonRecord(const std::string& person, int year, const std::string& unit,
                                                  const std::string& head_of);

}  // namespace dienhinh::evaluation::testing

#endif  // DIENHINH_SERVICES_EVALUATION_TESTING_SAMPLE_RECORDS_H_
