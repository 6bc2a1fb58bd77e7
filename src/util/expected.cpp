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

}  // namespace torchup
