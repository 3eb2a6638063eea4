// Card profiles: the identity, credentials and files a card image is created with.
#pragma once

#include <string>
#include <vector>

#include "card/fs/file_system.h"
#include "card/fs/pins.h"
#include "card/usim_profile.h"

namespace uicc::card {

// An application listed in EF.DIR.
struct DirEntry {
  Bytes aid;
  std::string label;
};

struct Profile {
  std::string name;
  std::string iccid;  // 18 to 20 decimal digits, as printed on the card
  std::vector<PinSpec> pins;
  std::vector<DirEntry> applications;  // listed in EF.DIR after the USIM
  std::optional<UsimProfile> usim;
};

// The built-in profile of `uicc run`. Every value in it is a published test value, not a
// secret: ICCID 89001010000000000018, PIN1 0000 (disabled), PUK1 12345678,
// PIN2 0000, PUK2 12345678, universal PIN 0000 (disabled), ADM1 12345678, and the USIM of
// default_usim_profile().
Profile default_profile();

// Encodes an ICCID for EF.ICCID (ETSI TS 102 221 V17.1.0 §13.2): BCD with the digits of each
// byte swapped and F filling the last nibble. Throws std::invalid_argument naming the value
// if it is not 18 to 20 decimal digits.
Bytes encode_iccid(std::string_view iccid);

// Creates the MF with EF.DIR, EF.ICCID and EF.ARR, ADF.USIM when the profile has a USIM,
// and the PIN table. The store must be empty.
void install_profile(FileSystem& fs, PinTable& pins, const Profile& profile);

}  // namespace uicc::card
