// Translation of one method from JVM bytecode to Java Card bytecode.
//
// The JVM computes with int wherever Java has byte, short or boolean values; Java Card
// computes with short and offers int only as an option. The translator infers, for every
// integral value of the method, whether 16-bit arithmetic gives the same observable result
// as Java's 32-bit arithmetic: it tracks the range each value can take and how many of its
// low bits its uses observe (a cast to short observes 16, a comparison or a division all
// 32). Values that need 32 bits are computed with the int instructions when int support is
// on, and are reported with their source line otherwise.
#pragma once

#include <vector>

#include "tools/sdk/converter/diagnostics.h"
#include "tools/sdk/converter/jc_code.h"
#include "tools/sdk/converter/package_model.h"

namespace uicc::sdk {

struct TranslationOptions {
  bool int_support = false;  // allow the optional int instructions (Header flag ACC_INT)
};

struct TranslatedHandler {
  int start_label = -1;
  int end_label = -1;  // exclusive
  int handler_label = -1;
  int catch_type = -1;  // constant pool id of the caught class, -1 for any (finally)
};

struct TranslatedMethod {
  JcCode code;
  std::vector<TranslatedHandler> handlers;
  int nargs = 0;       // words of the parameters, `this` included (JCVM 3.0.5 §6.9.1)
  int max_locals = 0;  // words of the other local variables
  bool uses_int = false;
};

// Translates a method with code. Diagnostics name the class, the method and the source
// line; the result is meaningless when any diagnostic was added.
TranslatedMethod translate_method(const PackageModel& model, const PackageClass& cls,
                                  const PackageMethod& method, ConstantPoolBuilder& pool,
                                  const TranslationOptions& options, Diagnostics& diagnostics);

}  // namespace uicc::sdk
