# glint_embed(OUT_CC NAMESPACE ns FILES a.json b.json ...) turns data files
# (column aliases, fact templates) into a C++ source of std::string_view
# constants, so core keeps its data in schemas/ yet does no file I/O.
function(glint_embed out_cc)
  cmake_parse_arguments(E "" "NAMESPACE" "FILES" ${ARGN})
  set(deps)
  foreach(f IN LISTS E_FILES)
    list(APPEND deps "${f}")
  endforeach()
  add_custom_command(
    OUTPUT "${out_cc}"
    COMMAND ${CMAKE_COMMAND} -DOUT=${out_cc} -DNAMESPACE=${E_NAMESPACE}
            "-DFILES=${E_FILES}" -P "${CMAKE_SOURCE_DIR}/toolchains/cmake/glint_embed_run.cmake"
    DEPENDS ${deps} "${CMAKE_SOURCE_DIR}/toolchains/cmake/glint_embed_run.cmake"
    COMMENT "Embedding data files into ${out_cc}"
    VERBATIM)
endfunction()
