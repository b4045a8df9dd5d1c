#include "services/intake/testing/fake_registry.h"

#include <thread>

#include "absl/strings/str_cat.h"
#include "services/platform/status/error_details.h"
#include "services/platform/status/grpc_status.h"

namespace dienhinh::intake::testing {

FakeRegistry::~FakeRegistry() { Stop(); }

void FakeRegistry::Start() {
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(this);
  server_ = builder.BuildAndStart();
  address_ = absl::StrCat("127.0.0.1:", port);
}

void FakeRegistry::Stop() {
  if (server_ == nullptr) return;
  server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  server_->Wait();
  server_.reset();
}

void FakeRegistry::PutUnit(const registry::v1::Unit& unit) {
  absl::MutexLock lock(&mutex_);
  units_[unit.name()] = unit;
}

void FakeRegistry::PutPerson(const registry::v1::Person& person) {
  absl::MutexLock lock(&mutex_);
  persons_[person.name()] = person;
}

void FakeRegistry::RemovePerson(const std::string& name) {
  absl::MutexLock lock(&mutex_);
  persons_.erase(name);
}

void FakeRegistry::set_delay(absl::Duration delay) {
  absl::MutexLock lock(&mutex_);
  delay_ = delay;
}

void FakeRegistry::set_unavailable(bool unavailable) {
  absl::MutexLock lock(&mutex_);
  unavailable_ = unavailable;
}

int FakeRegistry::calls() const {
  absl::MutexLock lock(&mutex_);
  return calls_;
}

std::string FakeRegistry::last_authorization() const {
  absl::MutexLock lock(&mutex_);
  return last_authorization_;
}

grpc::Status FakeRegistry::Enter(grpc::CallbackServerContext* context) {
  absl::MutexLock lock(&mutex_);
  ++calls_;
  auto it = context->client_metadata().find("authorization");
  last_authorization_ = it == context->client_metadata().end()
                            ? ""
                            : std::string(it->second.data(), it->second.size());
  if (unavailable_) return grpc::Status(grpc::StatusCode::UNAVAILABLE, "fake registry is down");
  return grpc::Status::OK;
}

grpc::ServerUnaryReactor* FakeRegistry::Finish(grpc::CallbackServerContext* context,
                                               grpc::Status status) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  absl::Duration delay;
  {
    absl::MutexLock lock(&mutex_);
    delay = delay_;
  }
  if (delay <= absl::ZeroDuration()) {
    reactor->Finish(status);
  } else {
    // Answer late from another thread: sleeping here would hold one of the server's few
    // callback threads and delay every later call too. Shutdown waits for the answer.
    std::thread([reactor, status, delay] {
      absl::SleepFor(delay);
      reactor->Finish(status);
    }).detach();
  }
  return reactor;
}

grpc::ServerUnaryReactor* FakeRegistry::GetUnit(grpc::CallbackServerContext* context,
                                                const registry::v1::GetUnitRequest* request,
                                                registry::v1::Unit* response) {
  grpc::Status status = Enter(context);
  if (status.ok()) {
    absl::MutexLock lock(&mutex_);
    auto it = units_.find(request->name());
    if (it == units_.end()) {
      status = grpc::Status(grpc::StatusCode::NOT_FOUND, "no such unit");
    } else {
      *response = it->second;
    }
  }
  return Finish(context, status);
}

grpc::ServerUnaryReactor* FakeRegistry::BatchGetUnits(
    grpc::CallbackServerContext* context, const registry::v1::BatchGetUnitsRequest* request,
    registry::v1::BatchGetUnitsResponse* response) {
  grpc::Status status = Enter(context);
  if (status.ok()) {
    absl::MutexLock lock(&mutex_);
    for (const std::string& name : request->names()) {
      auto it = units_.find(name);
      if (it != units_.end()) {
        *response->add_units() = it->second;
      } else if (request->allow_missing()) {
        response->add_missing(name);
      } else {
        status = grpc::Status(grpc::StatusCode::NOT_FOUND, "no such unit: " + name);
        response->Clear();
        break;
      }
    }
  }
  return Finish(context, status);
}

grpc::ServerUnaryReactor* FakeRegistry::GetPerson(grpc::CallbackServerContext* context,
                                                  const registry::v1::GetPersonRequest* request,
                                                  registry::v1::Person* response) {
  grpc::Status status = Enter(context);
  if (status.ok()) {
    absl::MutexLock lock(&mutex_);
    auto it = persons_.find(request->name());
    if (it == persons_.end()) {
      status = grpc::Status(grpc::StatusCode::NOT_FOUND, "no such person");
    } else {
      *response = it->second;
    }
  }
  return Finish(context, status);
}

grpc::ServerUnaryReactor* FakeRegistry::BatchGetPersons(
    grpc::CallbackServerContext* context, const registry::v1::BatchGetPersonsRequest* request,
    registry::v1::BatchGetPersonsResponse* response) {
  grpc::Status status = Enter(context);
  if (status.ok() && refuses_persons_) {
    status = grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "a name the registry refuses");
  }
  if (status.ok() && request->include_units() && predates_include_units()) {
    // As the request guard of an earlier release answers it.
    status = platform::ToGrpcStatus(platform::WithReason(
        absl::InvalidArgumentError("the request carries fields that this server does not know: #3"),
        "UNKNOWN_FIELD"));
  }
  if (status.ok()) {
    absl::MutexLock lock(&mutex_);
    for (const std::string& name : request->names()) {
      auto it = persons_.find(name);
      if (it != persons_.end()) {
        *response->add_persons() = it->second;
      } else if (request->allow_missing()) {
        response->add_missing(name);
      } else {
        status = grpc::Status(grpc::StatusCode::NOT_FOUND, "no such person: " + name);
        response->Clear();
        break;
      }
    }
    if (status.ok() && request->include_units()) {
      for (const auto& person : response->persons()) {
        auto unit = units_.find(person.unit());
        bool listed = false;
        for (const auto& u : response->units()) listed = listed || u.name() == person.unit();
        if (unit != units_.end() && !listed) *response->add_units() = unit->second;
      }
    }
  }
  return Finish(context, status);
}

}  // namespace dienhinh::intake::testing
