#include "apdu/status_word.h"

#include <array>
#include <utility>

namespace uicc::apdu {

namespace {

struct Meaning {
  std::uint16_t value;
  const char* text;
};

// Exact values first; ranges with a parameter in SW2 are handled in describe().
constexpr std::array kMeanings{
    Meaning{0x9000, "normal ending of the command"},
    Meaning{0x6200, "warning: no information given, non-volatile memory unchanged"},
    Meaning{0x6281, "warning: part of returned data may be corrupted"},
    Meaning{0x6282, "warning: end of file or record reached before reading Le bytes"},
    Meaning{0x6283, "warning: selected file invalidated"},
    Meaning{0x6285, "warning: selected file in termination state"},
    Meaning{0x62F1, "warning: more data available"},
    Meaning{0x62F2, "warning: more data available and proactive command pending"},
    Meaning{0x62F3, "warning: response data available"},
    Meaning{0x6300, "warning: verification failed (authentication cryptogram or PIN)"},
    Meaning{0x6310, "more data available (GET STATUS paging)"},
    Meaning{0x63F1, "warning: more data expected"},
    Meaning{0x63F2, "warning: more data expected and proactive command pending"},
    Meaning{0x6400, "execution error: non-volatile memory unchanged"},
    Meaning{0x6500, "execution error: non-volatile memory changed"},
    Meaning{0x6581, "execution error: memory problem"},
    Meaning{0x6700, "wrong length"},
    Meaning{0x6800, "functions in CLA not supported"},
    Meaning{0x6881, "logical channel not supported"},
    Meaning{0x6882, "secure messaging not supported"},
    Meaning{0x6883, "last command of the chain expected"},
    Meaning{0x6884, "command chaining not supported"},
    Meaning{0x6900, "command not allowed"},
    Meaning{0x6981, "command incompatible with file structure"},
    Meaning{0x6982, "security status not satisfied"},
    Meaning{0x6983, "authentication or PIN method blocked"},
    Meaning{0x6984, "referenced data invalidated"},
    Meaning{0x6985, "conditions of use not satisfied"},
    Meaning{0x6986, "command not allowed (no EF selected)"},
    Meaning{0x6987, "expected secure messaging data objects missing"},
    Meaning{0x6988, "incorrect secure messaging data objects"},
    Meaning{0x6999, "applet selection failed"},
    Meaning{0x6A80, "incorrect parameters in the data field"},
    Meaning{0x6A81, "function not supported"},
    Meaning{0x6A82, "file or application not found"},
    Meaning{0x6A83, "record not found"},
    Meaning{0x6A84, "not enough memory space"},
    Meaning{0x6A85, "Lc inconsistent with TLV structure"},
    Meaning{0x6A86, "incorrect parameters P1-P2"},
    Meaning{0x6A87, "Lc inconsistent with P1-P2"},
    Meaning{0x6A88, "referenced data not found"},
    Meaning{0x6B00, "wrong parameters P1-P2"},
    Meaning{0x6D00, "instruction code not supported or invalid"},
    Meaning{0x6E00, "class not supported"},
    Meaning{0x6F00, "technical problem, no precise diagnosis"},
    Meaning{0x9300, "SIM Application Toolkit busy"},
    Meaning{0x9850, "INCREASE cannot be performed, maximum value reached"},
    Meaning{0x9862, "authentication error, incorrect MAC"},
    Meaning{0x9863, "security session or association expired"},
    Meaning{0x9864, "authentication error, security context not supported"},
    Meaning{0x9865, "key freshness failure"},
};

}  // namespace

std::string describe(StatusWord sw) {
  for (const auto& meaning : kMeanings) {
    if (meaning.value == sw.value) return meaning.text;
  }
  switch (sw.sw1()) {
    case 0x61:
      return fmt::format("{} response bytes available with GET RESPONSE", sw.sw2() == 0 ? 256 : sw.sw2());
    case 0x6C:
      return fmt::format("wrong Le, exact length is {}", sw.sw2() == 0 ? 256 : sw.sw2());
    case 0x91:
      return fmt::format("normal ending, proactive command of {} bytes pending", sw.sw2());
    case 0x92:
      return fmt::format("normal ending, data transfer session {}", sw.sw2());
    default:
      break;
  }
  if (auto retries = sw.retries_left()) {
    return fmt::format("verification failed, {} retries left", *retries);
  }
  if (sw.sw1() == 0x62 || sw.sw1() == 0x63) return "warning (unspecified)";
  if (sw.sw1() == 0x64 || sw.sw1() == 0x65 || sw.sw1() == 0x66) return "execution error (unspecified)";
  return "unknown status word";
}

}  // namespace uicc::apdu
