# CPACK_PRE_BUILD_SCRIPTS (cmake/packaging.cmake): runs after CPack installed the files into
# its staging folder, before the package is made; turns a `cmake --install` tree into what
# Debian policy asks of a binary package:
# - man pages compressed with `gzip -9n` (12.1; -n: no name or time stamp, reproducible);
# - /usr/share/doc/<package>/changelog.Debian.gz (12.7), one entry for this version, dated
#   SOURCE_DATE_EPOCH when set (reproducible builds) or now.
file(GLOB_RECURSE pages "${CPACK_TEMPORARY_INSTALL_DIRECTORY}/*/share/man/man*/*.[1-9]")
foreach(page IN LISTS pages)
  execute_process(COMMAND gzip -9nf "${page}" COMMAND_ERROR_IS_FATAL ANY)
endforeach()

file(GLOB docdirs LIST_DIRECTORIES true
     "${CPACK_TEMPORARY_INSTALL_DIRECTORY}/*/share/doc/${CPACK_PACKAGE_NAME}")
list(LENGTH docdirs n)
if(NOT n EQUAL 1)
  message(FATAL_ERROR "expected one share/doc/${CPACK_PACKAGE_NAME} in the staging folder, found: ${docdirs}")
endif()
string(TIMESTAMP date "%a, %d %b %Y %H:%M:%S +0000" UTC)
file(WRITE "${docdirs}/changelog.Debian"
     "${CPACK_PACKAGE_NAME} (${CPACK_PACKAGE_VERSION}-${CPACK_DEBIAN_PACKAGE_RELEASE}) unstable; urgency=medium\n"
     "\n"
     "  * Built from the wsspec source tree by CPack (cmake/packaging.cmake);\n"
     "    the project's history is its git log.\n"
     "\n"
     " -- ${CPACK_DEBIAN_PACKAGE_MAINTAINER}  ${date}\n")
execute_process(COMMAND gzip -9nf "${docdirs}/changelog.Debian" COMMAND_ERROR_IS_FATAL ANY)
