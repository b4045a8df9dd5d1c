// TLS between dienhinh and its callers. A service serves TLS when it is given a certificate and
// key, and requires and verifies client certificates when it is also given a CA (mutual TLS
// between services). Clients (peer services, consumers, the CLI) trust a CA and may present a
// certificate of their own. Without files, everything stays plaintext on loopback, the embedded
// default.
#ifndef DIENHINH_SERVICES_PLATFORM_SERVER_TLS_H_
#define DIENHINH_SERVICES_PLATFORM_SERVER_TLS_H_

#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"

namespace dienhinh::platform {

struct ServerTlsFiles {
  std::string cert_file;       // PEM certificate chain; empty: plaintext
  std::string key_file;        // PEM private key
  std::string client_ca_file;  // PEM CA; when set, clients must present a certificate it signed
};

struct ClientTlsFiles {
  std::string ca_file;    // PEM CA that signed the servers' certificates; empty: plaintext
  std::string cert_file;  // PEM certificate to present (mutual TLS); optional
  std::string key_file;   // its PEM private key
};

// Insecure credentials when no certificate is given; FAILED_PRECONDITION when a file cannot be
// read or only half of a pair is given.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const ServerTlsFiles& files);
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> MakeChannelCredentials(
    const ClientTlsFiles& files);

}  // namespace dienhinh::platform

#endif  // DIENHINH_SERVICES_PLATFORM_SERVER_TLS_H_
