#include "tools/gp/commands.h"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "util/crypto.h"
#include "util/tlv.h"

namespace uicc::gp {

namespace {

constexpr std::uint8_t kClaGlobalPlatform = 0x80;

apdu::Command make(std::uint8_t ins, std::uint8_t p1, std::uint8_t p2, Bytes data, bool le) {
  apdu::Command command;
  command.cla = kClaGlobalPlatform;
  command.ins = ins;
  command.p1 = p1;
  command.p2 = p2;
  command.data = std::move(data);
  command.has_le = le;
  command.ne = le ? 256 : 0;
  return command;
}

void append_lv(Bytes& out, ByteView value) {
  if (value.size() > 0xFF)
    throw std::invalid_argument(fmt::format("field of {} bytes is too long", value.size()));
  out.push_back(static_cast<std::uint8_t>(value.size()));
  append(out, value);
}

// GPCS 2.3.1 §11.5.2.3.1: parameter and token lengths are BER-coded.
void append_ber_lv(Bytes& out, ByteView value) {
  tlv::append_length(out, value.size());
  append(out, value);
}

Bytes memory_value(std::uint32_t value) {
  Bytes out;
  // §11.5.2.3.7: two bytes up to 32767, four above.
  if (value <= 0x7FFF) {
    append_u16(out, static_cast<std::uint16_t>(value));
  } else {
    append_u32(out, value);
  }
  return out;
}

}  // namespace

apdu::Command select(ByteView aid) {
  apdu::Command command = make(0xA4, 0x04, 0x00, Bytes(aid.begin(), aid.end()), true);
  command.cla = 0x00;
  return command;
}

apdu::Command get_data(std::uint16_t tag) {
  return make(0xCA, static_cast<std::uint8_t>(tag >> 8), static_cast<std::uint8_t>(tag), {}, true);
}

apdu::Command get_status(std::uint8_t p1, bool next, ByteView aid_prefix) {
  Bytes data = tlv::encode(0x4F, aid_prefix);
  return make(0xF2, p1, static_cast<std::uint8_t>(0x02 | (next ? 0x01 : 0x00)), std::move(data),
              true);
}

Bytes load_parameters(std::optional<std::uint32_t> code, std::optional<std::uint32_t> data) {
  if (!code && !data) return {};
  Bytes system;
  if (code) tlv::append(system, 0xC6, memory_value(*code));
  if (data) tlv::append(system, 0xC8, memory_value(*data));
  return tlv::encode(0xEF, system);
}

Bytes install_parameters(ByteView application_parameters, ByteView system) {
  Bytes out = tlv::encode(0xC9, application_parameters);
  if (!system.empty()) tlv::append(out, 0xEF, system);
  return out;
}

apdu::Command install_for_load(ByteView load_file, ByteView security_domain, ByteView hash,
                               ByteView parameters, ByteView token) {
  Bytes data;
  append_lv(data, load_file);
  append_lv(data, security_domain);
  append_lv(data, hash);
  append_ber_lv(data, parameters);
  append_ber_lv(data, token);
  return make(0xE6, 0x02, 0x00, std::move(data), true);
}

apdu::Command install_for_install(ByteView load_file, ByteView module, ByteView instance,
                                  ByteView privileges, ByteView parameters, ByteView token,
                                  bool make_selectable) {
  Bytes data;
  append_lv(data, load_file);
  append_lv(data, module);
  append_lv(data, instance);
  append_lv(data, privileges);
  append_ber_lv(data, parameters);
  append_ber_lv(data, token);
  return make(0xE6, make_selectable ? 0x0C : 0x04, 0x00, std::move(data), true);
}

apdu::Command install_for_make_selectable(ByteView instance, ByteView privileges,
                                          ByteView parameters, ByteView token) {
  Bytes data{0x00, 0x00};
  append_lv(data, instance);
  append_lv(data, privileges);
  append_ber_lv(data, parameters);
  append_ber_lv(data, token);
  return make(0xE6, 0x08, 0x00, std::move(data), true);
}

apdu::Command install_for_personalization(ByteView instance) {
  Bytes data{0x00, 0x00};
  append_lv(data, instance);
  append(data, Bytes{0x00, 0x00, 0x00});
  return make(0xE6, 0x20, 0x00, std::move(data), true);
}

apdu::Command install_for_extradition(ByteView security_domain, ByteView subject,
                                      ByteView parameters, ByteView token) {
  Bytes data;
  append_lv(data, security_domain);
  data.push_back(0x00);
  append_lv(data, subject);
  data.push_back(0x00);
  append_ber_lv(data, parameters);
  append_ber_lv(data, token);
  return make(0xE6, 0x10, 0x00, std::move(data), true);
}

apdu::Command install_for_registry_update(ByteView security_domain, ByteView application,
                                          ByteView privileges, ByteView parameters,
                                          ByteView token) {
  Bytes data;
  append_lv(data, security_domain);
  data.push_back(0x00);
  append_lv(data, application);
  append_lv(data, privileges);
  append_ber_lv(data, parameters);
  append_ber_lv(data, token);
  return make(0xE6, 0x40, 0x00, std::move(data), true);
}

std::vector<apdu::Command> load(ByteView load_file_data_block, std::size_t block_size,
                                ByteView dap_blocks) {
  if (block_size == 0) throw std::invalid_argument("LOAD block size must not be zero");
  Bytes file(dap_blocks.begin(), dap_blocks.end());
  tlv::append(file, 0xC4, load_file_data_block);
  std::size_t count = (file.size() + block_size - 1) / block_size;
  if (count > 256) {
    throw std::invalid_argument(
        fmt::format("a load file of {} bytes needs {} LOAD blocks of {} bytes: "
                    "at most 256 are possible",
                    file.size(), count, block_size));
  }
  std::vector<apdu::Command> commands;
  for (std::size_t i = 0; i < count; ++i) {
    std::size_t start = i * block_size;
    std::size_t end = std::min(file.size(), start + block_size);
    bool last = i + 1 == count;
    commands.push_back(
        make(0xE8, last ? 0x80 : 0x00, static_cast<std::uint8_t>(i),
             Bytes(file.begin() + static_cast<long>(start), file.begin() + static_cast<long>(end)),
             true));
  }
  return commands;
}

Bytes dap_block(ByteView security_domain, ByteView signature) {
  Bytes content = tlv::encode(0x4F, security_domain);
  tlv::append(content, 0xC3, signature);
  return tlv::encode(0xE2, content);
}

apdu::Command delete_object(ByteView aid, bool related, ByteView token) {
  Bytes data = tlv::encode(0x4F, aid);
  if (!token.empty()) tlv::append(data, 0x9E, token);
  return make(0xE4, 0x00, related ? 0x80 : 0x00, std::move(data), true);
}

apdu::Command delete_keys(std::optional<std::uint8_t> id, std::optional<std::uint8_t> version) {
  Bytes data;
  if (id) tlv::append(data, 0xD0, Bytes{*id});
  if (version) tlv::append(data, 0xD2, Bytes{*version});
  return make(0xE4, 0x00, 0x00, std::move(data), true);
}

apdu::Command set_status(std::uint8_t status_type, std::uint8_t state, ByteView aid) {
  return make(0xF0, status_type, state, Bytes(aid.begin(), aid.end()), false);
}

std::vector<apdu::Command> store_data(ByteView data, std::uint8_t structure, std::size_t block_size,
                                      bool case4) {
  if (block_size == 0) throw std::invalid_argument("STORE DATA block size must not be zero");
  std::size_t count = std::max<std::size_t>(1, (data.size() + block_size - 1) / block_size);
  if (count > 256) throw std::invalid_argument("STORE DATA needs more than 256 blocks");
  std::vector<apdu::Command> commands;
  for (std::size_t i = 0; i < count; ++i) {
    std::size_t start = std::min(data.size(), i * block_size);
    std::size_t end = std::min(data.size(), start + block_size);
    bool last = i + 1 == count;
    auto p1 = static_cast<std::uint8_t>((last ? 0x80 : 0x00) | structure | (case4 ? 0x01 : 0x00));
    commands.push_back(
        make(0xE2, p1, static_cast<std::uint8_t>(i),
             Bytes(data.begin() + static_cast<long>(start), data.begin() + static_cast<long>(end)),
             case4));
  }
  return commands;
}

apdu::Command put_key(std::uint8_t replaced_version, std::uint8_t new_version,
                      std::uint8_t first_id, const std::vector<PutKeyComponent>& keys,
                      const sd::scp::Session& session) {
  Bytes data{new_version};
  std::size_t block = session.protocol() == sd::scp::Protocol::scp02 ? 8 : 16;
  for (const PutKeyComponent& key : keys) {
    // Table 11-70: the clear length, then the padded and encrypted value.
    Bytes clear(key.value.view().begin(), key.value.view().end());
    Bytes padded = clear;
    padded.resize((clear.size() + block - 1) / block * block, 0x00);
    Bytes encrypted = session.encrypt_sensitive_data(padded);
    Bytes component_block;
    component_block.push_back(static_cast<std::uint8_t>(clear.size()));
    append(component_block, encrypted);
    data.push_back(key.type);
    tlv::append_length(data, component_block.size());
    append(data, component_block);
    Bytes check;
    if (key.type == 0x80) {
      check = crypto::des_ecb_encrypt(key.value, Bytes(8, 0x00));
    } else if (key.type == 0x88) {
      check = crypto::aes_ecb_encrypt(key.value, Bytes(16, 0x01));
    }
    check.resize(std::min<std::size_t>(check.size(), 3));
    data.push_back(static_cast<std::uint8_t>(check.size()));
    append(data, check);
    std::fill(clear.begin(), clear.end(), 0);
    std::fill(padded.begin(), padded.end(), 0);
  }
  auto p2 = static_cast<std::uint8_t>((keys.size() > 1 ? 0x80 : 0x00) | first_id);
  return make(0xD8, replaced_version, p2, std::move(data), true);
}

apdu::Command put_public_key(std::uint8_t replaced_version, std::uint8_t new_version,
                             std::uint8_t id,
                             const std::vector<std::pair<std::uint8_t, Bytes>>& components) {
  Bytes data{new_version};
  for (const auto& [type, value] : components) {
    data.push_back(type);
    tlv::append_length(data, value.size());
    append(data, value);
  }
  data.push_back(0x00);  // no key check value for public keys (§11.8.2.3.5 and §11.8.2.3.6)
  return make(0xD8, replaced_version, id, std::move(data), true);
}

}  // namespace uicc::gp
