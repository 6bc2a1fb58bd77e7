# verify and doctor (issue 5, verify half).
target_sources(torchup_core PRIVATE
  src/act/verify_probe_script.cpp  # the embedded Python probe
  src/act/verify_probe_parse.cpp   # its marker-line JSON parser
  src/act/verify_run.cpp           # run the probe, PCI GPU scan, pairing table
  src/act/verify_checks.cpp        # probe -> pass/fail/skip checks
  src/act/verify_arch.cpp          # arch coverage, driver major, package pairing
  src/act/verify.cpp               # verify_python, JSON
  src/act/verify_libtorch.cpp      # --libtorch
  src/act/verify_text.cpp          # text rendering
  src/act/doctor.cpp               # doctor: findings from the probe + catalogue
)
