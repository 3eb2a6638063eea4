// JVM to Java Card bytecode translation of one method, in four passes:
//
//  1. Dataflow over the JVM instructions: the kind of every stack slot and local variable,
//     a value id for every integral value and, for each stack slot, the instructions that
//     pushed it. Values that meet at a join (a local variable or a stack slot merged from
//     two paths) are joined into one web, which has one representation in the output.
//  2. Ranges: the interval each web's Java (32-bit) value can take.
//  3. Demands and representations: how many low bits of each web its uses observe; a web
//     is computed with the short instructions unless that could change an observable
//     result, in which case it needs the int instructions.
//  4. Code generation, with conversions (s2i, i2s) placed right after the instruction that
//     pushed a value whose representation differs from what its use needs.
//
// JVM: JVMS Java SE 17 §6.5. Java Card: Java Card 3.0.5 Virtual Machine Specification
// §7.5 (instructions), §3.5 (words: int takes two) and §2.2.3 (the int type is optional).
#include "tools/sdk/converter/method_translator.h"

#include "tools/sdk/converter/method_translator_internal.h"

namespace uicc::sdk {
namespace translation {

TranslatedMethod Translator::run() {
  if (!decode_and_check()) return std::move(out_);
  compute_liveness();
  run_dataflow();
  if (failed_) return std::move(out_);
  compute_ranges();
  collect_uses();
  decide_representations();
  if (failed_) return std::move(out_);
  allocate_locals();
  compute_requirements();
  if (failed_) return std::move(out_);
  generate();
  return std::move(out_);
}

}  // namespace translation

TranslatedMethod translate_method(const PackageModel& model, const PackageClass& cls,
                                  const PackageMethod& method, ConstantPoolBuilder& pool,
                                  const TranslationOptions& options, Diagnostics& diagnostics) {
  translation::Translator translator(model, cls, method, pool, options, diagnostics);
  return translator.run();
}

}  // namespace uicc::sdk
