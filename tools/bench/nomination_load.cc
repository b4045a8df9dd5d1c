#include "tools/bench/nomination_load.h"

#include <atomic>
#include <fstream>
#include <memory>

#include "absl/strings/str_cat.h"
#include "dienhinh/intake/v1/intake_service.grpc.pb.h"
#include "google/protobuf/util/json_util.h"
#include "tools/bench/calls.h"

namespace dienhinh::bench {
namespace {

using intake::v1::CreateNominationRequest;
using intake::v1::IntakeService;
using intake::v1::Nomination;
using intake::v1::SubmitNominationRequest;

struct PairSlot {
  std::unique_ptr<grpc::ClientContext> context;
  Nomination created;
  SubmitNominationRequest submit;
  Nomination submitted;
  std::vector<std::string> acknowledged;
};

}  // namespace

absl::StatusOr<std::vector<CreateNominationRequest>> ReadNominationRequests(
    const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::vector<CreateNominationRequest> requests;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty()) continue;
    CreateNominationRequest request;
    auto parsed = google::protobuf::util::JsonStringToMessage(line, &request);
    if (!parsed.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ":", number, ": ", parsed.message().as_string()));
    }
    requests.push_back(std::move(request));
  }
  return requests;
}

std::string SubmitRequestId(const std::string& create_request_id) {
  return create_request_id + "-submit";
}

ClosedLoopResult RunCreateSubmitLoad(const std::string& target, const std::string& token,
                                     const ClosedLoopOptions& options,
                                     const std::vector<CreateNominationRequest>& requests,
                                     std::vector<std::string>* acknowledged) {
  auto stub = IntakeService::NewStub(LoopbackChannel(target));
  std::vector<PairSlot> slots(options.in_flight);
  std::atomic<size_t> next{0};
  ClosedLoopResult result = RunClosedLoop(options, [&](int slot, ClosedLoopDone done) {
    const size_t i = next.fetch_add(1);
    if (i >= requests.size()) return false;
    PairSlot& s = slots[slot];
    s.context = NewCallContext(token);
    const CreateNominationRequest& create = requests[i];
    stub->async()->CreateNomination(
        s.context.get(), &create, &s.created,
        [&stub, &s, &create, &token, done = std::move(done)](const grpc::Status& status) {
          if (!status.ok()) return done(status);
          s.submit.set_name(s.created.name());
          s.submit.set_etag(s.created.etag());
          s.submit.set_request_id(SubmitRequestId(create.request_id()));
          s.context = NewCallContext(token);
          stub->async()->SubmitNomination(
              s.context.get(), &s.submit, &s.submitted,
              [&s, done](const grpc::Status& status) {
                if (status.ok()) s.acknowledged.push_back(s.submitted.name());
                done(status);
              });
        });
    return true;
  });
  if (acknowledged != nullptr) {
    for (auto& s : slots) {
      acknowledged->insert(acknowledged->end(), s.acknowledged.begin(), s.acknowledged.end());
    }
  }
  return result;
}

std::vector<Draft> CreateDrafts(const std::string& target, const std::string& token,
                                int in_flight, const std::vector<CreateNominationRequest>& requests,
                                ClosedLoopResult* result) {
  auto stub = IntakeService::NewStub(LoopbackChannel(target));
  std::vector<Nomination> created(requests.size());
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts(in_flight);
  std::vector<char> ok(requests.size(), 0);  // not vector<bool>: slots write it at once
  std::atomic<size_t> next{0};
  ClosedLoopOptions options;
  options.in_flight = in_flight;
  options.duration = absl::Hours(1);  // until the requests run out
  *result = RunClosedLoop(options, [&](int slot, ClosedLoopDone done) {
    const size_t i = next.fetch_add(1);
    if (i >= requests.size()) return false;
    contexts[slot] = NewCallContext(token);
    stub->async()->CreateNomination(contexts[slot].get(), &requests[i], &created[i],
                                    [&ok, i, done = std::move(done)](const grpc::Status& status) {
                                      ok[i] = status.ok();
                                      done(status);
                                    });
    return true;
  });
  std::vector<Draft> drafts;
  for (size_t i = 0; i < requests.size(); ++i) {
    if (ok[i]) drafts.push_back({created[i].name(), created[i].etag(), requests[i].request_id()});
  }
  return drafts;
}

}  // namespace dienhinh::bench
