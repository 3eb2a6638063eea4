// The applets the card installs by itself, as CAP files built with the SDK.
#pragma once

#include "util/bytes.h"

namespace uicc::applets {

// The USIM applet's package (org.uicc.usim 1.0) and applet class.
inline const Bytes kUsimPackageAid = {0xF0, 0x75, 0x69, 0x63, 0x63, 0x10};
inline const Bytes kUsimClassAid = {0xF0, 0x75, 0x69, 0x63, 0x63, 0x10, 0x01};

ByteView usim_cap();

}  // namespace uicc::applets
