// Helpers over the contents of export files (vm/cap/export_file.h): what a package shows to
// the packages that import it. The converter reads one for each imported package and writes
// one for the package it converts. Java Card 3.0.5 Virtual Machine Specification §4.3 (token
// assignment) and chapter 5 (export file format).
#pragma once

#include "vm/cap/export_file.h"

namespace uicc::sdk {

// A method invoked through a virtual method token: neither static nor a constructor.
bool is_virtual(const cap::ExportMethod& method);
bool is_static(const cap::ExportField& field);
bool is_static(const cap::ExportMethod& method);
bool is_shareable(const cap::ExportClass& cls);
bool is_library(const cap::ExportFile& file);

// One more than the highest public virtual method token of a class, 0 without virtual
// methods. The public virtual method tokens of a subclass continue from this value (JCVM
// 3.0.5 §4.3.7.6).
int public_virtual_method_count(const cap::ExportClass& cls);

}  // namespace uicc::sdk
