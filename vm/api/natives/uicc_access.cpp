// uicc.access of ETSI TS 102 241: UICCSystem hands out FileView objects, whose methods run
// the file operations of the card's file system through api::FileViewHooks.
//
// NOTE: the methods that copy data into an array return the offset after the last byte
// written (offset + length), following the Java Card API's convention for such methods; this
// card takes TS 102 241's descriptions of their results in that sense.
#include <algorithm>

#include "vm/api/api_constants.h"
#include "vm/api/file_view_hooks.h"
#include "vm/api/natives/native_support.h"

namespace uicc::api {
namespace {

constexpr std::string_view kImplementation = "uicc.access.FileViewImpl";
constexpr std::uint16_t kViewWord = 0;  // the card's number for the view

FileViewHooks& hooks_of(Vm& vm) {
  FileViewHooks* hooks = file_view_hooks(vm);
  // A card without a file system offers no views.
  if (hooks == nullptr) throw_system(vm, jc::javacard::framework::SystemException::ILLEGAL_USE);
  return *hooks;
}

std::uint8_t checked_event(Vm& vm, std::int8_t event) {
  if (event != jc::javacard::framework::JCSystem::CLEAR_ON_RESET &&
      event != jc::javacard::framework::JCSystem::CLEAR_ON_DESELECT) {
    throw_system(vm, jc::javacard::framework::SystemException::ILLEGAL_VALUE);
  }
  return static_cast<std::uint8_t>(event);
}

Slot new_view(Vm& vm, ByteView adf_aid, std::uint8_t event) {
  std::uint32_t id = hooks_of(vm).open_view(adf_aid, event);
  if (id == 0) return vm::kNullRef;
  Ref view = vm.new_object(class_name(kImplementation));
  vm.set_field(view, kViewWord, id);
  return view;
}

std::uint32_t view_of(Vm& vm, Args args) { return vm.get_field(args.ref_at(0), kViewWord); }

// Runs a file operation and turns its failure into UICCException.
template <typename F>
auto run(Vm& vm, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const FileViewError& error) {
    throw_exception(vm, "uicc.access.UICCException", error.reason);
  }
}

// Copies up to `length` bytes of `data` into `array` at `offset` and returns the offset after
// them.
Slot copy_out(Vm& vm, Ref array, std::int16_t offset, std::int16_t length, ByteView data) {
  check_range(vm, array, offset, length);
  std::size_t count = std::min<std::size_t>(data.size(), static_cast<std::size_t>(length));
  vm.write_bytes(array, static_cast<std::uint16_t>(offset), data.first(count), false);
  return short_result(offset + static_cast<int>(count));
}

Bytes copy_in(Vm& vm, Ref array, std::int16_t offset, std::int16_t length) {
  ByteView range = array_range(vm, array, offset, length);
  return Bytes(range.begin(), range.end());
}

// --- UICCSystem ----------------------------------------------------------------------------

Slot get_the_uicc_view(Vm& vm, Args args) {
  return new_view(vm, {}, checked_event(vm, args.byte_at(0)));
}

Slot get_the_file_view_of_aid(Vm& vm, Args args) {
  Ref aid_object = args.ref_at(0);
  if (aid_object == vm::kNullRef) throw_null_pointer(vm);
  std::uint8_t event = checked_event(vm, args.byte_at(1));
  auto aid = vm.aid_of(aid_object);
  if (!aid) throw_system(vm, jc::javacard::framework::SystemException::ILLEGAL_VALUE);
  return new_view(vm, aid->bytes(), event);
}

Slot get_the_file_view_of_bytes(Vm& vm, Args args) {
  Bytes aid = copy_in(vm, args.ref_at(0), args.short_at(1), args.byte_at(2));
  std::uint8_t event = checked_event(vm, args.byte_at(3));
  if (aid.size() < 5 || aid.size() > 16) throw_system(vm, jc::javacard::framework::SystemException::ILLEGAL_VALUE);
  return new_view(vm, aid, event);
}

// --- FileView ------------------------------------------------------------------------------

Slot select_with_fci(Vm& vm, Args args) {
  auto fid = static_cast<std::uint16_t>(args.short_at(1));
  Bytes fcp = run(vm, [&] { return hooks_of(vm).select(view_of(vm, args), fid); });
  return copy_out(vm, args.ref_at(2), args.short_at(3), args.short_at(4), fcp);
}

Slot select_fid(Vm& vm, Args args) {
  auto fid = static_cast<std::uint16_t>(args.short_at(1));
  run(vm, [&] { return hooks_of(vm).select(view_of(vm, args), fid); });
  return 0;
}

Slot select_relative(Vm& vm, Args args) {
  auto selector = static_cast<std::uint8_t>(args.byte_at(1));
  run(vm, [&] { hooks_of(vm).select_relative(view_of(vm, args), selector); });
  return 0;
}

Slot status(Vm& vm, Args args) {
  Bytes fcp = run(vm, [&] { return hooks_of(vm).status(view_of(vm, args)); });
  return copy_out(vm, args.ref_at(1), args.short_at(2), args.short_at(3), fcp);
}

Slot read_binary(Vm& vm, Args args) {
  std::int16_t offset = args.short_at(1);
  std::int16_t length = args.short_at(4);
  check_range(vm, args.ref_at(2), args.short_at(3), length);
  if (offset < 0) throw_exception(vm, "uicc.access.UICCException", uicc_exception::kOutOfFileBoundaries);
  Bytes data = run(vm, [&] {
    return hooks_of(vm).read_binary(view_of(vm, args), static_cast<std::uint16_t>(offset),
                                    static_cast<std::uint16_t>(length));
  });
  return copy_out(vm, args.ref_at(2), args.short_at(3), length, data);
}

Slot update_binary(Vm& vm, Args args) {
  std::int16_t offset = args.short_at(1);
  Bytes data = copy_in(vm, args.ref_at(2), args.short_at(3), args.short_at(4));
  if (offset < 0) throw_exception(vm, "uicc.access.UICCException", uicc_exception::kOutOfFileBoundaries);
  run(vm, [&] { hooks_of(vm).update_binary(view_of(vm, args), static_cast<std::uint16_t>(offset), data); });
  return 0;
}

Slot read_record(Vm& vm, Args args) {
  std::int16_t record = args.short_at(1);
  auto mode = static_cast<std::uint8_t>(args.byte_at(2));
  std::int16_t offset = args.short_at(3);
  std::int16_t length = args.short_at(6);
  check_range(vm, args.ref_at(4), args.short_at(5), length);
  if (record < 0 || offset < 0) throw_exception(vm, "uicc.access.UICCException", uicc_exception::kOutOfRecordBoundaries);
  Bytes data = run(vm, [&] {
    return hooks_of(vm).read_record(view_of(vm, args), static_cast<std::uint16_t>(record), mode,
                                    static_cast<std::uint16_t>(offset), static_cast<std::uint16_t>(length));
  });
  return copy_out(vm, args.ref_at(4), args.short_at(5), length, data);
}

Slot update_record(Vm& vm, Args args) {
  std::int16_t record = args.short_at(1);
  auto mode = static_cast<std::uint8_t>(args.byte_at(2));
  std::int16_t offset = args.short_at(3);
  Bytes data = copy_in(vm, args.ref_at(4), args.short_at(5), args.short_at(6));
  if (record < 0 || offset < 0) throw_exception(vm, "uicc.access.UICCException", uicc_exception::kOutOfRecordBoundaries);
  run(vm, [&] {
    hooks_of(vm).update_record(view_of(vm, args), static_cast<std::uint16_t>(record), mode,
                               static_cast<std::uint16_t>(offset), data);
  });
  return 0;
}

Slot search_record(Vm& vm, Args args) {
  auto mode = static_cast<std::uint8_t>(args.byte_at(1));
  std::int16_t record = args.short_at(2);
  std::int16_t offset = args.short_at(3);
  Bytes pattern = copy_in(vm, args.ref_at(4), args.short_at(5), args.short_at(6));
  Ref list = args.ref_at(7);
  std::int16_t list_offset = args.short_at(8);
  std::int16_t list_length = args.short_at(9);
  if (list == vm::kNullRef) throw_null_pointer(vm);
  if (list_offset < 0 || list_length < 0 || list_offset + list_length > vm.array_length(list)) {
    throw_index_out_of_bounds(vm);
  }
  if (record < 0 || offset < 0) throw_exception(vm, "uicc.access.UICCException", uicc_exception::kOutOfRecordBoundaries);
  std::vector<std::uint16_t> found = run(vm, [&] {
    return hooks_of(vm).search_record(view_of(vm, args), mode, static_cast<std::uint16_t>(record),
                                      static_cast<std::uint16_t>(offset), pattern);
  });
  std::size_t count = std::min<std::size_t>(found.size(), static_cast<std::size_t>(list_length));
  for (std::size_t i = 0; i < count; ++i) {
    vm.store_element(list, static_cast<std::uint16_t>(list_offset + static_cast<int>(i)),
                     vm::slot_of_short(static_cast<std::int16_t>(found[i])));
  }
  return short_result(static_cast<int>(found.size()));
}

Slot increase(Vm& vm, Args args) {
  Bytes value = copy_in(vm, args.ref_at(1), args.short_at(2), args.short_at(3));
  Ref response = args.ref_at(4);
  std::int16_t response_offset = args.short_at(5);
  Bytes result = run(vm, [&] { return hooks_of(vm).increase(view_of(vm, args), value); });
  if (response == vm::kNullRef) throw_null_pointer(vm);
  std::int16_t room = static_cast<std::int16_t>(vm.array_length(response) - response_offset);
  if (response_offset < 0 || room < static_cast<std::int16_t>(result.size())) throw_index_out_of_bounds(vm);
  return copy_out(vm, response, response_offset, static_cast<std::int16_t>(result.size()), result);
}

Slot deactivate_file(Vm& vm, Args args) {
  run(vm, [&] { hooks_of(vm).deactivate(view_of(vm, args)); });
  return 0;
}

Slot activate_file(Vm& vm, Args args) {
  run(vm, [&] { hooks_of(vm).activate(view_of(vm, args)); });
  return 0;
}

constexpr Binding kBindings[] = {
    {"uicc.access.UICCSystem", "getTheUICCView(B)Luicc/access/FileView;", get_the_uicc_view},
    {"uicc.access.UICCSystem", "getTheFileView(Ljavacard/framework/AID;B)Luicc/access/FileView;",
     get_the_file_view_of_aid},
    {"uicc.access.UICCSystem", "getTheFileView([BSBB)Luicc/access/FileView;", get_the_file_view_of_bytes},
    {kImplementation, "select(S[BSS)S", select_with_fci},
    {kImplementation, "select(S)V", select_fid},
    {kImplementation, "select(B)V", select_relative},
    {kImplementation, "status([BSS)S", status},
    {kImplementation, "readBinary(S[BSS)S", read_binary},
    {kImplementation, "updateBinary(S[BSS)V", update_binary},
    {kImplementation, "readRecord(SBS[BSS)S", read_record},
    {kImplementation, "updateRecord(SBS[BSS)V", update_record},
    {kImplementation, "searchRecord(BSS[BSS[SSS)S", search_record},
    {kImplementation, "increase([BSS[BS)S", increase},
    {kImplementation, "deactivateFile()V", deactivate_file},
    {kImplementation, "activateFile()V", activate_file},
};

constexpr std::string_view kFileViewInterfaces[] = {"uicc.access.FileView"};

// Token 0x80 lies above the class tokens of the uicc.access export file.
constexpr HiddenClass kHidden[] = {
    {"uicc.access", 0x80, "FileViewImpl", "java.lang.Object", kFileViewInterfaces, 1, 0},
};

}  // namespace

std::span<const Binding> uicc_access_bindings() { return kBindings; }
std::span<const HiddenClass> uicc_access_hidden_classes() { return kHidden; }

}  // namespace uicc::api
