#include "applets/builtin_applets.h"

#include <cstddef>

namespace uicc::applets {

extern const unsigned char usim_cap_data[];
extern const std::size_t usim_cap_size;

ByteView usim_cap() { return ByteView(usim_cap_data, usim_cap_size); }

}  // namespace uicc::applets
