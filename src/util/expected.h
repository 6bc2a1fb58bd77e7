// Errors as values. Core code returns Expected<T>; only cli/ turns an Error into
// text and an exit code (DESIGN §5: "Errors are values; main maps them to exit codes").
#pragma once

#include <string>
#include <utility>
#include <variant>

#include "util/text.h"

namespace torchup {

// What kind of failure, which decides the exit code (DESIGN §2).
enum class ErrorKind {
  kUsage,        // bad flag or value: exit 2
  kNotFound,     // asked-for thing does not exist (a version, a file): exit 2
  kParse,        // a file or program output could not be understood: exit 3
  kEnvironment,  // a program failed, a file is unreadable: exit 3
  kNetwork,      // download failed: exit 3
  kNoFit,        // plan found no build / verify found problems: exit 1
};

struct Error {
  ErrorKind kind = ErrorKind::kEnvironment;
  Text message;  // what went wrong, one line, names the cause
  Text hint;     // the next step for the user; may be empty
};

int exit_code_for(ErrorKind kind);
// The kind as a JSON word: "usage", "not_found", "parse", "environment", "network", "no_fit".
const char* error_kind_name(ErrorKind kind);

inline Error make_error(ErrorKind kind, Text message, Text hint = {}) {
  return Error{kind, std::move(message), std::move(hint)};
}

// A minimal std::expected stand-in (GCC 12 has no <expected> in C++20 mode).
template <typename T>
class Expected {
 public:
  Expected(T value) : v_(std::move(value)) {}          // NOLINT(google-explicit-constructor)
  Expected(Error error) : v_(std::move(error)) {}      // NOLINT(google-explicit-constructor)

  bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

// For functions that return nothing on success.
struct Ok {};
using Status = Expected<Ok>;

}  // namespace torchup
