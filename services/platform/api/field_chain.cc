#include "services/platform/api/field_chain.h"

#include "absl/strings/str_cat.h"

namespace dienhinh::platform {
namespace {

void AppendLinks(const FieldChain* chain, std::string& out, size_t prefix_size) {
  if (chain == nullptr) return;
  AppendLinks(chain->parent, out, prefix_size);
  if (out.size() > prefix_size) out += '.';
  out += chain->field->name();
  if (chain->index >= 0) absl::StrAppend(&out, "[", chain->index, "]");
}

}  // namespace

std::string FieldChainText(const FieldChain* chain, absl::string_view prefix) {
  std::string out(prefix);
  AppendLinks(chain, out, prefix.size());
  return out;
}

}  // namespace dienhinh::platform
