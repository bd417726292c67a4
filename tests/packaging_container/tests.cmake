# The container image (Dockerfile) and the GitHub Action (action.yml, ci/action/), included
# by tests/CMakeLists.txt. Every test takes seconds and needs only loopback.
if(WSSPEC_BUILD_HARNESS)
  set(packaging_container ${CMAKE_CURRENT_SOURCE_DIR}/packaging_container)
  set(packaging_out ${CMAKE_BINARY_DIR}/packaging-container)

  # The action run here as a runner would (tests/packaging_container/action_check.sh).
  foreach(mode passes fails baseline no-server escaping)
    add_test(NAME packaging_action_${mode}
             COMMAND bash ${packaging_container}/action_check.sh ${mode} $<TARGET_FILE:wsspec>
                     ${packaging_out}/action-${mode})
    set_tests_properties(packaging_action_${mode} PROPERTIES TIMEOUT 120 LABELS packaging)
  endforeach()

  find_program(WSSPEC_SHELLCHECK shellcheck)
  if(WSSPEC_SHELLCHECK)
    add_test(NAME packaging_action_shellcheck
             COMMAND ${WSSPEC_SHELLCHECK} -x ${PROJECT_SOURCE_DIR}/ci/action/run.sh
                     ${PROJECT_SOURCE_DIR}/ci/action/build-image.sh
                     ${PROJECT_SOURCE_DIR}/ci/action/wsspec-docker.sh
                     ${packaging_container}/action_check.sh)
    set_tests_properties(packaging_action_shellcheck PROPERTIES LABELS packaging)
  endif()

  # The Dockerfile without docker: it parses, its sources exist, its runtime packages exist in
  # Debian 12 and cover what the built wsspec links, a non-root USER, wsspec the ENTRYPOINT.
  add_test(NAME packaging_container_static
           COMMAND /usr/bin/python3 ${packaging_container}/dockerfile_static_check.py
                   ${PROJECT_SOURCE_DIR} $<TARGET_FILE:wsspec>)
  set_tests_properties(packaging_container_static PROPERTIES TIMEOUT 60 LABELS packaging)

  # The Dockerfile's steps run in a Debian 12 root (chroot) and the image's entrypoint run
  # against wsspec serve: minutes (it compiles wsspec), so only when asked for:
  #   cmake -DWSSPEC_TEST_CONTAINER_REPLAY=ON ... && ctest -L container-replay
  # (unchanged stages are reused from the last replay, as docker reuses layers)
  option(WSSPEC_TEST_CONTAINER_REPLAY "Add the ctest that replays the Dockerfile in a chroot" OFF)
  if(WSSPEC_TEST_CONTAINER_REPLAY)
    add_test(NAME packaging_container_replay
             COMMAND /usr/bin/python3 ${packaging_container}/dockerfile_replay.py
                     ${PROJECT_SOURCE_DIR} $<TARGET_FILE:wsspec> ${packaging_out}/replay)
    set_tests_properties(packaging_container_replay PROPERTIES TIMEOUT 3600 SKIP_RETURN_CODE 77
                                                               LABELS "packaging;container-replay")
  endif()
endif()
