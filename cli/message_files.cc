#include "cli/message_files.h"

#include <fstream>
#include <sstream>

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>
#include <google/protobuf/util/json_util.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/platform/status/error_details.h"

namespace dienhinh::cli {
namespace {

// Keeps the text-format parser's first complaint, which says where the file is wrong.
class FirstError : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, int column, const std::string& message) override {
    if (text.empty()) text = absl::StrCat("line ", line + 1, ", column ", column + 1, ": ", message);
  }
  std::string text;
};

}  // namespace

absl::Status ReadMessageFile(const std::string& path, google::protobuf::Message* message) {
  const std::string type = message->GetDescriptor()->name();
  const bool json = absl::EndsWith(path, ".json");
  if (!json && !absl::EndsWith(path, ".textproto") && !absl::EndsWith(path, ".txtpb")) {
    return platform::InvalidField("file", "name the " + type + " file .textproto or .json");
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) return platform::InvalidField("file", "cannot read " + path);
  std::stringstream content;
  content << file.rdbuf();
  if (json) {
    auto status = google::protobuf::util::JsonStringToMessage(content.str(), message);
    if (!status.ok()) {
      return platform::InvalidField(
          "file", absl::StrCat(path, " is not a ", type, " in JSON: ", std::string(status.message())));
    }
    return absl::OkStatus();
  }
  google::protobuf::TextFormat::Parser parser;
  FirstError errors;
  parser.RecordErrorsTo(&errors);
  if (!parser.ParseFromString(content.str(), message)) {
    return platform::InvalidField(
        "file", absl::StrCat(path, " is not a ", type, " in text format: ", errors.text));
  }
  return absl::OkStatus();
}

std::string MessageJson(const google::protobuf::Message& message) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  (void)google::protobuf::util::MessageToJsonString(message, &json, options);
  return json;
}

}  // namespace dienhinh::cli
