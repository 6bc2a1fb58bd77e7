# torchup's own downloader and wheel cache (issue 13).
target_sources(torchup_core PRIVATE
  src/act/download.cpp              # the engine: pieces, connections, mirrors, resume, sidecar
  src/act/download_ranges.cpp       # byte ranges, sha256 (OpenSSL EVP), the cache's names
  src/act/download_curl.cpp         # Transport: libcurl's multi interface (loaded at run time)
  src/act/download_files_posix.cpp  # DownloadFiles: pwrite, statvfs, rename
  src/act/wheelset.cpp              # a resolved set: sizes, downloads, placing, bundles (pylock.toml)
)
