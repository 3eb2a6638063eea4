// Status words of ISO/IEC 7816-4:2020 §5.6, ETSI TS 102 221 V17.1.0 §10.2 and GlobalPlatform
// Card Specification 2.3.1 §11.1.3, as a type with named values and range predicates.
#pragma once

#include <cstdint>
#include <exception>
#include <optional>
#include <string>

#include <fmt/format.h>

namespace uicc::apdu {

struct StatusWord {
  std::uint16_t value = 0x9000;

  constexpr StatusWord() = default;
  constexpr explicit StatusWord(std::uint16_t v) : value(v) {}
  constexpr StatusWord(std::uint8_t sw1, std::uint8_t sw2)
      : value(static_cast<std::uint16_t>((sw1 << 8) | sw2)) {}

  constexpr std::uint8_t sw1() const { return static_cast<std::uint8_t>(value >> 8); }
  constexpr std::uint8_t sw2() const { return static_cast<std::uint8_t>(value); }

  // 9000, or 91XX / 92XX, which TS 102 221 §10.2.1.1 counts as normal ending with extra information.
  constexpr bool is_success() const { return sw1() == 0x90 || sw1() == 0x91 || sw1() == 0x92; }
  // 62XX and 63XX: the command completed with a warning.
  constexpr bool is_warning() const { return sw1() == 0x62 || sw1() == 0x63; }
  // 61XX: XX more response bytes can be fetched with GET RESPONSE (XX = 00 means 256).
  constexpr bool is_more_data() const { return sw1() == 0x61; }
  // 6CXX: wrong Le, XX is the exact length (XX = 00 means 256).
  constexpr bool is_wrong_le() const { return sw1() == 0x6C; }
  // 63CX: verification failed, X retries left.
  constexpr std::optional<int> retries_left() const {
    if ((value & 0xFFF0) != 0x63C0) return std::nullopt;
    return value & 0x0F;
  }

  friend constexpr bool operator==(StatusWord, StatusWord) = default;
};

namespace sw {
// ISO/IEC 7816-4:2020 Table 5 and following; ETSI TS 102 221 §10.2.1.
inline constexpr StatusWord ok{0x9000};
inline constexpr StatusWord no_information{0x6200};
inline constexpr StatusWord data_may_be_corrupted{0x6281};
inline constexpr StatusWord end_of_file{0x6282};
inline constexpr StatusWord file_invalidated{0x6283};
inline constexpr StatusWord verification_failed{0x6300};
inline constexpr StatusWord more_data_available{0x6310};  // GlobalPlatform GET STATUS paging
// ETSI TS 102 221 §10.2.1.2: RETRIEVE DATA and SET DATA transfers in several blocks.
inline constexpr StatusWord more_blocks_available{0x62F1};
inline constexpr StatusWord more_blocks_expected{0x63F1};
inline constexpr StatusWord execution_error{0x6400};
inline constexpr StatusWord memory_failure{0x6581};
inline constexpr StatusWord wrong_length{0x6700};
inline constexpr StatusWord logical_channel_not_supported{0x6881};
inline constexpr StatusWord secure_messaging_not_supported{0x6882};
inline constexpr StatusWord last_command_of_chain_expected{0x6883};
inline constexpr StatusWord command_chaining_not_supported{0x6884};
inline constexpr StatusWord command_not_allowed{0x6900};
inline constexpr StatusWord incompatible_file_structure{0x6981};
inline constexpr StatusWord security_status_not_satisfied{0x6982};
inline constexpr StatusWord authentication_method_blocked{0x6983};
inline constexpr StatusWord reference_data_invalidated{0x6984};
inline constexpr StatusWord conditions_not_satisfied{0x6985};
inline constexpr StatusWord command_not_allowed_no_ef{0x6986};
inline constexpr StatusWord secure_messaging_data_missing{0x6987};
inline constexpr StatusWord secure_messaging_data_incorrect{0x6988};
inline constexpr StatusWord applet_selection_failed{0x6999};  // Java Card 3.0.5 RE §4.6
inline constexpr StatusWord wrong_data{0x6A80};
inline constexpr StatusWord function_not_supported{0x6A81};
inline constexpr StatusWord file_not_found{0x6A82};
inline constexpr StatusWord record_not_found{0x6A83};
inline constexpr StatusWord not_enough_memory{0x6A84};
inline constexpr StatusWord lc_inconsistent_with_tlv{0x6A85};
inline constexpr StatusWord incorrect_p1_p2{0x6A86};
inline constexpr StatusWord lc_inconsistent_with_p1_p2{0x6A87};
inline constexpr StatusWord reference_data_not_found{0x6A88};
inline constexpr StatusWord wrong_p1_p2{0x6B00};
inline constexpr StatusWord ins_not_supported{0x6D00};
inline constexpr StatusWord cla_not_supported{0x6E00};
inline constexpr StatusWord technical_problem{0x6F00};
// ETSI TS 102 221 §10.2.1.5: application errors.
inline constexpr StatusWord increase_at_maximum{0x9850};
inline constexpr StatusWord authentication_error_wrong_mac{0x9862};

constexpr StatusWord more_data(std::size_t available) {
  return StatusWord(0x61, static_cast<std::uint8_t>(available >= 256 ? 0 : available));
}
constexpr StatusWord wrong_le(std::size_t exact) {
  return StatusWord(0x6C, static_cast<std::uint8_t>(exact >= 256 ? 0 : exact));
}
constexpr StatusWord pin_retries(int retries) {
  return StatusWord(static_cast<std::uint16_t>(0x63C0 | (retries & 0x0F)));
}
}  // namespace sw

// Returns the standard meaning of a status word, e.g. "security status not satisfied".
std::string describe(StatusWord sw);

// The error of APDU processing: thrown by command handlers, caught once by the dispatcher,
// which sends its status word.
class StatusError : public std::exception {
 public:
  explicit StatusError(StatusWord sw) : sw_(sw) {}
  StatusWord status() const { return sw_; }
  const char* what() const noexcept override { return "APDU processing ended with a status word"; }

 private:
  StatusWord sw_;
};

[[noreturn]] inline void fail(StatusWord sw) { throw StatusError(sw); }

}  // namespace uicc::apdu

template <>
struct fmt::formatter<uicc::apdu::StatusWord> : fmt::formatter<std::string_view> {
  template <typename Context>
  auto format(uicc::apdu::StatusWord sw, Context& context) const {
    return fmt::format_to(context.out(), "{:04X}", sw.value);
  }
};
