// Signatures of secure card content management (GlobalPlatform Card Specification 2.3.1
// Appendix C): delegated management tokens, receipts with confirmation data, and Load File
// Data Block signatures (DAP), with the algorithm that the key's type and length select
// (Table C-1).
#pragma once

#include <cstdint>
#include <optional>

#include "security_domains/registry.h"

namespace uicc::sd {

class CardManager;

namespace authorization {

// Conventional key version numbers of token, receipt and DAP keys, used when a key was loaded
// without a key usage qualifier (GlobalPlatform Card Specification 2.3.1 §11.1.9 usages 81, 44
// and 84 take precedence).
inline constexpr std::uint8_t kTokenKeyVersion = 0x70;
inline constexpr std::uint8_t kReceiptKeyVersion = 0x71;
inline constexpr std::uint8_t kDapKeyVersion = 0x73;

// Verifies a signature made with `key` over `data`. The key selects the algorithm: a retail MAC
// (§B.1.2.2) for DES, the full 16-byte CMAC for AES, RSASSA-PKCS1-v1_5 with SHA-1 for 1024-bit
// RSA and RSASSA-PSS with SHA-256 above, ECDSA with the curve's hash for EC.
bool verify(const Key& key, ByteView data, ByteView signature);
// Signs `data` with a symmetric key or a private RSA or EC key. Returns nullopt if the key
// cannot sign.
std::optional<Bytes> sign(const Key& key, ByteView data);

// §C.4: the data a token signs: P1, P2, the length of the data fields without the token (one
// byte up to 255, else three bytes 00 01 00 to 00 FF FF), and those data fields.
Bytes token_data(std::uint8_t p1, std::uint8_t p2, ByteView fields);

// Verifies a delegated management token with the key of the security domain that has the
// Token Verification privilege. Returns false if there is no such domain or key.
bool verify_token(const Registry& registry, ByteView data, ByteView token);

// §C.3: verifies a DAP block of `domain` over the Load File Data Block Hash.
bool verify_dap(const DomainData& domain, ByteView hash, ByteView signature);

// §11.1.6 and §C.5: the confirmation a delegated management command returns, with a receipt
// over the confirmation data and `operation_fields`, made by the Receipt Generation domain.
// Advances that domain's confirmation counter (which stops at 7FFF). Returns the response data:
// the confirmation's length, then the confirmation. Returns 00 (no confirmation) when no
// domain can generate receipts.
Bytes confirmation(Registry& registry, ByteView operation_fields, ByteView token_identifier);

}  // namespace authorization
}  // namespace uicc::sd
