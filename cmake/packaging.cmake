# The Debian package (docs/install.md): `cpack -G DEB` in a build folder, or the `package`
# target, writes wsspec_<version>-1_<arch>.deb from the install rules of cmake/install.cmake,
# installed under /usr. Depends is computed by dpkg-shlibdeps (dpkg-dev) from the libraries
# the program links (libc6, libstdc++6, libgcc-s1, libssl3, zlib1g, libisal2), so it follows
# the build instead of a list kept by hand; ctest packaging_deb_* check it.
if(NOT TARGET wsspec)
  return()
endif()

set(WSSPEC_PACKAGE_MAINTAINER
    "wsspec maintainers <maintainers@users.noreply.r-seed-064f3468.example>"
    CACHE STRING "Maintainer field of the Debian package: name <email>")

set(CPACK_PACKAGE_NAME wsspec)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "wsspec")
set(CPACK_PACKAGE_CONTACT "${WSSPEC_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "WebSocket (RFC 6455 / RFC 7692) conformance tests and fuzzing")
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_CHECKSUM SHA256)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # wsspec_0.1.0-1_amd64.deb
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${WSSPEC_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SUGGESTS bash-completion)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# The extended description; CPack puts the summary above it, indents each line by one space
# and writes an empty line as " ." (Debian policy 5.6.13).
set(CPACK_PACKAGE_DESCRIPTION
    "wsspec tests a WebSocket server against every requirement of RFC 6455 and
RFC 7692 (permessage-deflate), opening handshake and wss:// included. It
writes a verdict per case, a self-contained HTML report, results.json and
JUnit XML, and exits with a status CI can gate on (with a baseline of
accepted deviations). Cases that match Autobahn|Testsuite's carry its ids.

It also fuzzes a live server with mutated traffic, minimising what it finds
into replayable cases, runs a reference echo server, and compares runs.")

# Debian wants man pages gzipped (policy 12.1) and a changelog.Debian.gz (12.7); `cmake
# --install` has neither.
set(CPACK_PRE_BUILD_SCRIPTS ${PROJECT_SOURCE_DIR}/packaging/deb_prebuild.cmake)

# `package_source` would otherwise pack the build folders too.
set(CPACK_SOURCE_GENERATOR TXZ)
set(CPACK_SOURCE_IGNORE_FILES "/\\\\.git/" "/build/")

include(CPack)
