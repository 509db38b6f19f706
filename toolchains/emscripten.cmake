# glint's Emscripten toolchain: Debian's, plus the fixes its quirks need on
# these machines, made once here so no developer has to remember them.
#  - emcc's JS optimizer needs acorn, which Debian puts in /usr/share/nodejs
#    where node does not look by itself: every compile and link runs with
#    NODE_PATH set (through the launchers, so plain `ninja` works too).
#  - Nothing from /usr/include is ever put on the command line; header-only
#    dependencies are staged into the build folder (see core/CMakeLists.txt).
include(/usr/share/emscripten/cmake/Modules/Platform/Emscripten.cmake)

set(_glint_node_path "/usr/share/nodejs")
if(DEFINED ENV{NODE_PATH} AND NOT "$ENV{NODE_PATH}" STREQUAL "")
  set(_glint_node_path "$ENV{NODE_PATH}:/usr/share/nodejs")
endif()
set(CMAKE_CXX_COMPILER_LAUNCHER "${CMAKE_COMMAND};-E;env;NODE_PATH=${_glint_node_path}"
    CACHE STRING "" FORCE)
set(CMAKE_CXX_LINKER_LAUNCHER "${CMAKE_COMMAND};-E;env;NODE_PATH=${_glint_node_path}"
    CACHE STRING "" FORCE)
