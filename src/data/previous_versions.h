// pytorch.org's "Previous PyTorch Versions" page (`previous-versions.md`, from
// pytorch/pytorch.github.io `_get_started/previous-versions.md`; see
// data/manifest.json) as typed entries: one per (version, os, package, platform).
//
// The page is markdown: "### v2.2.0", then "#### Conda" / "#### Wheel", then
// "##### OSX" / "##### Linux and Windows", then a fenced block where a comment
// line ("# CUDA 11.8", "# ROCM 5.6 (Linux only)", "# CPU only", "# conda") labels
// the command line(s) that follow. Extra comment lines after the label are notes
// ("# NOTE: PyTorch LTS version 1.8.2 is only supported for Python <= 3.8.").
// Lines that are not pip/conda commands ("Download and install wheel from URL",
// "Not supported in LTS.") are kept as note lines. Text outside a fence under an
// OS heading ("macOS is currently not supported for LTS.") becomes a note-only
// entry with no platform. Only the ">= 1.0.0" part of the page is parsed.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "util/expected.h"

namespace torchup::data {

struct PageEntry {
  std::string version;   // "2.2.0", "1.8.2"
  std::string os;        // "linux", "windows", "macos"
  std::string package;   // "pip" (the page's "Wheel") or "conda"
  std::string platform;  // "cu118", "cpu", "rocm5.6"; empty for a note about the whole OS
  std::string label;     // the label line as written, without "# " ("CUDA 11.1 (Linux)")
  std::vector<std::string> note_lines;  // as written, in order
  std::vector<std::string> command_lines;  // pip/conda lines, as written, in order
  int line = 0;                            // 1-based line of the label (or first line)

  // The command as one string (lines joined with '\n'); nullopt when none.
  std::optional<std::string> command() const;
  // Something to install: a command, or a note that points at a download URL.
  bool installable() const;
};

struct PreviousVersions {
  std::vector<std::string> versions;  // as listed on the page, newest first
  std::vector<PageEntry> entries;     // page order

  bool has_version(const std::string& version) const;
  // The first entry for that choice (the page lists each choice once).
  const PageEntry* find(const std::string& version, const std::string& os, const std::string& package,
                        const std::string& platform) const;
  // Every entry for a version, OS and package, page order.
  std::vector<const PageEntry*> entries_for(const std::string& version, const std::string& os,
                                            const std::string& package) const;
};

// The real platform name for a page label: "CUDA 11.8" -> cu118, "CPU only" ->
// cpu, "ROCM 5.4.2 (Linux only)" -> rocm5.4.2, "conda" (macOS) -> cpu. nullopt
// for a label it does not know.
std::optional<std::string> platform_for_page_label(const std::string& label);

// Parses the page. A label it cannot map or a command outside any version/OS
// section is an error naming the file, the line and the problem. Never throws.
Expected<PreviousVersions> parse_previous_versions(const std::string& text);

}  // namespace torchup::data
