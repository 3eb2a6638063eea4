// Card profiles: the identity, credentials and files a card image is created with.
#pragma once

#include <optional>
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

// A file of the profile's `[[files]]` list: new content for an existing EF, or a new DF or EF.
struct ProfileFile {
  static constexpr std::uint16_t kUsimAdf = 0x7FFF;  // path step for ADF.USIM

  std::string path;                  // as written, for error messages
  std::vector<std::uint16_t> steps;  // FIDs from the MF; kUsimAdf stands for ADF.USIM
  // Set when the entry creates the file. Its FID is steps.back(); content and security come
  // from the fields below.
  std::optional<FileSpec> create;
  std::uint8_t arr_record = 1;           // record of the directory's EF.ARR for a new file
  std::optional<std::uint16_t> arr_fid;  // default: 6F06 under ADF.USIM, 2F06 elsewhere
  std::optional<Bytes> content;          // transparent or BER-TLV content, FF-padded to the size
  std::optional<std::vector<Bytes>> records;  // record EF: records from 1, each FF-padded
};

struct Profile {
  std::string name;
  std::string iccid;  // 18 to 20 decimal digits, as printed on the card
  std::vector<PinSpec> pins;
  std::vector<DirEntry> applications;  // listed in EF.DIR after the USIM
  std::optional<UsimProfile> usim;
  std::vector<ProfileFile> files;  // applied in order, after the built-in files
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
// the profile's own files, and the PIN table. The store must be empty. Throws
// std::invalid_argument naming the file and the problem.
void install_profile(FileSystem& fs, PinTable& pins, const Profile& profile);

}  // namespace uicc::card
