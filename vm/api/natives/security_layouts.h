// Instance layouts of the key, crypto and KeyPair classes (see layouts.h for the others).
#pragma once

#include <cstdint>

namespace uicc::api::layout {

// Key implementations: up to six component arrays, each a byte[] with a 2-byte length and then
// the value (transient arrays for the *_TRANSIENT_* types). Then the state array, a byte[2]
// with the bit mask of the components set, and the KeyBuilder type, the size in bits and the
// EC cofactor.
inline constexpr std::uint16_t kKeyComponentWord = 0;
inline constexpr std::uint16_t kKeyStateWord = 6;
inline constexpr std::uint16_t kKeyTypeWord = 7;
inline constexpr std::uint16_t kKeySizeWord = 8;
inline constexpr std::uint16_t kKeyCofactorWord = 9;
inline constexpr std::uint16_t kKeyWords = 10;
inline constexpr std::uint16_t kKeyReferenceWords = 7;

// Component slots of EC keys: the prime, A, B, G, R, then W (public) or S (private). The
// cofactor K has its own bit in the mask.
inline constexpr std::size_t kEcField = 0;
inline constexpr std::size_t kEcA = 1;
inline constexpr std::size_t kEcB = 2;
inline constexpr std::size_t kEcG = 3;
inline constexpr std::size_t kEcR = 4;
inline constexpr std::size_t kEcWS = 5;
inline constexpr std::uint32_t kEcKBit = 1u << 6;

// Cipher, AEADCipher, Signature, MessageDigest, RandomData, KeyAgreement and Checksum
// implementations: the key and the IV of the last init(), then the algorithm identifiers
// (packed bytes), the mode of the last init() (0: not initialized) and a random identity that
// ties the object to its entry in the engine cache.
inline constexpr std::uint16_t kCryptoKeyWord = 0;
inline constexpr std::uint16_t kCryptoIvWord = 1;
inline constexpr std::uint16_t kCryptoAlgorithmWord = 2;
inline constexpr std::uint16_t kCryptoModeWord = 3;
inline constexpr std::uint16_t kCryptoIdentityWord = 4;
inline constexpr std::uint16_t kCryptoWords = 5;
inline constexpr std::uint16_t kCryptoReferenceWords = 2;

// KeyPair: the public and the private key.
inline constexpr std::uint16_t kPairPublicWord = 0;
inline constexpr std::uint16_t kPairPrivateWord = 1;
inline constexpr std::uint16_t kPairWords = 2;
inline constexpr std::uint16_t kPairReferenceWords = 2;

}  // namespace uicc::api::layout
