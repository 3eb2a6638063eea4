// The class-level rules of the Java Card language subset: types of fields, parameters and
// results, and the modifiers and kinds of classes that Java Card lacks. The method
// translator checks the instructions. Java Card 3.0.5 Virtual Machine Specification §2.2.1
// (unsupported features, keywords and types) and §2.2.3 (the optional int type).
#pragma once

#include "tools/sdk/converter/diagnostics.h"
#include "tools/sdk/converter/package_model.h"

namespace uicc::sdk {

// Adds a diagnostic for every declaration outside the subset.
void check_subset(const PackageModel& model, bool int_support, Diagnostics& diagnostics);

// Returns why a type is outside the subset, or an empty string if Java Card supports it.
std::string unsupported_type(const FieldType& type, bool int_support);

}  // namespace uicc::sdk
