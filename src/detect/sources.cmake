target_sources(torchup_core PRIVATE
  src/detect/parse.cpp            # pure parsers over captured text (fuzzed in fuzz/)
  src/detect/parse_binary.cpp     # pure parsers over binary files (PY_VERSION in an interpreter)
  src/detect/detect.cpp           # detect_machine(): dispatches by OS family
  src/detect/detect_linux.cpp     # Linux/WSL2 (and directory trees): the probes in order
  src/detect/detect_unsupported.cpp  # other systems until their port: says so
  src/detect/probe_os.cpp         # os-release, arch, glibc, WSL
  src/detect/probe_gpu_linux.cpp  # sysfs PCI, /proc/driver/nvidia, pci.ids, KFD
  src/detect/probe_nvidia.cpp     # driver version, nvidia-smi fallback, max CUDA
  src/detect/probe_wsl.cpp        # WSL2: the Windows NVIDIA driver's files under /usr/lib/wsl
  src/detect/probe_toolkits.cpp   # ROCm, CUDA toolkits
  src/detect/probe_python.cpp     # interpreters and their torch
  src/detect/active_python.cpp    # the interpreter `python3` runs: PATH, pyenv version files (no process)
  src/detect/detect_windows.cpp   # Windows (live, and --root trees with registry.reg): over the host seams
  src/detect/parse_windows.cpp    # pure: NVIDIA's Windows driver version, MatchingDeviceId, PE headers
  src/detect/probe_gpu_windows.cpp     # display class key, NVIDIA driver, nvidia-smi.exe, CUDA toolkits
  src/detect/probe_python_windows.cpp  # PEP 514, Store, conda, venvs, pyenv-win, torch
  src/detect/detect_macos.cpp     # macOS (live, and --root trees with SystemVersion.plist)
  src/detect/parse_macos.cpp      # pure: plist strings, Mach-O CPU, system_profiler JSON
  src/detect/report.cpp           # text rendering
)
if(WIN32)
  target_sources(torchup_core PRIVATE src/detect/nvml_unsupported.cpp)  # no dlopen: NVML never answers
else()
  target_sources(torchup_core PRIVATE src/detect/nvml_linux.cpp)        # NVML loaded at run time (live only)
endif()
