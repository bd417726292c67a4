# CPACK_PRE_BUILD_SCRIPTS (cmake/packaging.cmake): runs after CPack installed the files into
# its staging folder, before the package is made. Debian policy 12.1 wants man pages
# compressed with `gzip -9n` (-n: no name or time stamp, so the package is reproducible).
file(GLOB_RECURSE pages "${CPACK_TEMPORARY_INSTALL_DIRECTORY}/*/share/man/man*/*.[1-9]")
foreach(page IN LISTS pages)
  execute_process(COMMAND gzip -9nf "${page}" RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "gzip -9n ${page} failed: ${rc}")
  endif()
endforeach()
