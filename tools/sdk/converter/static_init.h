// Evaluation of static initializers. A Java Card VM does not run <clinit>: the converter
// executes it and stores the initial values in the StaticField component. Only what that
// component can express is accepted: primitive constants and arrays of primitive
// constants, and null for other references. Java Card 3.0.5 Virtual Machine Specification
// §2.2.4.6 (static field initialization) and §6.11 (StaticField component).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tools/sdk/converter/diagnostics.h"
#include "tools/sdk/converter/package_model.h"

namespace uicc::sdk {

struct StaticArrayValue {
  BaseType element = BaseType::kByte;  // boolean, byte, short or int
  std::vector<std::int32_t> values;
};

struct StaticValue {
  std::optional<std::int32_t> primitive;  // a primitive field's initial value
  std::optional<StaticArrayValue> array;  // an array field's initial array
};

// Initial values by field name, for the fields <clinit> assigns. Fields it does not assign
// keep their default (0, false or null).
using StaticValues = std::map<std::string, StaticValue>;

// Runs the <clinit> of a class symbolically. Adds a diagnostic, naming the line, for each
// construct the StaticField component cannot express.
StaticValues evaluate_static_initializer(const PackageClass& cls, Diagnostics& diagnostics);

}  // namespace uicc::sdk
