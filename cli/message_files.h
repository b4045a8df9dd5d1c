// Requests people write in files and results scripts read: a message from a text-proto
// (.textproto, .txtpb) or JSON (.json) file, chosen by the extension, and a message printed
// as indented JSON (proto3 field names, enum names), which is what --format json prints for
// a single resource.
#ifndef DIENHINH_CLI_MESSAGE_FILES_H_
#define DIENHINH_CLI_MESSAGE_FILES_H_

#include <string>

#include <google/protobuf/message.h>

#include "absl/status/status.h"

namespace dienhinh::cli {

// INVALID_ARGUMENT on field "file" when the file is unreadable, has another extension, or is
// not a `message` of its type (with the parser's line and column for text format).
absl::Status ReadMessageFile(const std::string& path, google::protobuf::Message* message);

// `message` as indented JSON with a final newline.
std::string MessageJson(const google::protobuf::Message& message);

}  // namespace dienhinh::cli

#endif  // DIENHINH_CLI_MESSAGE_FILES_H_
