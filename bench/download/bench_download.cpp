// One timed run of the download benchmark (bench/download/run.sh calls it per row).
//
//   bench_download WHEEL pip|torchup RATE DROP [TIMEOUT_S]
//
// Serves WHEEL from a PEP 503 index on 127.0.0.1 in this process (tests'
// install/local_index.h with support/served_file.h: RATE bytes/s per connection, the
// link dropping every DROP bytes sent, 0 for none), then either runs Debian's pip
// (`python3 -m pip download --no-deps --no-cache-dir` from that index, killed after
// TIMEOUT_S) or torchup's downloader (act/download.h, 8 connections, into a fresh
// cache). The server stops when the run ends. Prints one line:
//   mode=pip seconds=21.03 completed=1 sent=209715200 size=209715200 sent_per_byte=1.000
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include "act/download.h"
#include "host/host.h"
#include "install/local_index.h"

namespace {

using namespace torchup;

std::string read_file(const std::string& path) { return testing::read_binary(path); }

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: bench_download WHEEL pip|torchup RATE DROP [TIMEOUT_S]\n");
    return 2;
  }
  std::string wheel = argv[1];
  std::string mode = argv[2];
  auto rate = std::stoull(argv[3]);
  auto drop = std::stoull(argv[4]);
  int timeout_s = argc > 5 ? std::stoi(argv[5]) : 120;
  std::string name = std::filesystem::path(wheel).filename().string();
  std::string bytes = read_file(wheel);
  std::string sha = act::sha256_hex(bytes);
  std::uint64_t size = bytes.size();

  testing::LocalIndexOptions options;
  options.file_mode = testing::LocalIndexOptions::FileMode::kServed;
  options.served.rate = rate;
  options.served.drop_every = drop;
  auto counters = options.served.counters;
  auto index = std::make_unique<testing::LocalIndex>(name, std::move(bytes), sha, options);
  std::string file_url = index->url().substr(0, index->url().size() - 7) + "/files/" + name;

  auto work = std::filesystem::temp_directory_path() / ("torchup-bench-download-" + std::to_string(::getpid()));
  std::filesystem::create_directories(work);
  bool completed = false;
  auto started = std::chrono::steady_clock::now();
  if (mode == "pip") {
    auto runner = host::make_process_runner();
    host::RunOptions run;
    run.timeout = std::chrono::seconds(timeout_s);
    run.env = {{"PIP_CONFIG_FILE", "/dev/null"}, {"PIP_DISABLE_PIP_VERSION_CHECK", "1"}};
    auto result = runner->run({"/usr/bin/python3", "-m", "pip", "download", "--no-deps", "--no-cache-dir",
                               "--index-url", index->url(), "-d", (work / "pip").string(), "torch==2.12.0"},
                              run);
    completed = result.ok() && std::filesystem::exists(work / "pip" / name);
    if (!completed) {
      std::string tail = result.out + result.err;
      if (tail.size() > 400) tail = tail.substr(tail.size() - 400);
      std::fprintf(stderr, "pip did not complete%s:\n%s\n", result.timed_out ? " (timed out)" : "", tail.c_str());
    }
  } else if (mode == "torchup") {
    auto transport = act::make_curl_transport(act::TransportOptions{});
    if (!transport) {
      std::fprintf(stderr, "%s\n", transport.error().message.c_str());
      return 3;
    }
    auto files = act::make_download_files();
    act::DownloadOptions download;
    download.cache_dir = (work / "wheels").string();
    download.connections = 8;
    auto got = act::download({{file_url}, size, sha}, download, **transport, *files, host::steady_clock());
    completed = got.has_value() && !got->interrupted;
    if (!got) std::fprintf(stderr, "torchup: %s\n", got.error().message.c_str());
  } else {
    std::fprintf(stderr, "unknown mode %s\n", mode.c_str());
    return 2;
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  counters->stopping = true;
  index.reset();
  std::filesystem::remove_all(work);
  std::uint64_t sent = counters->bytes_sent.load();
  std::printf("mode=%s seconds=%.2f completed=%d sent=%llu size=%llu sent_per_byte=%.3f drops=%d\n", mode.c_str(),
              seconds, completed ? 1 : 0, static_cast<unsigned long long>(sent), static_cast<unsigned long long>(size),
              static_cast<double>(sent) / static_cast<double>(size), counters->drops.load());
  return completed ? 0 : 1;
}
