# Warnings as errors for our own targets only; third-party headers come in as
# SYSTEM includes so their warnings never fail our build.
function(glint_target_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
    -Wcast-align -Woverloaded-virtual -Wimplicit-fallthrough
    -Werror)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    # GCC 12 reports -Wrestrict on std::string concatenation at -O2/-O3
    # (GCC bug 105329), a false positive in libstdc++ itself.
    target_compile_options(${target} PRIVATE -Wno-restrict)
  endif()
endfunction()
