# Java Card packages built from Java sources: javac against the built-in API stubs, then the
# SDK's converter (`uicc-convert`, the same as `uicc convert`) into a CAP file and an export file.
#
#   add_javacard_package(<target>
#     PACKAGE <java.package.name>
#     AID <hex package AID>
#     [VERSION <major.minor>]                 default 1.0
#     SOURCES <file.java>...
#     [SOURCE_ROOT <dir>]                     javac's source path, default the current source dir
#     [APPLETS <ClassName:hexAID>...]         simple or qualified class names
#     [IMPORTS <target>...]                   packages of this project that this one uses
#     [CONFIG <file.toml>]                    package configuration instead of the options
#     [INT])                                  allow the int type
#
# The target's properties give the results to others:
#   JAVACARD_CAP          <binary dir>/<target>/out/<package path>/javacard/<name>.cap
#   JAVACARD_EXP_DIR      <binary dir>/<target>/out, an export path entry for importers
#   JAVACARD_CLASSES_DIR  javac's output, a class path entry for importers
#   JAVACARD_PACKAGE, JAVACARD_AID
#
# javac compiles with -source 8 -target 8 and the API stubs as boot class path, so that
# sources see the Java Card API only, as they would with Oracle's kit, and the class files
# have the version the converter reads.
include_guard(GLOBAL)

find_package(Java 17 REQUIRED COMPONENTS Development)

function(add_javacard_package target)
  cmake_parse_arguments(JC "INT" "PACKAGE;AID;VERSION;SOURCE_ROOT;CONFIG"
                        "SOURCES;APPLETS;IMPORTS" ${ARGN})
  if(NOT JC_PACKAGE)
    message(FATAL_ERROR "add_javacard_package(${target}): PACKAGE is required")
  endif()
  if(NOT JC_AID AND NOT JC_CONFIG)
    message(FATAL_ERROR "add_javacard_package(${target}): AID or CONFIG is required")
  endif()
  if(NOT JC_SOURCES)
    message(FATAL_ERROR "add_javacard_package(${target}): SOURCES is required")
  endif()
  if(NOT TARGET uicc-convert OR NOT TARGET uicc_api_jar OR NOT TARGET uicc_api_exp)
    message(FATAL_ERROR "add_javacard_package(${target}): needs the converter and the API "
                        "stubs (targets uicc-convert, uicc_api_jar, uicc_api_exp)")
  endif()
  if(NOT JC_SOURCE_ROOT)
    set(JC_SOURCE_ROOT ${CMAKE_CURRENT_SOURCE_DIR})
  endif()

  set(work ${CMAKE_CURRENT_BINARY_DIR}/${target})
  set(classes ${work}/classes)
  set(out ${work}/out)
  string(REPLACE "." "/" package_path ${JC_PACKAGE})
  string(REGEX REPLACE ".*/" "" last_name ${package_path})
  set(cap ${out}/${package_path}/javacard/${last_name}.cap)
  set(exp ${out}/${package_path}/javacard/${last_name}.exp)

  set(sources)
  foreach(source ${JC_SOURCES})
    if(IS_ABSOLUTE ${source})
      list(APPEND sources ${source})
    else()
      list(APPEND sources ${CMAKE_CURRENT_SOURCE_DIR}/${source})
    endif()
  endforeach()

  set(class_path)
  set(convert_args --exp-path ${UICC_API_EXP_DIR})
  set(depends uicc-convert uicc_api_jar uicc_api_exp)
  foreach(import ${JC_IMPORTS})
    list(APPEND class_path $<TARGET_PROPERTY:${import},JAVACARD_CLASSES_DIR>)
    list(APPEND convert_args --exp-path $<TARGET_PROPERTY:${import},JAVACARD_EXP_DIR>)
    list(APPEND depends ${import} $<TARGET_PROPERTY:${import},JAVACARD_CAP>)
  endforeach()
  set(javac_class_path)
  if(class_path)
    set(javac_class_path -classpath "$<JOIN:${class_path},:>")
  endif()

  if(JC_CONFIG)
    if(NOT IS_ABSOLUTE ${JC_CONFIG})
      set(JC_CONFIG ${CMAKE_CURRENT_SOURCE_DIR}/${JC_CONFIG})
    endif()
    list(APPEND convert_args --config ${JC_CONFIG})
    list(APPEND depends ${JC_CONFIG})
  endif()
  list(APPEND convert_args --package ${JC_PACKAGE})
  if(JC_AID)
    list(APPEND convert_args --aid ${JC_AID})
  endif()
  if(JC_VERSION)
    list(APPEND convert_args --version ${JC_VERSION})
  endif()
  foreach(applet ${JC_APPLETS})
    list(APPEND convert_args --applet ${applet})
  endforeach()
  if(JC_INT)
    list(APPEND convert_args --int)
  endif()

  add_custom_command(
    OUTPUT ${cap} ${exp}
    COMMAND ${CMAKE_COMMAND} -E rm -rf ${classes} ${out}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${classes}
    COMMAND ${Java_JAVAC_EXECUTABLE} -source 8 -target 8 -Xlint:-options -g -encoding UTF-8
            -bootclasspath ${UICC_API_JAR} ${javac_class_path} -sourcepath ${JC_SOURCE_ROOT}
            -d ${classes} ${sources}
    COMMAND $<TARGET_FILE:uicc-convert> --log-level warn convert ${classes} ${convert_args} --out ${out}
    DEPENDS ${sources} ${depends}
    COMMENT "Building Java Card package ${JC_PACKAGE}"
    VERBATIM)
  add_custom_target(${target} ALL DEPENDS ${cap} ${exp})
  set_target_properties(${target} PROPERTIES
    JAVACARD_CAP ${cap}
    JAVACARD_EXP_DIR ${out}
    JAVACARD_CLASSES_DIR ${classes}
    JAVACARD_PACKAGE ${JC_PACKAGE}
    JAVACARD_AID "${JC_AID}")
endfunction()
