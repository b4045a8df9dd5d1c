// Collects protobuf text-format parser complaints as "file:line:column: message" (1-based, as
// editors count), so a plan file that does not parse is reported where the mistake is.
#ifndef DIENHINH_SERVICES_PLATFORM_PLAN_TEXT_FORMAT_ERRORS_H_
#define DIENHINH_SERVICES_PLATFORM_PLAN_TEXT_FORMAT_ERRORS_H_

#include <string>
#include <vector>

#include <google/protobuf/io/tokenizer.h>

#include "absl/strings/str_cat.h"

namespace dienhinh::platform {

class TextFormatErrors final : public google::protobuf::io::ErrorCollector {
 public:
  explicit TextFormatErrors(std::string file) : file_(std::move(file)) {}
  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override {
    errors_.push_back(absl::StrCat(file_, ":", line + 1, ":", column + 1, ": ", message));
  }
  void AddWarning(int line, google::protobuf::io::ColumnNumber column,
                  const std::string& message) override {
    AddError(line, column, message);
  }
  const std::vector<std::string>& errors() const { return errors_; }

 private:
  std::string file_;
  std::vector<std::string> errors_;
};

}  // namespace dienhinh::platform

#endif  // DIENHINH_SERVICES_PLATFORM_PLAN_TEXT_FORMAT_ERRORS_H_
