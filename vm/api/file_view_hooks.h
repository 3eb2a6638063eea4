// The card's file system as the uicc.access API of ETSI TS 102 241 reaches it: file views
// over the MF or an ADF, each with its own current DF, EF and record. The card's platform
// hooks implement this interface next to vm::PlatformHooks; the natives find it with
// file_view_hooks().
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "util/bytes.h"
#include "vm/runtime/native.h"

namespace uicc::api {

// A file operation that failed, with the uicc.access.UICCException reason to throw.
struct FileViewError {
  std::int16_t reason;
};

// uicc.access.UICCException reasons (ETSI TS 102 241, UICCException constants).
namespace uicc_exception {
inline constexpr std::int16_t kNoEfSelected = 1;
inline constexpr std::int16_t kCommandIncompatible = 2;
inline constexpr std::int16_t kSecurityStatusNotSatisfied = 3;
inline constexpr std::int16_t kFileNotFound = 4;
inline constexpr std::int16_t kInternalError = 5;
inline constexpr std::int16_t kRefDataInvalidated = 6;
inline constexpr std::int16_t kOutOfFileBoundaries = 7;
inline constexpr std::int16_t kOutOfRecordBoundaries = 8;
inline constexpr std::int16_t kRecordNotFound = 9;
inline constexpr std::int16_t kInvalidMode = 10;
inline constexpr std::int16_t kMaxValueReached = 12;
inline constexpr std::int16_t kMemoryProblem = 13;
}  // namespace uicc_exception

class FileViewHooks {
 public:
  virtual ~FileViewHooks() = default;

  // Opens a view of the UICC (`adf_aid` empty: the MF and its files) or of the ADF with that
  // AID, with the MF or the ADF as current DF. Returns 0 if no ADF has the AID. `event` is
  // JCSystem.CLEAR_ON_RESET or CLEAR_ON_DESELECT: when the view's current file is forgotten.
  virtual std::uint32_t open_view(ByteView adf_aid, std::uint8_t event) = 0;

  // The operations of uicc.access.FileView. Each throws FileViewError on failure; the bytes
  // returned are the FCP, the data read or INCREASE's new value and increment.
  virtual Bytes select(std::uint32_t view, std::uint16_t fid) = 0;
  virtual void select_relative(std::uint32_t view, std::uint8_t selector) = 0;
  virtual Bytes status(std::uint32_t view) = 0;
  virtual Bytes read_binary(std::uint32_t view, std::uint16_t offset, std::uint16_t length) = 0;
  virtual void update_binary(std::uint32_t view, std::uint16_t offset, ByteView data) = 0;
  virtual Bytes read_record(std::uint32_t view, std::uint16_t record, std::uint8_t mode, std::uint16_t offset,
                            std::uint16_t length) = 0;
  virtual void update_record(std::uint32_t view, std::uint16_t record, std::uint8_t mode, std::uint16_t offset,
                             ByteView data) = 0;
  virtual std::vector<std::uint16_t> search_record(std::uint32_t view, std::uint8_t mode, std::uint16_t record,
                                                   std::uint16_t offset, ByteView pattern) = 0;
  virtual Bytes increase(std::uint32_t view, ByteView value) = 0;
  virtual void activate(std::uint32_t view) = 0;
  virtual void deactivate(std::uint32_t view) = 0;
};

// The file-view hooks of the card that runs `vm`, or null when its platform has none.
inline FileViewHooks* file_view_hooks(vm::Vm& vm) { return dynamic_cast<FileViewHooks*>(&vm.platform()); }

}  // namespace uicc::api
