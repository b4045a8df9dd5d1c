#include "services/evaluation/evaluation_service.h"

namespace dienhinh::evaluation {

std::vector<platform::Migration> EvaluationMigrations() { return {}; }

}  // namespace dienhinh::evaluation
