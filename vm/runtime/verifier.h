// The bytecode verifier run at load: instruction decoding, branch and handler targets, local
// indexes, stack depths and a word-type analysis (short, int, reference, return address) that
// keeps numbers and references apart, so that no CAP file can make the interpreter forge a
// reference, read or write outside an object, or leave its code.
#pragma once

#include <string>

#include "vm/cap/cap_file.h"
#include "vm/runtime/model.h"

namespace uicc::vm::detail {

struct VerifierOptions {
  bool int_support = true;
};

// Fills in the verification types of the package's methods (from the Descriptor component
// when present) and verifies every method. Throws LoadError verification whose message names
// `package_name`, the method and the bytecode offset.
void verify_package(const cap::CapFile& cap, Package& package, const VerifierOptions& options,
                    const std::string& package_name);

// Verifies one method of a linked package; the types of its callees must be filled in.
void verify_method(const Package& package, const Method& method, const VerifierOptions& options,
                   const std::string& package_name);

// Verification types of a descriptor such as "(S[BLjava/lang/Object;I)Z": argument words and
// result, as in Method::argument_types and Method::result_type.
std::pair<std::string, char> descriptor_types(std::string_view descriptor);

}  // namespace uicc::vm::detail
