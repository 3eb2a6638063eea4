// Conversion driver: subset checks, static initializers, method translation, CAP and
// export file assembly, and the files on disk.
#include "tools/sdk/converter/converter.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>

#include <fmt/format.h>

#include "tools/sdk/converter/method_translator.h"
#include "tools/sdk/converter/package_model.h"
#include "tools/sdk/converter/static_init.h"
#include "tools/sdk/converter/subset_check.h"
#include "util/log.h"
#include "vm/api/builtin_registry.h"
#include "vm/cap/cap_reader.h"
#include "vm/cap/cap_writer.h"
#include "vm/runtime/runtime.h"
#include "vm/store/store.h"

namespace uicc::sdk {
namespace {

Bytes read_binary(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConversionError(fmt::format("cannot read {}", path.string()));
  return Bytes(std::istreambuf_iterator<char>(in), {});
}

void write_binary(const std::filesystem::path& path, ByteView data) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
  if (!out) throw ConversionError(fmt::format("cannot write {}", path.string()));
}

// Packages named by a class file's class references and descriptors.
void collect_packages(const ClassFile& file, std::set<std::string>& packages) {
  auto add_descriptor = [&](std::string_view text) {
    for (std::size_t pos = text.find('L'); pos != std::string_view::npos;
         pos = text.find('L', pos + 1)) {
      std::size_t end = text.find(';', pos);
      if (end == std::string_view::npos) break;
      // Only an 'L' that starts a type: after '(' ')' '[' ';' or at the beginning.
      if (pos == 0 || std::string_view("()[;").find(text[pos - 1]) != std::string_view::npos) {
        packages.insert(package_of(text.substr(pos + 1, end - pos - 1)));
      }
      pos = end;
    }
  };
  for (std::uint16_t i = 1; i < file.constant_pool.size(); ++i) {
    const CpEntry& e = file.constant_pool[i];
    if (e.tag == CpTag::class_) {
      const std::string& name = file.utf8(e.ref1);
      if (name.starts_with("[")) {
        add_descriptor(name);
      } else {
        packages.insert(package_of(name));
      }
    } else if (e.tag == CpTag::name_and_type) {
      add_descriptor(file.utf8(e.ref2));
    }
  }
  for (const auto& f : file.fields) add_descriptor(f.descriptor);
  for (const auto& m : file.methods) add_descriptor(m.descriptor);
}

}  // namespace

std::filesystem::path cap_output_path(const std::filesystem::path& out_dir,
                                      const std::string& package_name) {
  std::string internal = internal_name(package_name);
  std::string last = internal.substr(internal.rfind('/') + 1);
  return out_dir / internal / "javacard" / (last + ".cap");
}

std::filesystem::path export_output_path(const std::filesystem::path& out_dir,
                                         const std::string& package_name) {
  return cap::export_file_path(out_dir, internal_name(package_name));
}

std::vector<ClassFile> load_package_classes(const std::filesystem::path& root,
                                            const std::string& package_name) {
  std::filesystem::path dir = root / internal_name(package_name);
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    throw ConversionError(
        fmt::format("no directory {} for package {}", dir.string(), package_name));
  }
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().extension() == ".class")
      files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) throw ConversionError(fmt::format("no class files in {}", dir.string()));
  std::vector<ClassFile> classes;
  for (const auto& path : files) {
    try {
      classes.push_back(parse_class_file(read_binary(path), path.filename().string()));
    } catch (const ClassFormatError& e) {
      throw ConversionError(e.what());
    }
  }
  return classes;
}

std::vector<cap::ExportFile> load_imports(const std::vector<ClassFile>& classes,
                                          const std::vector<std::filesystem::path>& export_path) {
  std::set<std::string> packages;
  for (const auto& file : classes) collect_packages(file, packages);
  if (!classes.empty()) packages.erase(package_of(classes.front().this_class));
  std::vector<cap::ExportFile> imports;
  std::vector<std::string> missing;
  for (const auto& package : packages) {
    bool found = false;
    for (const auto& dir : export_path) {
      std::filesystem::path path = cap::export_file_path(dir, package);
      std::error_code ec;
      if (!std::filesystem::is_regular_file(path, ec)) continue;
      try {
        imports.push_back(cap::read_export_file(path));
      } catch (const cap::FormatError& e) {
        throw ConversionError(fmt::format("{}: {}", path.string(), e.what()));
      }
      if (imports.back().package.name != package) {
        throw ConversionError(fmt::format("{} is the export file of package {}, not of {}",
                                          path.string(), dotted_name(imports.back().package.name),
                                          dotted_name(package)));
      }
      found = true;
      break;
    }
    if (!found) missing.push_back(dotted_name(package));
  }
  if (!missing.empty()) {
    std::string dirs;
    for (const auto& dir : export_path) dirs += (dirs.empty() ? "" : ", ") + dir.string();
    throw ConversionError(fmt::format(
        "no export file for package{} {} in the export path ({}); classes of the Java "
        "platform outside the Java Card API (java.lang.String, java.util...) cannot be used",
        missing.size() > 1 ? "s" : "", fmt::join(missing, ", "), dirs.empty() ? "empty" : dirs));
  }
  return imports;
}

ConversionResult convert_package(const std::vector<ClassFile>& classes,
                                 const std::vector<cap::ExportFile>& imports,
                                 const ConverterOptions& options) {
  if (options.package_aid.size() < cap::kMinAidLength ||
      options.package_aid.size() > cap::kMaxAidLength) {
    throw ConversionError(fmt::format("package AID {} has {} bytes; an AID has 5 to 16",
                                      to_hex(options.package_aid), options.package_aid.size()));
  }
  Diagnostics diagnostics;
  PackageModel model(classes, imports, diagnostics);
  diagnostics.throw_if_any();
  if (!options.package_name.empty() &&
      internal_name(options.package_name) != model.package_name()) {
    throw ConversionError(fmt::format("the class files are of package {}, not {}",
                                      dotted_name(model.package_name()), options.package_name));
  }
  check_subset(model, options.int_support, diagnostics);

  std::map<const PackageClass*, StaticValues> statics;
  for (const auto& cls : model.classes())
    statics[cls.get()] = evaluate_static_initializer(*cls, diagnostics);

  ConstantPoolBuilder pool;
  std::map<const PackageMethod*, TranslatedMethod> methods;
  ConversionResult result;
  TranslationOptions translation;
  translation.int_support = options.int_support;
  bool uses_int = false;
  for (const auto& cls : model.classes()) {
    for (const auto& field : cls->fields) {
      if (!field.is_constant && field.type.base == BaseType::kInt) uses_int = true;
    }
    for (const auto& method : cls->methods) {
      if (method.kind == MethodKind::kStaticInitializer || !method.info->code) continue;
      TranslatedMethod translated =
          translate_method(model, *cls, method, pool, translation, diagnostics);
      uses_int = uses_int || translated.uses_int;
      result.jvm_bytecode_size += method.info->code->code.size();
      methods.emplace(&method, std::move(translated));
    }
  }
  diagnostics.throw_if_any();
  std::vector<InheritedDelegate> delegates = plan_inherited_delegates(model, pool);
  pool.assign_indexes();

  CapBuildInput input;
  input.model = &model;
  input.pool = &pool;
  input.methods = &methods;
  input.statics = &statics;
  input.delegates = std::move(delegates);
  input.package_aid = options.package_aid;
  input.major = options.major;
  input.minor = options.minor;
  input.format = options.format;
  input.uses_int = uses_int;
  for (AppletDeclaration applet : options.applets) {
    applet.class_name = internal_name(applet.class_name);
    if (applet.class_name.find('/') == std::string::npos) {
      applet.class_name = model.package_name() + "/" + applet.class_name;
    }
    input.applets.push_back(std::move(applet));
  }
  result.cap = build_cap(input, diagnostics);
  diagnostics.throw_if_any();
  try {
    cap::check_structure(result.cap);
  } catch (const cap::FormatError& e) {
    throw ConversionError(fmt::format("the CAP file built is malformed: {}", e.what()));
  }
  result.export_file = build_export_file(model, options.package_aid, options.major, options.minor,
                                         !options.applets.empty());
  result.method_count = methods.size();
  for (const auto& cls : result.cap.descriptor->classes) {
    for (const auto& method : cls.methods) result.bytecode_size += method.bytecode_count;
  }
  return result;
}

void verify_on_vm(const cap::CapFile& cap, const std::vector<cap::ExportFile>& imports,
                  const std::vector<std::filesystem::path>& export_path, bool int_support) {
  store::Store store;
  vm::RuntimeConfig config;
  config.int_support = int_support;
  vm::Runtime runtime(store, api::builtin_registry(), config);
  auto on_card = [&](const Bytes& aid) {
    for (const auto& package : runtime.packages()) {
      if (std::equal(package.aid.bytes().begin(), package.aid.bytes().end(), aid.begin(),
                     aid.end())) {
        return true;
      }
    }
    return false;
  };
  // Imports that are no built-in package: their CAP files, from beside their export files.
  // A library may itself import another, so load them until no more make progress.
  std::vector<std::pair<std::string, Bytes>> pending;
  for (const auto& import : imports) {
    if (on_card(import.package.aid)) continue;
    std::filesystem::path cap_path;
    for (const auto& dir : export_path) {
      std::filesystem::path candidate = cap_output_path(dir, dotted_name(import.package.name));
      std::error_code ec;
      if (std::filesystem::is_regular_file(candidate, ec)) {
        cap_path = candidate;
        break;
      }
    }
    if (cap_path.empty()) {
      log::get("sdk")->warn(
          "not verified on the VM: no CAP file of imported package {} next to its "
          "export file",
          dotted_name(import.package.name));
      return;
    }
    pending.emplace_back(cap_path.string(), read_binary(cap_path));
  }
  for (bool progress = true; progress && !pending.empty();) {
    progress = false;
    for (auto it = pending.begin(); it != pending.end();) {
      try {
        runtime.load_package(it->second);
        it = pending.erase(it);
        progress = true;
      } catch (const vm::LoadError& e) {
        if (e.code() != vm::LoadError::Code::missing_import) {
          throw ConversionError(
              fmt::format("imported package {} does not load: {}", it->first, e.what()));
        }
        ++it;
      }
    }
  }
  try {
    runtime.load_package(cap::write_cap_components(cap));
  } catch (const vm::LoadError& e) {
    throw ConversionError(fmt::format("the VM rejects the converted package: {}", e.what()));
  }
}

ConversionResult convert_to_files(const std::filesystem::path& classes_root,
                                  const ConverterOptions& options,
                                  const std::filesystem::path& out_dir) {
  std::vector<ClassFile> classes = load_package_classes(classes_root, options.package_name);
  std::vector<cap::ExportFile> imports = load_imports(classes, options.export_path);
  ConversionResult result = convert_package(classes, imports, options);
  if (options.verify) verify_on_vm(result.cap, imports, options.export_path, options.int_support);
  write_binary(cap_output_path(out_dir, options.package_name), cap::write_cap_jar(result.cap));
  write_binary(export_output_path(out_dir, options.package_name),
               cap::write_export_file(result.export_file));
  log::get("sdk")->info("converted package {}: {} methods, {} bytes of bytecode",
                        options.package_name, result.method_count, result.bytecode_size);
  return result;
}

}  // namespace uicc::sdk
