# The VM's benchmarks (docs/benchmarks-vm.md). The Java version of the compute workload is
# compiled when a Java compiler is found; `java -Xint` runs it as the baseline.
uicc_add_benchmark(vm_benchmarks SOURCES vm_benchmark.cpp DEPENDS vm_test_support)
find_package(Java 17 COMPONENTS Development)
if(Java_FOUND)
  set(vm_workload_classes ${CMAKE_CURRENT_BINARY_DIR}/java)
  add_custom_command(
    OUTPUT ${vm_workload_classes}/VmWorkload.class
    COMMAND ${CMAKE_COMMAND} -E make_directory ${vm_workload_classes}
    COMMAND ${Java_JAVAC_EXECUTABLE} -d ${vm_workload_classes} ${CMAKE_CURRENT_SOURCE_DIR}/java/VmWorkload.java
    DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/java/VmWorkload.java
    COMMENT "Compiling the Java baseline of the VM workload")
  add_custom_target(vm_workload_java DEPENDS ${vm_workload_classes}/VmWorkload.class)
  add_dependencies(vm_benchmarks vm_workload_java)
  target_compile_definitions(vm_benchmarks PRIVATE UICC_JAVA_WORKLOAD_DIR="${vm_workload_classes}")
endif()
