#include "card/profile.h"

#include <stdexcept>

#include <fmt/format.h>

#include "card/fs/data_objects.h"
#include "util/tlv.h"

namespace uicc::card {

namespace {

// Access rules of EF.ARR under the MF (ETSI TS 102 221 V17.1.0 §9.2.x, ISO/IEC 7816-4
// §7.4.3): each record lists access mode DOs (tag 80) followed by the security condition
// that grants them (90 00 always, 97 00 never, A4 = verification of a key reference).
Bytes adm_condition() {
  return from_hex("A40683010A950108");
}

Bytes arr_record(std::initializer_list<std::pair<std::uint8_t, Bytes>> rules) {
  Bytes record;
  for (const auto& [mode, condition] : rules) {
    tlv::append(record, 0x80, Bytes{mode});
    append(record, condition);
  }
  return record;
}

SecurityAttributes arr_reference(std::uint16_t arr_fid, std::uint8_t record) {
  return SecurityAttributes{
      SecurityAttributes::Form::referenced,
      Bytes{static_cast<std::uint8_t>(arr_fid >> 8), static_cast<std::uint8_t>(arr_fid), record}};
}

// An EF.DIR record (ETSI TS 102 221 §13.1): application template 61 with the AID (4F) and a
// label (50), padded with FF to the record length.
Bytes dir_record(ByteView aid, std::string_view label, std::size_t length) {
  Bytes body;
  tlv::append(body, 0x4F, aid);
  tlv::append(body, 0x50, Bytes(label.begin(), label.end()));
  Bytes record = tlv::encode(0x61, body);
  record.resize(length, 0xFF);
  return record;
}

// The file that `steps` leads to from the MF, or nullopt if the last step is missing. A
// missing directory before the last step is an error.
std::optional<Handle> find_path(const FileSystem& fs, const ProfileFile& file,
                                const Bytes* usim_aid) {
  Handle node = fs.mf();
  for (std::size_t i = 0; i < file.steps.size(); ++i) {
    std::uint16_t step = file.steps[i];
    std::optional<Handle> next;
    if (step == ProfileFile::kUsimAdf) {
      if (usim_aid == nullptr) throw std::invalid_argument("ADF.USIM: the profile has no [usim]");
      for (Handle adf : fs.adfs()) {
        if (fs.info(adf).aid == *usim_aid) next = adf;
      }
    } else {
      next = fs.child_by_fid(node, step);
    }
    if (!next) {
      if (i + 1 == file.steps.size()) return std::nullopt;
      throw std::invalid_argument(fmt::format("directory {:04X} not found", step));
    }
    if (i + 1 < file.steps.size() && !fs.info(*next).is_df()) {
      throw std::invalid_argument(fmt::format("{:04X} is an EF, not a directory", step));
    }
    node = *next;
  }
  return node;
}

// Builds the content of a profile file entry for an EF with this structure and layout.
Bytes file_content(const ProfileFile& file, EfStructure structure, std::size_t size,
                   std::size_t record_length, std::size_t record_count) {
  bool record_ef = structure == EfStructure::linear_fixed || structure == EfStructure::cyclic;
  if (record_ef && file.content)
    throw std::invalid_argument("a record EF takes records, not content");
  if (!record_ef && file.records) throw std::invalid_argument("only a record EF takes records");
  Bytes content;
  if (file.records) {
    if (file.records->size() > record_count) {
      throw std::invalid_argument(
          fmt::format("{} records given, the file has {}", file.records->size(), record_count));
    }
    for (std::size_t i = 0; i < file.records->size(); ++i) {
      const Bytes& record = (*file.records)[i];
      if (record.size() > record_length) {
        throw std::invalid_argument(fmt::format("record {} has {} bytes, the record length is {}",
                                                i + 1, record.size(), record_length));
      }
      append(content, record);
      content.resize((i + 1) * record_length, 0xFF);
    }
    content.resize(record_length * record_count, 0xFF);
    return content;
  }
  if (file.content) {
    if (file.content->size() > size) {
      throw std::invalid_argument(
          fmt::format("content of {} bytes exceeds the file size {}", file.content->size(), size));
    }
    content = *file.content;
  }
  content.resize(size, 0xFF);
  if (structure == EfStructure::ber_tlv && !stored_objects(content)) {
    throw std::invalid_argument(
        "the content of a BER-TLV EF must be DER objects with distinct tags other than 5C, then FF "
        "padding");
  }
  return content;
}

void install_file(FileSystem& fs, const ProfileFile& file, const Bytes* usim_aid) {
  std::optional<Handle> existing = find_path(fs, file, usim_aid);
  if (!file.create) {
    if (!existing) throw std::invalid_argument("file not found; give its structure to create it");
    FileInfo info = fs.info(*existing);
    if (info.is_df()) throw std::invalid_argument("a directory has no content");
    Bytes content =
        file_content(file, info.structure, info.size, info.record_length, info.record_count);
    store::atomically(fs.store(), [&] {
      if (!content.empty()) fs.write_content(*existing, 0, content);
      if (info.structure == EfStructure::cyclic) fs.set_cyclic_current(*existing, 0);
    });
    return;
  }
  if (existing)
    throw std::invalid_argument("the file exists already; give only content or records");
  if (file.steps.back() == ProfileFile::kUsimAdf)
    throw std::invalid_argument("ADF.USIM comes from [usim]");

  ProfileFile parent_path = file;
  parent_path.steps.pop_back();
  Handle parent = *find_path(fs, parent_path, usim_aid);
  bool under_usim = file.steps.front() == ProfileFile::kUsimAdf;
  std::uint16_t arr_fid = file.arr_fid.value_or(under_usim ? 0x6F06 : 0x2F06);

  // The access rule must exist where the file's security attributes will find it: in the
  // EF.ARR of the parent or of a directory above it (ETSI TS 102 221 V17.1.0 §9.2).
  std::optional<FileInfo> arr;
  for (Handle df = parent; df != store::kNull && !arr; df = fs.info(df).parent) {
    if (auto found = fs.child_by_fid(df, arr_fid)) arr = fs.info(*found);
  }
  if (!arr || !arr->is_record_ef()) {
    throw std::invalid_argument(fmt::format("no EF.ARR {:04X} above the file", arr_fid));
  }
  if (file.arr_record == 0 || file.arr_record > arr->record_count) {
    throw std::invalid_argument(fmt::format("arr_record {} is outside 1..{} of EF.ARR {:04X}",
                                            file.arr_record, arr->record_count, arr_fid));
  }

  FileSpec spec = *file.create;
  spec.security = arr_reference(arr_fid, file.arr_record);
  if (spec.type == FileType::ef) {
    spec.content =
        file_content(file, spec.structure, spec.size, spec.record_length, spec.record_count);
  }
  fs.create(parent, spec);
}

}  // namespace

Profile default_profile() {
  Profile p;
  p.name = "default test profile";
  p.iccid = "89001010000000000018";
  p.pins.push_back(
      PinSpec{key_reference::pin_appl_1, format_pin("0000"), 3, false, format_pin("12345678"), 10});
  p.pins.push_back(PinSpec{key_reference::second_pin_appl_1, format_pin("0000"), 3, true,
                           format_pin("12345678"), 10});
  p.pins.push_back(PinSpec{key_reference::universal_pin, format_pin("0000"), 3, false,
                           format_pin("12345678"), 10});
  p.pins.push_back(PinSpec{key_reference::adm1, format_pin("12345678"), 10, true, {}, 0});
  p.usim = default_usim_profile();
  return p;
}

Bytes encode_iccid(std::string_view iccid) {
  if (iccid.size() < 18 || iccid.size() > 20 ||
      iccid.find_first_not_of("0123456789") != std::string_view::npos) {
    throw std::invalid_argument("ICCID '" + std::string(iccid) +
                                "' must be 18 to 20 decimal digits");
  }
  Bytes encoded(10, 0xFF);
  for (std::size_t i = 0; i < iccid.size(); ++i) {
    std::uint8_t digit = static_cast<std::uint8_t>(iccid[i] - '0');
    std::uint8_t& byte = encoded[i / 2];
    byte = (i % 2 == 0) ? static_cast<std::uint8_t>((byte & 0xF0) | digit)
                        : static_cast<std::uint8_t>((byte & 0x0F) | (digit << 4));
  }
  return encoded;
}

void install_profile(FileSystem& fs, PinTable& pins, const Profile& profile) {
  Bytes iccid = encode_iccid(profile.iccid);
  pins.install(profile.pins);

  FileSpec mf;
  mf.type = FileType::mf;
  mf.fid = 0x3F00;
  mf.security = arr_reference(0x2F06, 1);
  mf.pin_references = {key_reference::universal_pin, key_reference::adm1};
  Handle root = fs.create_mf(mf);

  // EF.ARR records: 1 read always, update and (de)activate ADM; 2 read always, update never,
  // (de)activate ADM; 3 read and update PIN1, (de)activate ADM.
  FileSpec arr;
  arr.structure = EfStructure::linear_fixed;
  arr.fid = 0x2F06;
  arr.sfi = 0x06;
  arr.record_length = 0x20;
  arr.record_count = 4;
  arr.security = arr_reference(0x2F06, 2);
  Bytes pin1_condition = from_hex("A406830101950108");
  for (auto record :
       {arr_record({{0x01, from_hex("9000")}, {0x1A, adm_condition()}}),
        arr_record({{0x01, from_hex("9000")}, {0x02, from_hex("9700")}, {0x18, adm_condition()}}),
        arr_record({{0x03, pin1_condition}, {0x18, adm_condition()}}),
        arr_record({{0x01, from_hex("9000")}, {0x02, adm_condition()}})}) {
    record.resize(arr.record_length, 0xFF);
    append(arr.content, record);
  }
  fs.create(root, arr);

  FileSpec dir;
  dir.structure = EfStructure::linear_fixed;
  dir.fid = 0x2F00;
  dir.sfi = 0x1E;
  dir.record_length = 0x20;
  dir.record_count = 4;
  dir.security = arr_reference(0x2F06, 1);
  std::vector<DirEntry> listed;
  if (profile.usim) listed.push_back(DirEntry{profile.usim->aid, "USIM"});
  listed.insert(listed.end(), profile.applications.begin(), profile.applications.end());
  for (const auto& application : listed) {
    append(dir.content, dir_record(application.aid, application.label, dir.record_length));
  }
  fs.create(root, dir);

  FileSpec ef_iccid;
  ef_iccid.structure = EfStructure::transparent;
  ef_iccid.fid = 0x2FE2;
  ef_iccid.sfi = 0x02;
  ef_iccid.size = 10;
  ef_iccid.security = arr_reference(0x2F06, 2);
  ef_iccid.content = iccid;
  fs.create(root, ef_iccid);

  if (profile.usim) install_usim_files(fs, root, *profile.usim);

  const Bytes* usim_aid = profile.usim ? &profile.usim->aid : nullptr;
  for (std::size_t i = 0; i < profile.files.size(); ++i) {
    const ProfileFile& file = profile.files[i];
    try {
      install_file(fs, file, usim_aid);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(fmt::format("files[{}] ({}): {}", i, file.path, e.what()));
    }
  }
}

}  // namespace uicc::card
