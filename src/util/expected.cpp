#include "util/expected.h"

namespace torchup {

int exit_code_for(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kUsage:
    case ErrorKind::kNotFound:
      return 2;
    case ErrorKind::kNoFit:
      return 1;
    case ErrorKind::kParse:
    case ErrorKind::kEnvironment:
    case ErrorKind::kNetwork:
      return 3;
  }
  return 3;
}

const char* error_kind_name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kUsage: return "usage";
    case ErrorKind::kNotFound: return "not_found";
    case ErrorKind::kParse: return "parse";
    case ErrorKind::kEnvironment: return "environment";
    case ErrorKind::kNetwork: return "network";
    case ErrorKind::kNoFit: return "no_fit";
  }
  return "environment";
}

}  // namespace torchup
