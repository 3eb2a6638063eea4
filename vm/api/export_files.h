// The built-in packages as export files (.exp, format 2.1), written by the cap layer's writer
// from the same tables the VM links against, for the SDK's converter to read.
#pragma once

#include "vm/api/export_data.h"
#include "vm/cap/export_file.h"

namespace uicc::api {

// The export file of a built-in package, listing its classes, constants and method entries
// exactly as the official export file does.
cap::ExportFile export_file_of(const PackageInfo& package);

}  // namespace uicc::api
