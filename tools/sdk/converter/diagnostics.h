// Errors of a conversion, each tied to the class, method and source line it concerns, so that
// a developer can fix the Java source the way a compiler's messages let them.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace uicc::sdk {

struct Diagnostic {
  std::string source_file;  // "Wallet.java", or the class file name when SourceFile is absent
  std::string class_name;   // dotted, "com.example.Wallet"
  std::string method;       // "debit(S)V", empty for class-level errors
  std::uint16_t line = 0;   // 0 when the class file has no LineNumberTable entry for it
  std::string message;

  // Formats as "Wallet.java:42: com.example.Wallet.debit(S)V: message".
  std::string to_string() const;
};

// Collects the errors of one conversion. Checks report every problem they find and the
// converter stops after the phase that found any, so that one run lists them all.
class Diagnostics {
 public:
  void add(Diagnostic diagnostic) { items_.push_back(std::move(diagnostic)); }
  bool empty() const { return items_.empty(); }
  const std::vector<Diagnostic>& items() const { return items_; }
  // Throws ConversionError listing every diagnostic if there is at least one.
  void throw_if_any() const;

 private:
  std::vector<Diagnostic> items_;
};

// The package cannot be converted. what() lists the diagnostics, one per line.
class ConversionError : public std::runtime_error {
 public:
  explicit ConversionError(std::vector<Diagnostic> diagnostics);
  explicit ConversionError(const std::string& message);
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

}  // namespace uicc::sdk
