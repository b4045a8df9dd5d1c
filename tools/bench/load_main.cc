// dienhinh-bench-load: the load side of tools/bench. One scenario per run, chosen by the first
// argument; it prints what it measured as one JSON object on stdout (bench.py reads it) and
// exits 0, or says why not on stderr and exits 1 (2 for a usage error).
//
//   dienhinh-bench-load echo          --target=H:P [--payload_bytes=128]
//   dienhinh-bench-load get-unit      --target=H:P --token_file=F --names_file=F
//   dienhinh-bench-load list-units    --target=H:P --token_file=F [--page_size=50]
//   dienhinh-bench-load create-submit --target=H:P --token_file=F --requests_file=F [--acked_file=F]
//   dienhinh-bench-load submit-lag    --target=INTAKE --evaluation_target=H:P --reporting_target=H:P
//                                     --token_file=F --requests_file=F --summary_plan=plans/P
//                                     [--rate=1000] [--evaluation_after=N]
//   dienhinh-bench-load summary       --target=H:P --token_file=F --plan=plans/P
//   dienhinh-bench-load compliance    --target=H:P --token_file=F --plan=plans/P [--school_year=2019]
// Every closed-loop scenario takes --in_flight (32) and --duration (5s).
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "tools/bench/calls.h"
#include "tools/bench/closed_loop.h"
#include "tools/bench/echo_load.h"
#include "tools/bench/nomination_load.h"
#include "tools/bench/registry_load.h"
#include "tools/bench/report_queries.h"
#include "tools/bench/submit_lag.h"

ABSL_FLAG(std::string, target, "", "the service under load, host:port");
ABSL_FLAG(std::string, token_file, "", "file holding the bearer token (JWT)");
ABSL_FLAG(int, in_flight, 32, "calls (or operations) in flight");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(5), "how long to keep the load on");
ABSL_FLAG(bool, stop_slot_on_error, false,
          "a slot whose call fails stops (for a run during which a service is killed)");
ABSL_FLAG(int, payload_bytes, 128, "echo: payload size");
ABSL_FLAG(std::string, names_file, "", "get-unit: unit names (units/...), one per line");
ABSL_FLAG(int, page_size, 50, "list-units, compliance: page size");
ABSL_FLAG(std::string, requests_file, "",
          "create-submit, submit-lag: CreateNominationRequest per line, proto3 JSON");
ABSL_FLAG(std::string, acked_file, "",
          "create-submit: where to write the names of acknowledged submissions");
ABSL_FLAG(std::string, evaluation_target, "", "submit-lag: the evaluation service");
ABSL_FLAG(std::string, reporting_target, "", "submit-lag: the reporting service");
ABSL_FLAG(int64_t, evaluation_after, 0, "submit-lag: evaluation feed position to follow from");
ABSL_FLAG(double, rate, 1000, "submit-lag: submissions per second");
ABSL_FLAG(absl::Duration, settle_timeout, absl::Seconds(60),
          "submit-lag: how long to wait for evaluation and the summary after the last submission");
ABSL_FLAG(std::string, summary_plan, "", "submit-lag: the plan whose summary counts the phase");
ABSL_FLAG(std::string, plan, "", "summary, compliance: plans/{plan}");
ABSL_FLAG(int, school_year, 2019, "compliance: the school year's first calendar year");

namespace dienhinh::bench {
namespace {

int Fail(const std::string& message, int code = 1) {
  std::fprintf(stderr, "dienhinh-bench-load: %s\n", message.c_str());
  return code;
}

std::vector<std::string> ReadLines(const std::string& path) {
  std::vector<std::string> lines;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

int Print(const JsonObject& result) {
  std::printf("%s\n", result.Text().c_str());
  return 0;
}

int Main(const std::string& scenario) {
  const std::string target = absl::GetFlag(FLAGS_target);
  if (target.empty()) return Fail("--target is required", 2);
  absl::StatusOr<std::string> token = ReadToken(absl::GetFlag(FLAGS_token_file));
  if (!token.ok()) return Fail(std::string(token.status().message()));
  ClosedLoopOptions options;
  options.in_flight = absl::GetFlag(FLAGS_in_flight);
  options.duration = absl::GetFlag(FLAGS_duration);
  options.stop_slot_on_error = absl::GetFlag(FLAGS_stop_slot_on_error);
  if (options.in_flight < 1) return Fail("--in_flight must be at least 1", 2);

  if (scenario == "echo") {
    return Print(RunEchoLoad(target, options, absl::GetFlag(FLAGS_payload_bytes)).ToJson());
  }
  if (scenario == "get-unit") {
    std::vector<std::string> names = ReadLines(absl::GetFlag(FLAGS_names_file));
    if (names.empty()) return Fail("--names_file names no unit", 2);
    return Print(RunGetUnitLoad(target, *token, options, names).ToJson());
  }
  if (scenario == "list-units") {
    return Print(RunListUnitsLoad(target, *token, options, absl::GetFlag(FLAGS_page_size)).ToJson());
  }
  if (scenario == "summary" || scenario == "compliance") {
    const std::string plan = absl::GetFlag(FLAGS_plan);
    if (plan.empty()) return Fail("--plan is required", 2);
    int64_t size = 0;
    ClosedLoopResult result =
        scenario == "summary"
            ? RunSummaryLoad(target, *token, options, plan, &size)
            : RunComplianceLoad(target, *token, options, plan, absl::GetFlag(FLAGS_school_year),
                                absl::GetFlag(FLAGS_page_size), &size);
    JsonObject json = result.ToJson();
    json.Add(scenario == "summary" ? "nominations" : "units", size);
    return Print(json);
  }

  auto requests = ReadNominationRequests(absl::GetFlag(FLAGS_requests_file));
  if (!requests.ok()) return Fail(std::string(requests.status().message()));
  if (scenario == "create-submit") {
    std::vector<std::string> acknowledged;
    // bench.py waits for this line before it kills a service under the load.
    std::fprintf(stderr, "dienhinh-bench-load: load started\n");
    std::fflush(stderr);
    ClosedLoopResult result = RunCreateSubmitLoad(target, *token, options, *requests, &acknowledged);
    const std::string acked_file = absl::GetFlag(FLAGS_acked_file);
    if (!acked_file.empty()) {
      std::ofstream out(acked_file);
      for (const std::string& name : acknowledged) out << name << "\n";
      if (!out) return Fail("cannot write " + acked_file);
    }
    JsonObject json = result.ToJson();
    json.Add("available", static_cast<int64_t>(requests->size()));
    return Print(json);
  }
  if (scenario == "submit-lag") {
    SubmitLagOptions lag;
    lag.intake_target = target;
    lag.evaluation_target = absl::GetFlag(FLAGS_evaluation_target);
    lag.reporting_target = absl::GetFlag(FLAGS_reporting_target);
    lag.token = *token;
    lag.rate = absl::GetFlag(FLAGS_rate);
    lag.duration = options.duration;
    lag.draft_in_flight = options.in_flight;
    lag.evaluation_after = absl::GetFlag(FLAGS_evaluation_after);
    lag.summary_plan = absl::GetFlag(FLAGS_summary_plan);
    lag.settle_timeout = absl::GetFlag(FLAGS_settle_timeout);
    if (lag.evaluation_target.empty() || lag.reporting_target.empty() || lag.summary_plan.empty()) {
      return Fail("submit-lag needs --evaluation_target, --reporting_target and --summary_plan", 2);
    }
    if (lag.rate <= 0) return Fail("--rate must be positive", 2);
    return Print(RunSubmitLag(lag, *requests));
  }
  return Fail(absl::StrCat("unknown scenario \"", scenario, "\""), 2);
}

}  // namespace
}  // namespace dienhinh::bench

int main(int argc, char** argv) {
  // The client's CPU is taken from the same two cores as the servers': no deadlock detector
  // walking its lock graph on every gRPC lock (as in the services' mains).
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  if (args.size() != 2) {
    std::fprintf(stderr,
                 "usage: dienhinh-bench-load echo|get-unit|list-units|create-submit|submit-lag|"
                 "summary|compliance --target=HOST:PORT [flags]\n");
    return 2;
  }
  return dienhinh::bench::Main(args[1]);
}
