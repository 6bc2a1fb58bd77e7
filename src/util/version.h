// Versions: a PEP 440 subset for Python packages (torch 2.5.1+cu124, 2.6.0.dev20241112,
// 2.0.0rc1) and plain dotted numbers (driver 550.54.14, CUDA 12.4, Python 3.11.2).
#pragma once

#include <compare>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace torchup {

// Plain dotted numbers: "550.54.14", "12.4", "3.11". Missing parts compare as 0
// ("12" == "12.0").
class DottedVersion {
 public:
  DottedVersion() = default;
  explicit DottedVersion(std::vector<long> parts) : parts_(std::move(parts)) {}
  // Accepts digits separated by dots; at most 6 parts; nullopt on anything else.
  static std::optional<DottedVersion> parse(std::string_view text);

  const std::vector<long>& parts() const { return parts_; }
  long major() const { return part(0); }
  long minor() const { return part(1); }
  long part(std::size_t i) const { return i < parts_.size() ? parts_[i] : 0; }
  bool empty() const { return parts_.empty(); }
  // "12.4" from "12.4.1": the first n parts.
  DottedVersion truncated(std::size_t n) const;
  std::string str() const;

  std::strong_ordering operator<=>(const DottedVersion& other) const;
  bool operator==(const DottedVersion& other) const { return (*this <=> other) == 0; }

 private:
  std::vector<long> parts_;
};

// PEP 440 subset: release, optional pre (a/b/rc N), post, dev, and a local label
// after '+'. Ordering follows PEP 440 (dev < pre < final < post); the local label
// only breaks ties.
class Version {
 public:
  static std::optional<Version> parse(std::string_view text);

  const DottedVersion& release() const { return release_; }
  const std::string& local() const { return local_; }  // "cu124" in "2.5.1+cu124"
  bool is_prerelease() const { return pre_kind_ != 0 || dev_.has_value(); }
  // "2.5.1" without local label
  std::string public_str() const;
  std::string str() const;  // the canonical text, with local label

  std::strong_ordering operator<=>(const Version& other) const;
  bool operator==(const Version& other) const { return (*this <=> other) == 0; }

 private:
  DottedVersion release_;
  int pre_kind_ = 0;  // 0 none, 1 a, 2 b, 3 rc
  long pre_num_ = 0;
  std::optional<long> post_;
  std::optional<long> dev_;
  std::string local_;
};

}  // namespace torchup
