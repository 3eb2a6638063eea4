// File control parameters returned by SELECT and STATUS: ETSI TS 102 221 V17.1.0 §11.1.1.3.
#pragma once

#include "card/fs/file_system.h"
#include "card/fs/pins.h"

namespace uicc::card {

// Builds the FCP template (tag 62) of a file: descriptor, identifier, DF name, proprietary
// information, life cycle status, security attributes, PIN status template (DFs), sizes and
// short file identifier (EFs).
Bytes build_fcp(const FileSystem& fs, const PinTable& pins, Handle file);

}  // namespace uicc::card
