#include "apdu/command.h"

namespace uicc::apdu {

ApduCase Command::apdu_case() const {
  if (data.empty()) return has_le ? ApduCase::case2 : ApduCase::case1;
  return has_le ? ApduCase::case4 : ApduCase::case3;
}

Bytes Command::encode() const {
  Bytes out{cla, ins, p1, p2};
  bool use_extended = extended || data.size() > kMaxShortData || ne > kMaxShortResponse;
  if (!use_extended) {
    if (!data.empty()) {
      out.push_back(static_cast<std::uint8_t>(data.size()));
      append(out, data);
    }
    if (has_le) out.push_back(static_cast<std::uint8_t>(ne == 256 ? 0 : ne));
    return out;
  }
  // ISO/IEC 7816-4:2020 §5.1: an extended body starts with 00; Le then has two bytes when
  // Lc is present and three (00 + two) when it is not.
  out.push_back(0x00);
  if (!data.empty()) {
    append_u16(out, static_cast<std::uint16_t>(data.size()));
    append(out, data);
  }
  if (has_le) append_u16(out, static_cast<std::uint16_t>(ne == 65536 ? 0 : ne));
  return out;
}

std::variant<Command, StatusWord> parse_command(ByteView bytes) {
  if (bytes.size() < 4) return sw::wrong_length;

  Command command;
  command.cla = bytes[0];
  command.ins = bytes[1];
  command.p1 = bytes[2];
  command.p2 = bytes[3];
  ByteView body = bytes.subspan(4);

  // Case 1: header only.
  if (body.empty()) return command;

  // Case 2S: a single Le byte.
  if (body.size() == 1) {
    command.has_le = true;
    command.ne = body[0] == 0 ? 256 : body[0];
    return command;
  }

  // Short cases 3S and 4S: Lc is a non-zero first byte.
  if (body[0] != 0) {
    std::size_t lc = body[0];
    if (body.size() == 1 + lc) {
      command.data.assign(body.begin() + 1, body.end());
      return command;
    }
    if (body.size() == 2 + lc) {
      command.data.assign(body.begin() + 1, body.begin() + 1 + static_cast<std::ptrdiff_t>(lc));
      command.has_le = true;
      command.ne = body.back() == 0 ? 256 : body.back();
      return command;
    }
    return sw::wrong_length;
  }

  // Extended forms start with 00 followed by at least two bytes.
  command.extended = true;
  if (body.size() < 3) return sw::wrong_length;
  std::size_t first = get_u16(body, 1);

  // Case 2E: 00 Le1 Le2.
  if (body.size() == 3) {
    command.has_le = true;
    command.ne = first == 0 ? 65536 : first;
    return command;
  }

  // Cases 3E and 4E: Lc is 1..65535; Lc = 0000 is not a valid extended Lc.
  std::size_t lc = first;
  if (lc == 0) return sw::wrong_length;
  if (body.size() == 3 + lc) {
    command.data.assign(body.begin() + 3, body.end());
    return command;
  }
  if (body.size() == 5 + lc) {
    command.data.assign(body.begin() + 3, body.begin() + 3 + static_cast<std::ptrdiff_t>(lc));
    std::size_t le = get_u16(body, 3 + lc);
    command.has_le = true;
    command.ne = le == 0 ? 65536 : le;
    return command;
  }
  return sw::wrong_length;
}

Bytes Response::encode() const {
  Bytes out = data;
  out.push_back(sw.sw1());
  out.push_back(sw.sw2());
  return out;
}

std::optional<Response> parse_response(ByteView bytes) {
  if (bytes.size() < 2) return std::nullopt;
  Response response;
  response.data.assign(bytes.begin(), bytes.end() - 2);
  response.sw = StatusWord(bytes[bytes.size() - 2], bytes[bytes.size() - 1]);
  return response;
}

}  // namespace uicc::apdu
