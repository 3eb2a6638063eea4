# Warnings as errors for the project's own targets. Third-party headers come in through
# imported targets, which CMake marks as system headers, so they stay out of this.
function(uicc_target_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wconversion -Wshadow
                                           -Wnon-virtual-dtor -Woverloaded-virtual -Werror)
  # clang's -Wconversion also turns on -Wsign-conversion, which GCC keeps separate; the
  # project's warning set is GCC's, so clang builds (the fuzzers) get the same set.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    target_compile_options(${target} PRIVATE -Wno-sign-conversion)
  endif()
endfunction()

# Declares a library of one project folder: uicc_add_library(NAME SOURCES... DEPENDS targets...).
function(uicc_add_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPENDS;PRIVATE_DEPENDS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PUBLIC ${ARG_DEPENDS} PRIVATE ${ARG_PRIVATE_DEPENDS})
  uicc_target_warnings(${name})
endfunction()
