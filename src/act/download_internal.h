// Pieces of the downloader shared by its files and its tests.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <utility>
#include <vector>

namespace torchup::act {

// A set of byte ranges [first, end), merged as they are added.
class ByteRanges {
 public:
  void add(std::uint64_t first, std::uint64_t end);
  bool covers(std::uint64_t first, std::uint64_t end) const;
  std::uint64_t covered() const;  // bytes in the set
  std::uint64_t first_missing() const;  // the first byte from 0 not in the set
  // The first range below `size` in neither this set nor `claimed` (pairs [first, end)).
  std::optional<std::pair<std::uint64_t, std::uint64_t>> first_gap(
      std::uint64_t size, const std::vector<std::pair<std::uint64_t, std::uint64_t>>& claimed) const;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> list() const { return {ranges_.begin(), ranges_.end()}; }

 private:
  std::map<std::uint64_t, std::uint64_t> ranges_;  // first -> end, disjoint, not touching
};

}  // namespace torchup::act
