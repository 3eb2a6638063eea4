#include "apdu/vpcd/vpcd_client.h"

#include <netinet/in.h>
#include <netinet/tcp.h>

#include "util/log.h"

namespace uicc::apdu {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

class VpcdCategory : public std::error_category {
 public:
  const char* name() const noexcept override { return "vpcd"; }
  std::string message(int value) const override {
    switch (static_cast<VpcdError>(value)) {
      case VpcdError::empty_message: return "vpcd sent an empty message";
      case VpcdError::unknown_control_code: return "vpcd sent an unknown control code";
      case VpcdError::response_too_long: return "response does not fit a 16-bit vpcd frame";
    }
    return "unknown vpcd error";
  }
};

}  // namespace

const std::error_category& vpcd_category() {
  static const VpcdCategory category;
  return category;
}

std::error_code make_error_code(VpcdError e) { return {static_cast<int>(e), vpcd_category()}; }

VpcdClient::VpcdClient(asio::io_context& io, CardSlot& slot, VpcdOptions options)
    : io_(io), slot_(slot), options_(std::move(options)), socket_(io), timer_(io) {}

void VpcdClient::start() {
  stopped_ = false;
  do_connect();
}

void VpcdClient::stop() {
  stopped_ = true;
  timer_.cancel();
  boost::system::error_code ignored;
  socket_.close(ignored);
}

void VpcdClient::do_connect() {
  boost::system::error_code ec;
  auto address = asio::ip::make_address(options_.host, ec);
  if (ec) {
    // A host name: resolve it synchronously, which is rare and happens once per attempt.
    tcp::resolver resolver(io_);
    auto results = resolver.resolve(options_.host, std::to_string(options_.port), ec);
    if (ec || results.empty()) return on_connect(ec ? ec : asio::error::host_not_found);
    socket_.async_connect(*results.begin(), [this](const boost::system::error_code& e) { on_connect(e); });
    return;
  }
  socket_.async_connect(tcp::endpoint(address, options_.port),
                        [this](const boost::system::error_code& e) { on_connect(e); });
}

void VpcdClient::on_connect(const boost::system::error_code& ec) {
  if (stopped_) return;
  if (ec) {
    if (!outage_logged_) {
      log::get("vpcd")->warn("cannot connect to vpcd at {}:{}: {}; retrying every {} ms", options_.host,
                             options_.port, ec.message(), options_.reconnect_delay.count());
      outage_logged_ = true;
    }
    return schedule_reconnect();
  }
  boost::system::error_code ignored;
  socket_.set_option(tcp::no_delay(true), ignored);
  connected_ = true;
  outage_logged_ = false;
  ++connections_;
  log::get("vpcd")->info("connected to vpcd at {}:{}", options_.host, options_.port);
  do_read_header();
}

void VpcdClient::schedule_reconnect() {
  boost::system::error_code ignored;
  socket_.close(ignored);
  timer_.expires_after(options_.reconnect_delay);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec && !stopped_) do_connect();
  });
}

void VpcdClient::on_error(const boost::system::error_code& ec, const char* where) {
  if (stopped_) return;
  if (connected_) {
    // The reader is gone: for the card this is a removal, so power goes off.
    log::get("vpcd")->info("vpcd connection closed while {}: {}; reconnecting", where, ec.message());
    slot_.power_off();
    connected_ = false;
  }
  schedule_reconnect();
}

void VpcdClient::do_read_header() {
  // Acknowledge vpcd's frames at once: with Linux's delayed acknowledgement each APDU
  // waited about 50 ms (measured through pcscd; see docs/benchmarks.md).
  int quick_ack = 1;
  ::setsockopt(socket_.native_handle(), IPPROTO_TCP, TCP_QUICKACK, &quick_ack, sizeof quick_ack);
  asio::async_read(socket_, asio::buffer(header_),
                   [this](const boost::system::error_code& ec, std::size_t) { on_read_header(ec); });
}

void VpcdClient::on_read_header(const boost::system::error_code& ec) {
  if (ec) return on_error(ec, "reading a frame header");
  std::size_t length = (std::size_t{header_[0]} << 8) | header_[1];
  if (length == 0) {
    log::get("vpcd")->warn("{}", make_error_code(VpcdError::empty_message).message());
    return do_read_header();
  }
  body_.resize(length);
  asio::async_read(socket_, asio::buffer(body_),
                   [this](const boost::system::error_code& e, std::size_t) { on_read_body(e); });
}

void VpcdClient::on_read_body(const boost::system::error_code& ec) {
  if (ec) return on_error(ec, "reading a frame");
  handle_message();
}

void VpcdClient::handle_message() {
  reply_.clear();
  if (body_.size() == 1) {
    switch (body_[0]) {
      case vpcd_control::power_off:
        slot_.power_off();
        return do_read_header();
      case vpcd_control::power_on:
        slot_.power_on();
        return do_read_header();
      case vpcd_control::reset:
        slot_.reset();
        return do_read_header();
      case vpcd_control::get_atr:
        reply_ = slot_.atr();
        return do_write();
      default:
        log::get("vpcd")->warn("{}: {:02X}", make_error_code(VpcdError::unknown_control_code).message(), body_[0]);
        return do_read_header();
    }
  }
  reply_ = slot_.transmit(body_);
  if (reply_.size() > kVpcdMaxPayload) {
    log::get("vpcd")->error("{}: {} bytes; sending 6F00 instead",
                            make_error_code(VpcdError::response_too_long).message(), reply_.size());
    reply_ = {0x6F, 0x00};
  }
  do_write();
}

void VpcdClient::do_write() {
  Bytes frame;
  frame.reserve(2 + reply_.size());
  append_u16(frame, static_cast<std::uint16_t>(reply_.size()));
  append(frame, reply_);
  reply_ = std::move(frame);
  asio::async_write(socket_, asio::buffer(reply_), [this](const boost::system::error_code& ec, std::size_t) {
    if (ec) return on_error(ec, "writing a response");
    do_read_header();
  });
}

}  // namespace uicc::apdu
