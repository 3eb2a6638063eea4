// GlobalPlatform card content management commands as an off-card entity builds them
// (GlobalPlatform Card Specification 2.3.1 §11): the APDUs of `uicc gp`, before the secure
// channel protects them.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "apdu/command.h"
#include "security_domains/scp/session.h"
#include "util/bytes.h"
#include "util/secret.h"

namespace uicc::gp {

// SELECT by AID (ISO/IEC 7816-4 §11.1.1), first occurrence, FCI requested.
apdu::Command select(ByteView aid);

// GET DATA with a GlobalPlatform class byte: the whole TLV comes back.
apdu::Command get_data(std::uint16_t tag);

// GET STATUS with the TLV response format. `p1` is 80, 40, 20 or 10 (Table 11-33).
apdu::Command get_status(std::uint8_t p1, bool next, ByteView aid_prefix = {});

// The Load Parameters field of INSTALL [for load] (Table 11-48) with the given memory
// requirements; empty when none is given.
Bytes load_parameters(std::optional<std::uint32_t> code, std::optional<std::uint32_t> data);

// The Install Parameters field (Table 11-49): C9 with `application_parameters`, then EF with
// the system parameters in `system` (already TLV-coded), if any.
Bytes install_parameters(ByteView application_parameters, ByteView system = {});

apdu::Command install_for_load(ByteView load_file, ByteView security_domain, ByteView hash,
                               ByteView parameters = {}, ByteView token = {});
apdu::Command install_for_install(ByteView load_file, ByteView module, ByteView instance,
                                  ByteView privileges, ByteView parameters, ByteView token = {},
                                  bool make_selectable = true);
apdu::Command install_for_make_selectable(ByteView instance, ByteView privileges,
                                          ByteView parameters = {}, ByteView token = {});
apdu::Command install_for_personalization(ByteView instance);
apdu::Command install_for_extradition(ByteView security_domain, ByteView subject,
                                      ByteView parameters = {}, ByteView token = {});
apdu::Command install_for_registry_update(ByteView security_domain, ByteView application,
                                          ByteView privileges, ByteView parameters = {},
                                          ByteView token = {});

// The Load File of Table 11-58: DAP blocks (already coded E2 objects), then C4 with the Load
// File Data Block, cut into LOAD commands of at most `block_size` data bytes.
std::vector<apdu::Command> load(ByteView load_file_data_block, std::size_t block_size,
                                ByteView dap_blocks = {});
// A DAP block: E2 { 4F domain AID, C3 signature }.
Bytes dap_block(ByteView security_domain, ByteView signature);

apdu::Command delete_object(ByteView aid, bool related, ByteView token = {});
apdu::Command delete_keys(std::optional<std::uint8_t> id, std::optional<std::uint8_t> version);

apdu::Command set_status(std::uint8_t status_type, std::uint8_t state, ByteView aid = {});

// STORE DATA blocks of at most `block_size` bytes, numbered from 00, the last one marked.
// `structure` is P1 b5..b4 (00, 08 DGI or 10 BER-TLV); `case4` requests response data.
std::vector<apdu::Command> store_data(ByteView data, std::uint8_t structure, std::size_t block_size,
                                      bool case4 = false);

// A key for PUT KEY: its type (GPCS 2.3.1 Table 11-16) and clear value.
struct PutKeyComponent {
  std::uint8_t type = 0;
  SecretBytes value;
};

// PUT KEY replacing key set `replaced_version` (0 adds one) with keys of `new_version` numbered
// from `first_id`. Secret components are encrypted with the session's data encryption key, each
// with its key check value (GPCS 2.3.1 §11.8 and §B.6).
apdu::Command put_key(std::uint8_t replaced_version, std::uint8_t new_version,
                      std::uint8_t first_id, const std::vector<PutKeyComponent>& keys,
                      const sd::scp::Session& session);
// PUT KEY of a public key (RSA: modulus A1 and exponent A0; EC: point B0 and curve reference F0),
// sent in clear and without key check value.
apdu::Command put_public_key(std::uint8_t replaced_version, std::uint8_t new_version,
                             std::uint8_t id,
                             const std::vector<std::pair<std::uint8_t, Bytes>>& components);

}  // namespace uicc::gp
