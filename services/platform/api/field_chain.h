// A field's place in a message walked by reflection, as a chain of links up to the message the
// walk began at. Its text ("dossier.items[2].title") is made only when a violation names it, so
// a walk over well-formed input (every request's text, every imported row's figures) builds no
// strings.
#ifndef DIENHINH_SERVICES_PLATFORM_API_FIELD_CHAIN_H_
#define DIENHINH_SERVICES_PLATFORM_API_FIELD_CHAIN_H_

#include <string>

#include <google/protobuf/descriptor.h>

#include "absl/strings/string_view.h"

namespace dienhinh::platform {

struct FieldChain {
  const FieldChain* parent;  // null at the top
  const google::protobuf::FieldDescriptor* field;
  int index;  // the element of a repeated field; -1 for a singular one
};

// `prefix`, then the fields' names from the top down joined by '.', each element's index in
// brackets: "items[2].title". An empty chain (null) gives `prefix` alone.
std::string FieldChainText(const FieldChain* chain, absl::string_view prefix = "");

}  // namespace dienhinh::platform

#endif  // DIENHINH_SERVICES_PLATFORM_API_FIELD_CHAIN_H_
