// dienhinh-health-probe: the images' HEALTHCHECK. Asks a service on this machine for its
// grpc.health.v1 status and exits 0 only for SERVING, so `podman healthcheck run` and compose
// see the same state Kubernetes' native gRPC probe sees, with no extra tool in the image.
//
//   dienhinh-health-probe [host:port] [--timeout_ms=N]
//
// Without an address it calls 127.0.0.1 on the port of DIENHINH_LISTEN, the variable the
// service in the same container listens by. Plaintext only, as Kubernetes' probe: a service
// serving TLS is probed by a TCP check or an external prober instead (deploy/docker/README.md).
//
// It is built apart from the CMake tree (one g++ line in the Dockerfile) and so uses the
// generic stub with the two messages encoded by hand: HealthCheckRequest{service=""} is empty
// on the wire, and HealthCheckResponse is field 1, a varint ServingStatus (SERVING = 1).
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/support/byte_buffer.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <future>
#include <string>
#include <vector>

namespace {

constexpr char kCheckMethod[] = "/grpc.health.v1.Health/Check";
constexpr int kServing = 1;

// 127.0.0.1 and the port of a listen address such as "0.0.0.0:50051" or "[::]:50051".
std::string LocalTargetFor(const std::string& listen) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos) return "";
  return "127.0.0.1:" + listen.substr(colon + 1);
}

// The ServingStatus of a serialized HealthCheckResponse, or -1 when it is not one.
int ServingStatusOf(const std::string& wire) {
  if (wire.empty()) return 0;  // proto3 leaves out the default: UNKNOWN (0)
  // Tag 0x08 (field 1, varint) and one byte: every ServingStatus is below 128.
  if (wire.size() == 2 && wire[0] == 0x08) return static_cast<unsigned char>(wire[1]) & 0x7f;
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string target;
  long timeout_ms = 2000;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--timeout_ms=", 13) == 0) {
      timeout_ms = std::strtol(argv[i] + 13, nullptr, 10);
    } else if (argv[i][0] != '-') {
      target = argv[i];
    } else {
      std::fprintf(stderr, "usage: %s [host:port] [--timeout_ms=N]\n", argv[0]);
      return 2;
    }
  }
  if (target.empty()) {
    const char* listen = std::getenv("DIENHINH_LISTEN");
    target = LocalTargetFor(listen != nullptr ? listen : "");
    if (target.empty()) {
      std::fprintf(stderr, "health probe: no address given and DIENHINH_LISTEN is not host:port\n");
      return 2;
    }
  }

  auto channel = grpc::CreateChannel(target, grpc::InsecureChannelCredentials());
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(timeout_ms));
  // An empty HealthCheckRequest (the server as a whole): one empty slice, since a ByteBuffer
  // with none is no message at all to gRPC.
  grpc::Slice empty;
  grpc::ByteBuffer request(&empty, 1);
  grpc::ByteBuffer response;
  std::promise<grpc::Status> done;
  stub.UnaryCall(&context, kCheckMethod, grpc::StubOptions(), &request, &response,
                 [&done](grpc::Status status) { done.set_value(std::move(status)); });
  const grpc::Status status = done.get_future().get();
  if (!status.ok()) {
    std::fprintf(stderr, "health probe: %s: %s\n", target.c_str(), status.error_message().c_str());
    return 1;
  }
  std::vector<grpc::Slice> slices;
  std::string wire;
  if (response.Dump(&slices).ok()) {
    for (const grpc::Slice& slice : slices) {
      wire.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
    }
  }
  const int serving_status = ServingStatusOf(wire);
  if (serving_status != kServing) {
    std::fprintf(stderr, "health probe: %s: status %d, not SERVING\n", target.c_str(),
                 serving_status);
    return 1;
  }
  return 0;
}
