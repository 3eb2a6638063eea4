#include "test/security_domains/gp_card.h"

#include "apdu/atr.h"
#include "apdu/cla.h"
#include "apdu/select.h"
#include "util/log.h"
#include "vm/api/builtin_registry.h"

namespace uicc::test {

namespace sw = apdu::sw;

namespace {

std::unique_ptr<store::Store> open_store(const GpCardOptions& options) {
  if (options.image) return store::Store::open(*options.image, options.limits);
  return std::make_unique<store::Store>(options.limits);
}

}  // namespace

GpCard::GpCard(GpCardOptions options) : options_(std::move(options)), store_(open_store(options_)) {
  if (options_.java_card_runtime) {
    vm::RuntimeConfig config;
    config.store_root = kRuntimeRoot;
    runtime_ = std::make_unique<vm::Runtime>(*store_, api::builtin_registry(), config);
    runtime_content_ = std::make_unique<sd::RuntimeContent>(*runtime_);
    manager_ = std::make_unique<sd::CardManager>(*store_, *runtime_content_, options_.profile);
    platform_ = std::make_unique<sd::PlatformServices>(*manager_);
    runtime_->set_platform(platform_.get());
  } else {
    fake_ = std::make_unique<FakeContent>(*store_, kFakeRoot);
    manager_ = std::make_unique<sd::CardManager>(*store_, *fake_, options_.profile);
  }
  store_->flush();
  clear_transient_state();
}

GpCard::~GpCard() {
  if (runtime_) runtime_->set_platform(nullptr);
}

Bytes GpCard::atr() {
  return manager_->atr(apdu::default_atr(4));
}

void GpCard::clear_transient_state() {
  channels_.reset();
  for (auto& state : states_) state = ChannelState{};
  manager_->reset();
  if (runtime_) runtime_->reset();
  // GPCS 2.3.1 §6.6.1: after a reset the holder of the Card Reset privilege is selected on the
  // basic channel.
  enter(0, manager_->default_application());
}

void GpCard::power_on() {
  clear_transient_state();
}

void GpCard::power_off() {
  store_->flush();
  clear_transient_state();
}

void GpCard::reset() {
  store_->flush();
  clear_transient_state();
}

Bytes GpCard::transmit(ByteView bytes) {
  apdu::Response response;
  auto parsed = apdu::parse_command(bytes);
  if (auto* status = std::get_if<apdu::StatusWord>(&parsed)) {
    response.sw = *status;
  } else {
    const apdu::Command& command = std::get<apdu::Command>(parsed);
    apdu::ClassByte cla{command.cla};
    std::uint8_t channel = cla.channel();
    if (!cla.valid()) {
      response.sw = sw::cla_not_supported;
    } else if (!channels_.is_open(channel)) {
      response.sw = sw::logical_channel_not_supported;
    } else if (command.ins == apdu::kInsGetResponse) {
      response = apdu::get_response(command, states_[channel].pending);
    } else {
      apdu::Response produced;
      try {
        produced = dispatch(channel, command, bytes);
      } catch (const apdu::StatusError& error) {
        produced = apdu::Response{{}, error.status()};
      } catch (const store::OutOfMemory&) {
        produced = apdu::Response{{}, sw::not_enough_memory};
      }
      response = apdu::shape_response(command, std::move(produced), states_[channel].pending);
    }
  }
  store_->flush();
  return response.encode();
}

apdu::Response GpCard::dispatch(std::uint8_t channel, const apdu::Command& command, ByteView raw) {
  apdu::ClassByte cla{command.cla};
  if (!cla.proprietary() && command.ins == apdu::kInsManageChannel)
    return manage_channel(channel, command);
  if (!cla.proprietary() && command.ins == apdu::kInsSelect &&
      command.p1 == apdu::kSelectByDfName) {
    return select(channel, command, raw);
  }
  Target& target = states_[channel].target;
  if (auto* domain = std::get_if<sd::SecurityDomain*>(&target))
    return (*domain)->process(channel, command);
  if (std::holds_alternative<Bytes>(target) && runtime_) {
    vm::Response answer = runtime_->process(channel, raw);
    return apdu::Response{std::move(answer.data), apdu::StatusWord{answer.status}};
  }
  apdu::fail(sw::ins_not_supported);
}

bool GpCard::enter(std::uint8_t channel, ByteView aid) {
  if (sd::SecurityDomain* domain = manager_->security_domain(aid)) {
    if (!domain->select(channel)) return false;
    states_[channel].target = domain;
    return true;
  }
  if (runtime_ && runtime_->select(channel, vm::Aid(aid))) {
    states_[channel].target = Bytes(aid.begin(), aid.end());
    return true;
  }
  if (fake_ && fake_->has_applet(aid)) {
    states_[channel].target = Bytes(aid.begin(), aid.end());
    return true;
  }
  return false;
}

void GpCard::leave(std::uint8_t channel) {
  Target& target = states_[channel].target;
  if (auto* domain = std::get_if<sd::SecurityDomain*>(&target)) {
    (*domain)->deselect(channel);
  } else if (auto* applet = std::get_if<Bytes>(&target)) {
    if (runtime_) runtime_->deselect(channel);
    manager_->applet_deselected(*applet, channel);
  }
  target = Nothing{};
}

apdu::Response GpCard::select(std::uint8_t channel, const apdu::Command& command, ByteView raw) {
  // Exact AIDs only: partial selection is the card layer's business and no test here needs it.
  Bytes aid = command.data.empty() ? manager_->default_application() : command.data;
  if (aid.size() < vm::Aid::kMinLength || aid.size() > vm::Aid::kMaxLength)
    apdu::fail(sw::file_not_found);
  sd::SelectionCheck check = manager_->check_selection(aid);
  if (!check.allowed) apdu::fail(check.status);

  leave(channel);
  if (!enter(channel, aid)) apdu::fail(sw::applet_selection_failed);
  apdu::Response response;
  if (auto* domain = std::get_if<sd::SecurityDomain*>(&states_[channel].target)) {
    response = (*domain)->process(channel, command);
  } else if (runtime_) {
    vm::Response answer = runtime_->process(channel, raw);
    response = apdu::Response{std::move(answer.data), apdu::StatusWord{answer.status}};
  }
  // GPCS 2.3.1 Table 11-83: selection on a locked card returns 6283.
  if (response.sw == sw::ok && check.status != sw::ok) response.sw = check.status;
  return response;
}

apdu::Response GpCard::manage_channel(std::uint8_t channel, const apdu::Command& command) {
  apdu::Response response;
  auto result = channels_.manage(channel, command, response);
  if (!result) return response;
  if (auto* opened = std::get_if<apdu::ChannelTable::Opened>(&*result)) {
    states_[opened->channel] = ChannelState{};
    // GPCS 2.3.1 §11.1.2: a channel opened from the basic channel starts with the default
    // application selected; one opened from another channel takes over its selection.
    Bytes aid = manager_->default_application();
    if (opened->origin != 0) {
      const Target& origin = states_[opened->origin].target;
      if (auto* domain = std::get_if<sd::SecurityDomain*>(&origin))
        aid.assign((*domain)->aid().begin(), (*domain)->aid().end());
      if (auto* applet = std::get_if<Bytes>(&origin)) aid = *applet;
    }
    if (!enter(opened->channel, aid)) {
      channels_.close(opened->channel);
      return apdu::Response{{}, sw::conditions_not_satisfied};
    }
    return response;
  }
  leave(std::get<apdu::ChannelTable::Closed>(*result).channel);
  return response;
}

}  // namespace uicc::test
