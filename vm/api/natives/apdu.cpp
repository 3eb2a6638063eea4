// javacard.framework.APDU: the command and response of the C-APDU being processed, as the Java
// Card 3.0.5 API's APDU class moves them between the card's I/O and the APDU buffer. Short and
// extended (javacardx.apdu.ExtendedLength) commands, the incoming and outgoing state machine,
// and responses of up to 256 bytes in short form or 32767 bytes in extended form.
#include <algorithm>

#include "vm/api/api_constants.h"
#include "vm/api/natives/layouts.h"
#include "vm/api/natives/native_support.h"

namespace uicc::api {
namespace {

namespace japdu = jc::javacard::framework::APDU;
namespace jex = jc::javacard::framework::APDUException;

// The parts of a C-APDU (ISO/IEC 7816-4:2020 §5.1, cases 1 to 4, short and extended).
struct Command {
  std::size_t nc = 0;  // command data bytes
  std::size_t ne = 0;  // expected response bytes; 256 or 65536 for an Le of zeros
  bool has_le = false;
  bool extended = false;
  std::size_t data_offset = 5;  // offset of the data in the command and in the APDU buffer
};

Command parse(ByteView apdu) {
  Command c;
  if (apdu.size() <= 4) return c;  // case 1
  const std::size_t p3 = apdu[4];
  if (apdu.size() == 5) {  // case 2 short
    c.has_le = true;
    c.ne = p3 == 0 ? 256 : p3;
    return c;
  }
  if (p3 != 0 || apdu.size() < 7) {  // case 3 or 4 short
    c.nc = std::min(p3, apdu.size() - 5);
    if (apdu.size() > 5 + c.nc) {
      c.has_le = true;
      c.ne = apdu[5 + c.nc] == 0 ? 256 : apdu[5 + c.nc];
    }
    return c;
  }
  c.extended = true;
  c.data_offset = 7;
  const std::size_t n = get_u16(apdu, 5);
  if (apdu.size() == 7) {  // case 2 extended
    c.has_le = true;
    c.ne = n == 0 ? 65536 : n;
    return c;
  }
  c.nc = std::min(n, apdu.size() - 7);
  if (apdu.size() >= 7 + c.nc + 2) {  // case 4 extended
    const std::size_t le = get_u16(apdu, 7 + c.nc);
    c.has_le = true;
    c.ne = le == 0 ? 65536 : le;
  }
  return c;
}

[[noreturn]] void apdu_error(Vm& vm, std::int16_t reason) {
  throw_exception(vm, "javacard.framework.APDUException", reason);
}

// The state words of the APDU object.
struct State {
  Vm& vm;
  Ref apdu;
  vm::ApduExchange& exchange;
  Command command;

  State(Vm& v, Ref object)
      : vm(v), apdu(object), exchange(v.apdu()), command(parse(exchange.command)) {
    if (apdu == vm::kNullRef) throw_null_pointer(vm);
    copy_header();
  }

  std::uint32_t word(std::uint16_t index) const { return vm.get_field(apdu, index); }
  void set(std::uint16_t index, std::uint32_t value) { vm.set_field(apdu, index, value); }
  std::int8_t state() const { return static_cast<std::int8_t>(word(layout::kApduStateWord)); }
  void set_state(std::int8_t value) {
    set(layout::kApduStateWord, static_cast<std::uint8_t>(value));
  }
  std::uint16_t buffer_size() const { return vm.array_length(exchange.buffer); }

  // The header (CLA INS P1 P2 and P3, or 00 Lc1 Lc2 for extended length) is in the APDU buffer
  // when process() starts (Java Card 3.0.5 Runtime Environment §9.1). The runtime normally
  // copies it; this makes sure of it on the first call.
  void copy_header() {
    const std::uint32_t flags = word(layout::kApduFlagsWord);
    if ((flags & layout::kApduHeaderCopied) != 0) return;
    const std::size_t length = std::min<std::size_t>(command.data_offset, exchange.command.size());
    vm.write_bytes(exchange.buffer, 0, ByteView(exchange.command).first(length), false);
    set(layout::kApduFlagsWord, flags | layout::kApduHeaderCopied);
  }

  // Copies up to the room left in the buffer from `offset` on; returns the count.
  std::uint16_t receive(std::uint16_t offset) {
    const std::size_t received = word(layout::kApduReceivedWord);
    const std::size_t room = buffer_size() - offset;
    const std::size_t count = std::min(command.nc - received, room);
    vm.write_bytes(exchange.buffer, offset,
                   ByteView(exchange.command).subspan(command.data_offset + received, count),
                   false);
    const std::size_t total = received + count;
    set(layout::kApduReceivedWord, static_cast<std::uint32_t>(total));
    set_state(total == command.nc ? japdu::STATE_FULL_INCOMING : japdu::STATE_PARTIAL_INCOMING);
    return static_cast<std::uint16_t>(count);
  }

  // The maximum response length: 256 bytes in short form, 32767 in extended form.
  std::size_t max_response() const { return command.extended ? 32767 : 256; }

  void send(ByteView bytes) {
    const std::size_t sent = word(layout::kApduSentWord) + bytes.size();
    if (sent > word(layout::kApduOutgoingWord)) apdu_error(vm, jex::ILLEGAL_USE);
    append(exchange.response, bytes);
    set(layout::kApduSentWord, static_cast<std::uint32_t>(sent));
    set_state(sent == word(layout::kApduOutgoingWord) ? japdu::STATE_FULL_OUTGOING
                                                      : japdu::STATE_PARTIAL_OUTGOING);
  }

  void require_sending() const {
    const std::int8_t s = state();
    if (s != japdu::STATE_OUTGOING_LENGTH_KNOWN && s != japdu::STATE_PARTIAL_OUTGOING) {
      apdu_error(vm, jex::ILLEGAL_USE);
    }
  }
};

Slot get_buffer(Vm& vm, Args args) {
  State s(vm, args.ref_at(0));
  return s.exchange.buffer;
}

Slot set_incoming_and_receive(Vm& vm, Args args) {
  State s(vm, args.ref_at(0));
  if (s.state() != japdu::STATE_INITIAL) apdu_error(vm, jex::ILLEGAL_USE);
  return short_result(s.receive(static_cast<std::uint16_t>(s.command.data_offset)));
}

Slot receive_bytes(Vm& vm, Args args) {
  State s(vm, args.ref_at(0));
  const std::int16_t offset = args.short_at(1);
  if (s.state() != japdu::STATE_PARTIAL_INCOMING) apdu_error(vm, jex::ILLEGAL_USE);
  if (offset < 0 || offset >= s.buffer_size()) apdu_error(vm, jex::BUFFER_BOUNDS);
  return short_result(s.receive(static_cast<std::uint16_t>(offset)));
}

Slot get_incoming_length(Vm& vm, Args args) {
  State s(vm, args.ref_at(0));
  return short_result(static_cast<int>(s.command.nc));
}

Slot get_offset_cdata(Vm& vm, Args args) {
  State s(vm, args.ref_at(0));
  return short_result(static_cast<int>(s.command.data_offset));
}

// APDU.setOutgoing: returns Ne, capped at 32767. Commands without Le (cases 1 and 3) return
// 256, the most a short response may carry.
std::uint16_t start_outgoing(State& s, bool no_chaining) {
  if (s.state() >= japdu::STATE_OUTGOING || s.state() < 0) apdu_error(s.vm, jex::ILLEGAL_USE);
  s.set_state(japdu::STATE_OUTGOING);
  if (no_chaining)
    s.set(layout::kApduFlagsWord, s.word(layout::kApduFlagsWord) | layout::kApduNoChaining);
  const std::size_t ne = s.command.has_le ? s.command.ne : 256;
  return static_cast<std::uint16_t>(std::min<std::size_t>(ne, 32767));
}

Slot set_outgoing(Vm& vm, Args args) {
  State s(vm, args.ref_at(0));
  return short_result(start_outgoing(s, false));
}

Slot set_outgoing_no_chaining(Vm& vm, Args args) {
  State s(vm, args.ref_at(0));
  return short_result(start_outgoing(s, true));
}

void set_length(State& s, std::int16_t length) {
  if (s.state() != japdu::STATE_OUTGOING) apdu_error(s.vm, jex::ILLEGAL_USE);
  if (length < 0 || static_cast<std::size_t>(length) > s.max_response()) {
    apdu_error(s.vm, jex::BAD_LENGTH);
  }
  s.set(layout::kApduOutgoingWord, static_cast<std::uint32_t>(length));
  s.set_state(japdu::STATE_OUTGOING_LENGTH_KNOWN);
}

Slot set_outgoing_length(Vm& vm, Args args) {
  State s(vm, args.ref_at(0));
  set_length(s, args.short_at(1));
  return 0;
}

ByteView buffer_range(State& s, std::int16_t offset, std::int16_t length) {
  if (length < 0) apdu_error(s.vm, jex::BAD_LENGTH);
  if (offset < 0 || offset + length > s.buffer_size()) apdu_error(s.vm, jex::BUFFER_BOUNDS);
  return s.vm.array_bytes(s.exchange.buffer)
      .subspan(static_cast<std::size_t>(offset), static_cast<std::size_t>(length));
}

Slot send_bytes(Vm& vm, Args args) {
  State s(vm, args.ref_at(0));
  s.require_sending();
  const ByteView bytes = buffer_range(s, args.short_at(1), args.short_at(2));
  s.send(Bytes(bytes.begin(), bytes.end()));
  return 0;
}

Slot send_bytes_long(Vm& vm, Args args) {
  State s(vm, args.ref_at(0));
  s.require_sending();
  if (args.short_at(3) < 0) apdu_error(vm, jex::BAD_LENGTH);
  const ByteView bytes = array_range(vm, args.ref_at(1), args.short_at(2), args.short_at(3));
  s.send(Bytes(bytes.begin(), bytes.end()));
  return 0;
}

Slot set_outgoing_and_send(Vm& vm, Args args) {
  State s(vm, args.ref_at(0));
  start_outgoing(s, false);
  const std::int16_t length = args.short_at(2);
  set_length(s, length);
  const ByteView bytes = buffer_range(s, args.short_at(1), length);
  s.send(Bytes(bytes.begin(), bytes.end()));
  return 0;
}

Slot get_current_state(Vm& vm, Args args) {
  State s(vm, args.ref_at(0));
  return short_result(s.state());
}

std::uint8_t cla_of(Vm& vm) {
  const Bytes& command = vm.apdu().command;
  return command.empty() ? 0 : command[0];
}

Slot is_command_chaining(Vm& vm, Args) {
  return boolean_result((cla_of(vm) & 0x10) != 0);
}
Slot is_secure_messaging(Vm& vm, Args) {
  const std::uint8_t cla = cla_of(vm);
  return boolean_result((cla & 0x40) != 0 ? (cla & 0x20) != 0 : (cla & 0x0C) != 0);
}
Slot is_interindustry(Vm& vm, Args) {
  return boolean_result((cla_of(vm) & 0x80) == 0);
}
Slot is_valid_cla(Vm& vm, Args) {
  return boolean_result(cla_of(vm) != 0xFF);
}

// Block sizes: T=0 transfers byte by byte in and up to 256 data bytes plus the status word
// out; T=1 uses the information field size, 254 bytes here (the largest IFSC/IFSD of ISO/IEC
// 7816-3:2006 §11.4.2).
bool is_t0(Vm& vm) {
  return (vm.apdu().protocol & japdu::PROTOCOL_TYPE_MASK) == japdu::PROTOCOL_T0;
}
Slot in_block_size(Vm& vm, Args) {
  return short_result(is_t0(vm) ? 1 : 254);
}
Slot out_block_size(Vm& vm, Args) {
  return short_result(is_t0(vm) ? 258 : 254);
}
Slot get_protocol(Vm& vm, Args) {
  return short_result(static_cast<std::int8_t>(vm.apdu().protocol));
}
Slot get_nad(Vm&, Args) {
  return 0;
}
// The card is never busy long enough to need a waiting time extension: nothing to send.
Slot wait_extension(Vm& vm, Args) {
  vm.apdu();  // SecurityException outside a command, as the API requires
  return 0;
}
Slot get_current_apdu(Vm& vm, Args) {
  return vm.apdu().object;
}
Slot get_current_apdu_buffer(Vm& vm, Args) {
  return vm.apdu().buffer;
}
Slot get_cla_channel(Vm& vm, Args) {
  return short_result(vm.apdu().channel);
}

constexpr Binding kApdu[] = {
    {"javacard.framework.APDU", "getBuffer()[B", get_buffer},
    {"javacard.framework.APDU", "setIncomingAndReceive()S", set_incoming_and_receive},
    {"javacard.framework.APDU", "receiveBytes(S)S", receive_bytes},
    {"javacard.framework.APDU", "getIncomingLength()S", get_incoming_length},
    {"javacard.framework.APDU", "getOffsetCdata()S", get_offset_cdata},
    {"javacard.framework.APDU", "setOutgoing()S", set_outgoing},
    {"javacard.framework.APDU", "setOutgoingNoChaining()S", set_outgoing_no_chaining},
    {"javacard.framework.APDU", "setOutgoingLength(S)V", set_outgoing_length},
    {"javacard.framework.APDU", "sendBytes(SS)V", send_bytes},
    {"javacard.framework.APDU", "sendBytesLong([BSS)V", send_bytes_long},
    {"javacard.framework.APDU", "setOutgoingAndSend(SS)V", set_outgoing_and_send},
    {"javacard.framework.APDU", "getCurrentState()B", get_current_state},
    {"javacard.framework.APDU", "isCommandChainingCLA()Z", is_command_chaining},
    {"javacard.framework.APDU", "isSecureMessagingCLA()Z", is_secure_messaging},
    {"javacard.framework.APDU", "isISOInterindustryCLA()Z", is_interindustry},
    {"javacard.framework.APDU", "isValidCLA()Z", is_valid_cla},
    {"javacard.framework.APDU", "getNAD()B", get_nad},
    {"javacard.framework.APDU", "getInBlockSize()S", in_block_size},
    {"javacard.framework.APDU", "getOutBlockSize()S", out_block_size},
    {"javacard.framework.APDU", "getProtocol()B", get_protocol},
    {"javacard.framework.APDU", "waitExtension()V", wait_extension},
    {"javacard.framework.APDU", "getCurrentAPDU()Ljavacard/framework/APDU;", get_current_apdu},
    {"javacard.framework.APDU", "getCurrentAPDUBuffer()[B", get_current_apdu_buffer},
    {"javacard.framework.APDU", "getCLAChannel()B", get_cla_channel},
};

}  // namespace

std::span<const Binding> apdu_bindings() {
  return kApdu;
}

}  // namespace uicc::api
