// The program tests run the wsspec executable and read files of the source tree; CMake hands
// both paths in as macros (tests/CMakeLists.txt). Checking them here, once, turns a missing
// definition into a build error that names the cause instead of a test failing at run time.
#pragma once

#ifndef WSSPEC_BINARY
#error "WSSPEC_BINARY must be the path of the wsspec executable (tests/CMakeLists.txt)"
#endif
#ifndef WSSPEC_SOURCE_DIR
#error "WSSPEC_SOURCE_DIR must be the project's source folder (tests/CMakeLists.txt)"
#endif
