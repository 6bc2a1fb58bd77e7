# fleet: many machines planned together (issue 15): grouping, --common, the lock and a
# node's group (pure, on tests/fixtures/fleet), and the CLI on them.
target_sources(torchup_tests PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/fleet_plan_test.cpp
)
# The engines themselves, in their own processes, once, in the normal build (under the
# sanitizers they would only repeat the same torchup commands, slower): Slurm (three
# slurmd in a network namespace) and Ansible (three sshd nodes over real ssh), each
# starting and stopping everything it uses. Exit 77: the engine is not installed.
if(WIN32 OR TORCHUP_SANITIZE)
  return()
endif()
add_test(NAME Fleet.SlurmJobsCollectFactsAndInstall
         COMMAND ${CMAKE_CURRENT_LIST_DIR}/slurm_test.sh $<TARGET_FILE:torchup>)
set_tests_properties(Fleet.SlurmJobsCollectFactsAndInstall PROPERTIES
                     TIMEOUT 300 SKIP_RETURN_CODE 77 RESOURCE_LOCK fleet_engines)
add_test(NAME Fleet.AnsiblePlaybookOverSsh
         COMMAND ${CMAKE_CURRENT_LIST_DIR}/ansible_test.sh $<TARGET_FILE:torchup>)
set_tests_properties(Fleet.AnsiblePlaybookOverSsh PROPERTIES
                     TIMEOUT 600 SKIP_RETURN_CODE 77 RESOURCE_LOCK fleet_engines)
