target_sources(torchup_tests PRIVATE
)
