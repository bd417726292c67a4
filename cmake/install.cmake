# What `cmake --install` puts where (docs/install.md): only the wsspec program, its man page
# and bash completion, the case schema and the documentation. Tests, benchmarks, fuzz targets
# and helper programs have no install rule, so they never land in a prefix or the .deb
# (ctest packaging_staged_install checks the whole file list).
#   PREFIX/bin/wsspec
#   PREFIX/share/man/man1/wsspec.1
#   PREFIX/share/bash-completion/completions/wsspec
#   PREFIX/share/wsspec/schema.json          data: editors and validators read it
#   PREFIX/share/doc/wsspec/...              Debian's place for docs; README.md, docs/, cases/
#                                            and ci/ keep their repository paths, so the
#                                            README's links work where it is installed
if(NOT TARGET wsspec)
  return()  # the fuzz preset builds no program
endif()
include(GNUInstallDirs)

install(TARGETS wsspec RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

install(FILES ${PROJECT_SOURCE_DIR}/cases/schema.json DESTINATION ${CMAKE_INSTALL_DATADIR}/wsspec)

install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
# Read at install time: a new guide under docs/ is installed without touching this file.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs
        FILES_MATCHING PATTERN "*.md" PATTERN "*.png")
install(FILES ${PROJECT_SOURCE_DIR}/cases/README.md ${PROJECT_SOURCE_DIR}/cases/requirements.json
        DESTINATION ${CMAKE_INSTALL_DOCDIR}/cases)
# The CI recipe and workflows the README tells users to copy.
install(PROGRAMS ${PROJECT_SOURCE_DIR}/ci/wsspec-ci.sh DESTINATION ${CMAKE_INSTALL_DOCDIR}/ci)
install(FILES ${PROJECT_SOURCE_DIR}/ci/github/wsspec.yml DESTINATION ${CMAKE_INSTALL_DOCDIR}/ci/github)
install(FILES ${PROJECT_SOURCE_DIR}/ci/gitlab/wsspec.gitlab-ci.yml
        DESTINATION ${CMAKE_INSTALL_DOCDIR}/ci/gitlab)

# The man page and the bash completion are made from the help of the wsspec just linked
# (packaging/make_manpage.sh, make_completion.sh), so they list every command and flag the
# program has. A cross build cannot run the program here; it installs neither.
if(CMAKE_CROSSCOMPILING)
  message(WARNING "Cross-compiling: the man page and bash completion, made by running "
                  "wsspec --help, are not built or installed")
  return()
endif()
set(wsspec_packaging ${PROJECT_SOURCE_DIR}/packaging)
# The page's date: today, or SOURCE_DATE_EPOCH's day for a reproducible build.
string(TIMESTAMP wsspec_man_date "%Y-%m-%d" UTC)

add_custom_command(
  OUTPUT ${PROJECT_BINARY_DIR}/packaging/wsspec.1
  COMMAND sh ${wsspec_packaging}/make_manpage.sh $<TARGET_FILE:wsspec>
          ${PROJECT_BINARY_DIR}/packaging/wsspec.1 ${PROJECT_VERSION} ${wsspec_man_date}
  DEPENDS wsspec ${wsspec_packaging}/make_manpage.sh ${wsspec_packaging}/cli_help.awk
          ${wsspec_packaging}/manpage.awk ${wsspec_packaging}/man-description.roff
          ${wsspec_packaging}/man-tail.roff
  COMMENT "Writing the man page from wsspec --help" VERBATIM)
add_custom_command(
  OUTPUT ${PROJECT_BINARY_DIR}/packaging/wsspec.bash-completion
  COMMAND sh ${wsspec_packaging}/make_completion.sh $<TARGET_FILE:wsspec>
          ${PROJECT_BINARY_DIR}/packaging/wsspec.bash-completion ${PROJECT_VERSION}
  DEPENDS wsspec ${wsspec_packaging}/make_completion.sh ${wsspec_packaging}/cli_help.awk
          ${wsspec_packaging}/completion.bash.in
  COMMENT "Writing the bash completion from wsspec --help" VERBATIM)
file(MAKE_DIRECTORY ${PROJECT_BINARY_DIR}/packaging)
add_custom_target(wsspec_man_and_completion ALL
                  DEPENDS ${PROJECT_BINARY_DIR}/packaging/wsspec.1
                          ${PROJECT_BINARY_DIR}/packaging/wsspec.bash-completion)

# A build of only `--target wsspec` has not made them yet: make them at install time then.
set(wsspec_man ${PROJECT_BINARY_DIR}/packaging/wsspec.1)
set(wsspec_completion ${PROJECT_BINARY_DIR}/packaging/wsspec.bash-completion)
install(CODE "
  if(NOT EXISTS \"${wsspec_man}\")
    execute_process(COMMAND sh \"${wsspec_packaging}/make_manpage.sh\" \"$<TARGET_FILE:wsspec>\"
                            \"${wsspec_man}\" ${PROJECT_VERSION} ${wsspec_man_date}
                    COMMAND_ERROR_IS_FATAL ANY)
  endif()
  if(NOT EXISTS \"${wsspec_completion}\")
    execute_process(COMMAND sh \"${wsspec_packaging}/make_completion.sh\" \"$<TARGET_FILE:wsspec>\"
                            \"${wsspec_completion}\" ${PROJECT_VERSION}
                    COMMAND_ERROR_IS_FATAL ANY)
  endif()")
install(FILES ${PROJECT_BINARY_DIR}/packaging/wsspec.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${PROJECT_BINARY_DIR}/packaging/wsspec.bash-completion
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME wsspec)
