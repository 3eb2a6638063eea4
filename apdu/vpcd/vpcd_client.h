// The card side of vsmartcard's vpcd protocol (virtualsmartcard/src/vpcd/vpcd.h, version
// 3.3): vpcd, loaded by pcscd, listens on a TCP port per reader slot and the card connects.
// Every message in both directions is a 2-byte big-endian length and a payload. A 1-byte
// payload from vpcd is a control code: 0 power off, 1 power on, 2 reset, 4 send the ATR;
// only the last one is answered. Any longer payload is a C-APDU answered by one R-APDU.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <system_error>

#include <utility>  // Boost 1.74 Asio uses std::exchange without including it

#include <boost/asio.hpp>

#include "apdu/card_slot.h"

namespace uicc::apdu {

// One constant for the wire limit: the 16-bit frame length.
inline constexpr std::size_t kVpcdMaxPayload = 0xFFFF;
inline constexpr std::uint16_t kVpcdDefaultPort = 35963;

namespace vpcd_control {
inline constexpr std::uint8_t power_off = 0x00;
inline constexpr std::uint8_t power_on = 0x01;
inline constexpr std::uint8_t reset = 0x02;
inline constexpr std::uint8_t get_atr = 0x04;
}  // namespace vpcd_control

enum class VpcdError {
  empty_message = 1,      // a frame of length 0
  unknown_control_code,   // a 1-byte message that is none of 0, 1, 2, 4
  response_too_long,      // an R-APDU that a 16-bit frame cannot carry
};
const std::error_category& vpcd_category();
std::error_code make_error_code(VpcdError e);

struct VpcdOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = kVpcdDefaultPort;
  std::chrono::milliseconds reconnect_delay{500};
};

// Connects to vpcd, serves its requests from `slot`, and reconnects with a fixed delay
// whenever the connection fails or closes (pcscd restarted), until stop().
class VpcdClient {
 public:
  VpcdClient(boost::asio::io_context& io, CardSlot& slot, VpcdOptions options);

  void start();
  void stop();
  std::uint64_t connections() const { return connections_; }

 private:
  void do_connect();
  void on_connect(const boost::system::error_code& ec);
  void do_read_header();
  void on_read_header(const boost::system::error_code& ec);
  void on_read_body(const boost::system::error_code& ec);
  void handle_message();
  void do_write();
  void on_error(const boost::system::error_code& ec, const char* where);
  void schedule_reconnect();

  boost::asio::io_context& io_;
  CardSlot& slot_;
  VpcdOptions options_;
  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer timer_;
  std::uint8_t header_[2] = {};
  Bytes body_;
  Bytes reply_;
  bool stopped_ = false;
  bool connected_ = false;
  bool outage_logged_ = false;
  std::uint64_t connections_ = 0;
};

}  // namespace uicc::apdu

template <>
struct std::is_error_code_enum<uicc::apdu::VpcdError> : std::true_type {};
