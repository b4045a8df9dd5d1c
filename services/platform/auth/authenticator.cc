#include "services/platform/auth/authenticator.h"

#include <iterator>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace dienhinh::platform {
namespace {

constexpr std::string_view kBearer = "Bearer";

// Debian's Abseil has its own string_view type, not an alias of std::string_view.
absl::string_view AsAbsl(std::string_view text) { return {text.data(), text.size()}; }
std::string_view AsStd(absl::string_view text) { return {text.data(), text.size()}; }

absl::StatusOr<Caller> CallerFromClaims(const JwtClaims& claims) {
  if (claims.role.empty()) return absl::UnauthenticatedError("token has no role");
  std::optional<Role> role = RoleFromName(claims.role);
  if (!role.has_value()) {
    return absl::UnauthenticatedError(absl::StrCat("unknown role \"", claims.role, "\""));
  }
  // A unit officer is defined by its unit; without one no rule could place it.
  if (*role == Role::kUnitOfficer && claims.unit.empty()) {
    return absl::UnauthenticatedError("unit officer token has no unit");
  }
  Caller caller;
  caller.subject = claims.subject;
  caller.role = *role;
  caller.unit = claims.unit;
  caller.site = claims.site;
  return caller;
}

}  // namespace

absl::StatusOr<std::string_view> BearerToken(std::string_view authorization) {
  if (authorization.size() <= kBearer.size() ||
      !absl::EqualsIgnoreCase(AsAbsl(authorization.substr(0, kBearer.size())), AsAbsl(kBearer)) ||
      authorization[kBearer.size()] != ' ') {
    return absl::UnauthenticatedError("authorization is not a bearer token");
  }
  std::string_view token =
      AsStd(absl::StripAsciiWhitespace(AsAbsl(authorization.substr(kBearer.size()))));
  if (token.empty()) return absl::UnauthenticatedError("missing bearer token");
  if (token.find_first_of(" \t") != std::string_view::npos) {
    return absl::UnauthenticatedError("malformed bearer token");
  }
  return token;
}

Authenticator::Authenticator(JwtKeySet keys, AuthenticatorOptions options)
    : keys_(std::move(keys)), options_(std::move(options)), cache_(options_.cache_capacity) {}

absl::Time Authenticator::Now() const { return options_.clock ? options_.clock() : absl::Now(); }

absl::StatusOr<Caller> Authenticator::Authenticate(const grpc::ServerContextBase& context) const {
  const auto& metadata = context.client_metadata();
  auto [begin, end] = metadata.equal_range(grpc::string_ref("authorization"));
  if (begin == end) return AuthenticateHeader(std::nullopt);
  if (std::next(begin) != end) {
    return absl::UnauthenticatedError("more than one authorization header");
  }
  return AuthenticateHeader(std::string_view(begin->second.data(), begin->second.size()));
}

absl::StatusOr<Caller> Authenticator::AuthenticateHeader(
    std::optional<std::string_view> authorization) const {
  if (!authorization.has_value() || absl::StripAsciiWhitespace(AsAbsl(*authorization)).empty()) {
    return absl::UnauthenticatedError("missing bearer token");
  }
  absl::StatusOr<std::string_view> token = BearerToken(*authorization);
  if (!token.ok()) return token.status();
  return AuthenticateToken(*token);
}

absl::StatusOr<Caller> Authenticator::AuthenticateToken(std::string_view token) const {
  const absl::Time now = Now();
  if (std::optional<Caller> cached = cache_.Lookup(token, now); cached.has_value()) {
    return *std::move(cached);
  }
  absl::StatusOr<JwtClaims> claims = VerifyJwt(token, keys_, options_.verify, now);
  if (!claims.ok()) return claims.status();
  absl::StatusOr<Caller> caller = CallerFromClaims(*claims);
  if (!caller.ok()) return caller.status();
  cache_.Insert(token, *caller, claims->expires_at + options_.verify.leeway);
  return caller;
}

}  // namespace dienhinh::platform
