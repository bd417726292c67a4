# ctest packaging_*: the install rules, man page, bash completion and Debian package
# (cmake/install.cmake, cmake/packaging.cmake, packaging/). Seconds each, loopback only.
# Included from tests/CMakeLists.txt.
# The same condition as cmake/install.cmake's for making the man page and completion (that
# file is read after tests/, so its targets cannot be asked for here). What is packaged is an
# optimised build; the sanitizer presets would only repeat these checks on a program nobody
# ships, so they run in the default preset only.
if(NOT TARGET wsspec OR CMAKE_CROSSCOMPILING OR WSSPEC_SANITIZE OR WSSPEC_TSAN)
  return()
endif()
set(wsspec_packaging_tests ${PROJECT_SOURCE_DIR}/packaging/tests)
set(wsspec_packaging_work ${PROJECT_BINARY_DIR}/packaging-tests)

add_test(NAME packaging_manpage
         COMMAND sh ${wsspec_packaging_tests}/manpage_check.sh $<TARGET_FILE:wsspec>
                 ${PROJECT_BINARY_DIR}/packaging/wsspec.1)
add_test(NAME packaging_completion
         COMMAND sh ${wsspec_packaging_tests}/completion_check.sh $<TARGET_FILE:wsspec>
                 ${PROJECT_BINARY_DIR}/packaging/wsspec.bash-completion)
add_test(NAME packaging_staged_install
         COMMAND sh ${wsspec_packaging_tests}/staged_install_check.sh ${PROJECT_BINARY_DIR}
                 ${PROJECT_SOURCE_DIR} ${PROJECT_VERSION} ${wsspec_packaging_work}/staged)
set_tests_properties(packaging_manpage packaging_completion packaging_staged_install
                     PROPERTIES TIMEOUT 60)

# The scripts, and the completion as generated, pass shellcheck (where it is installed).
find_program(WSSPEC_SHELLCHECK shellcheck)
if(WSSPEC_SHELLCHECK)
  file(GLOB wsspec_packaging_scripts ${PROJECT_SOURCE_DIR}/packaging/*.sh
       ${wsspec_packaging_tests}/*.sh)
  add_test(NAME packaging_shellcheck
           COMMAND sh -c "\"$0\" \"$@\" && \"$0\" --shell=bash \"${PROJECT_BINARY_DIR}/packaging/wsspec.bash-completion\""
                   ${WSSPEC_SHELLCHECK} ${wsspec_packaging_scripts})
  set_tests_properties(packaging_shellcheck PROPERTIES TIMEOUT 60)
endif()

# The .deb: made once (packaging_deb_build), then checked: its control fields and Depends,
# and the program unpacked from it, run against its own serve.
set(wsspec_deb_work ${wsspec_packaging_work}/deb)
add_test(NAME packaging_deb_build
         COMMAND sh ${wsspec_packaging_tests}/deb_check.sh build ${PROJECT_BINARY_DIR}
                 ${PROJECT_VERSION} ${wsspec_deb_work})
set_tests_properties(packaging_deb_build PROPERTIES FIXTURES_SETUP packaging_deb TIMEOUT 120)
foreach(check control runs)
  add_test(NAME packaging_deb_${check}
           COMMAND sh ${wsspec_packaging_tests}/deb_check.sh ${check} ${PROJECT_BINARY_DIR}
                   ${PROJECT_VERSION} ${wsspec_deb_work})
  set_tests_properties(packaging_deb_${check} PROPERTIES FIXTURES_REQUIRED packaging_deb TIMEOUT 60)
endforeach()

# Opt-in: apt installs the .deb in a fresh Debian 12 root (debootstrap, cached in the build
# folder: ~2 min and ~210 MB the first time, ~5 s after). Needs root and the Debian mirror.
option(WSSPEC_TEST_DEB_IN_DEBIAN12
       "Add ctest packaging_deb_debian12: install the .deb with apt in a debootstrap root (needs root and the Debian mirror)"
       OFF)
if(WSSPEC_TEST_DEB_IN_DEBIAN12)
  add_test(NAME packaging_deb_debian12
           COMMAND sh ${PROJECT_SOURCE_DIR}/packaging/deb_debian12_check.sh
                   ${wsspec_deb_work}/out ${PROJECT_BINARY_DIR}/debian12-root)
  set_tests_properties(packaging_deb_debian12 PROPERTIES FIXTURES_REQUIRED packaging_deb
                                                         TIMEOUT 600 SKIP_RETURN_CODE 77)
endif()
