#include "card/card.h"

#include <openssl/rand.h>

#include <fmt/format.h>

#include "apdu/atr.h"
#include "apdu/cla.h"
#include "apdu/select.h"
#include "card/roots.h"
#include "security_domains/card_manager.h"
#include "security_domains/runtime_content.h"
#include "security_domains/security_domain.h"
#include "util/log.h"
#include "vm/api/builtin_registry.h"

namespace uicc::card {

using apdu::Command;
using apdu::Response;
namespace sw = apdu::sw;

namespace {

constexpr std::uint8_t kCardInfoKind = 0x01;
constexpr std::uint8_t kInsAuthenticate = 0x88;
constexpr std::uint32_t kCardInfoSize = 16;  // format version (1), IC serial number (4), reserved

std::unique_ptr<store::Store> open_store(const CardOptions& options) {
  if (options.image) return store::Store::open(*options.image, options.limits);
  return std::make_unique<store::Store>(options.limits);
}

// GlobalPlatform's CPLC (42 bytes) with our IC serial number; the other fields name no real
// fabricator and stay zero.
Bytes make_cplc(ByteView serial) {
  Bytes cplc(42, 0x00);
  std::copy(serial.begin(), serial.end(), cplc.begin() + 12);  // IC serial number
  return cplc;
}

}  // namespace

// An installed applet instance as the dispatcher sees it: selection and commands go to the
// Java Card runtime on the command's logical channel.
class Card::AppletApplication : public apdu::Application {
 public:
  AppletApplication(vm::Runtime& runtime, const vm::AppletInfo& info)
      : runtime_(runtime), aid_(info.instance_aid.bytes().begin(), info.instance_aid.bytes().end()),
        instance_(info.instance_aid), multi_selectable_(info.multi_selectable) {}

  ByteView aid() const override { return aid_; }
  bool multi_selectable() const override { return multi_selectable_; }
  bool select(std::uint8_t channel) override { return runtime_.select(channel, instance_); }
  void deselect(std::uint8_t channel) override { runtime_.deselect(channel); }
  Response process(std::uint8_t channel, const Command& command) override {
    vm::Response response = runtime_.process(channel, command.encode());
    return Response{std::move(response.data), apdu::StatusWord(response.status)};
  }
  const vm::Aid& instance() const { return instance_; }

 private:
  vm::Runtime& runtime_;
  Bytes aid_;
  vm::Aid instance_;
  bool multi_selectable_;
};

Card::Card(CardOptions options)
    : options_(std::move(options)),
      store_(open_store(options_)),
      fs_(*store_),
      pins_(*store_),
      files_(fs_, pins_),
      platform_(fs_, files_),
      channels_(options_.logical_channels),
      apdu_log_(log::get("apdu")) {
  if (options_.logical_channels != 4 && options_.logical_channels != 20) {
    throw std::invalid_argument(fmt::format("logical channel count {} is not 4 or 20", options_.logical_channels));
  }
  atr_ = options_.atr.value_or(apdu::default_atr(options_.logical_channels));
  if (auto problem = apdu::parse_atr(atr_); std::holds_alternative<std::string>(problem)) {
    throw std::invalid_argument(fmt::format("ATR {} is invalid: {}", to_hex(atr_), std::get<std::string>(problem)));
  }

  vm::RuntimeConfig runtime_config;
  runtime_config.logical_channels = static_cast<std::uint8_t>(options_.logical_channels);
  runtime_config.int_support = options_.int_support;
  runtime_config.store_root = roots::kRuntime;
  runtime_ = std::make_unique<vm::Runtime>(*store_, api::builtin_registry(), runtime_config);
  runtime_->set_platform(&platform_);

  // GlobalPlatform's card manager over the runtime. A new image gets its identity first, so
  // that the registry it creates carries the card's CPLC.
  bool fresh = store_->root(roots::kCardInfo) == store::kNull;
  if (fresh) create_card_identity();
  sd::CardProfile card_profile;
  card_profile.registry_root = roots::kSecurityDomains;
  card_profile.cplc = make_cplc(store_->view(store_->root(roots::kCardInfo)).subspan(1, 4));
  runtime_content_ = std::make_unique<sd::RuntimeContent>(*runtime_);
  manager_ = std::make_unique<sd::CardManager>(*store_, *runtime_content_, card_profile);
  gp_services_ = std::make_unique<sd::PlatformServices>(*manager_);
  platform_.set_global_platform(gp_services_.get());
  // Applets installed or deleted by GlobalPlatform commands change what SELECT finds.
  runtime_content_->on_change([this] { rebuild_applets(); });

  if (fresh) {
    install_profile(fs_, pins_, options_.profile);
    if (options_.profile.usim) install_usim_applet(*runtime_, *options_.profile.usim);
    store_->flush();
    created_from_profile_ = true;
    log::get("card")->info("created card image with profile '{}'", options_.profile.name);
  }
  refresh_applets();
}

void Card::refresh_applets() {
  // Applets installed without GlobalPlatform (the profile's USIM, `--install`) enter the
  // registry here, so that GET STATUS lists them and SELECT's life cycle checks know them.
  if (sd::adopt_runtime_content(*manager_, *runtime_) != 0) store_->flush();
  rebuild_applets();
}

void Card::rebuild_applets() {
  // Channels keep pointing at applets that survive; a deleted applet's channels lose it.
  std::vector<std::unique_ptr<AppletApplication>> fresh;
  for (const auto& info : runtime_->applets()) {
    std::unique_ptr<AppletApplication> kept;
    for (auto& existing : applets_) {
      if (existing && existing->instance() == info.instance_aid) kept = std::move(existing);
    }
    fresh.push_back(kept ? std::move(kept) : std::make_unique<AppletApplication>(*runtime_, info));
  }
  for (auto& removed : applets_) {
    if (!removed) continue;
    for (auto& state : channel_states_) {
      if (state.application == removed.get()) state.application = nullptr;
    }
  }
  applets_ = std::move(fresh);
}

std::vector<apdu::Application*> Card::selectable() const {
  // Registry order (GlobalPlatform Card Specification 2.3.1 §9.6.3): the issuer security
  // domain first, then applications and security domains as they were installed.
  std::vector<apdu::Application*> all;
  for (const auto& entry : manager_->registry().applications) {
    if (entry.is_security_domain()) {
      if (sd::SecurityDomain* domain = manager_->security_domain(entry.aid)) all.push_back(domain);
      continue;
    }
    for (const auto& applet : applets_) {
      if (std::equal(entry.aid.begin(), entry.aid.end(), applet->aid().begin(), applet->aid().end())) {
        all.push_back(applet.get());
      }
    }
  }
  all.insert(all.end(), applications_.begin(), applications_.end());
  return all;
}

Card::~Card() = default;

void Card::create_card_identity() {
  Bytes info(kCardInfoSize, 0);
  info[0] = 1;
  if (RAND_bytes(info.data() + 1, 4) != 1) throw std::runtime_error("OpenSSL RAND_bytes failed");
  store::atomically(*store_, [&] {
    Handle handle = store_->allocate(store::ObjectHeader{kCardInfoKind, 0, 0, 0}, kCardInfoSize);
    store_->write(handle, 0, info);
    store_->set_root(roots::kCardInfo, handle);
  });
}

void Card::add_application(apdu::Application& application) { applications_.push_back(&application); }

void Card::clear_transient_state() {
  runtime_->reset();
  manager_->reset();
  // Cipher, Signature and digest objects return to the state the Java Card API gives them
  // after a reset; the crypto natives keep the rest of that state in RAM.
  api::reset_native_state(*store_);
  platform_.reset();
  channels_.reset();
  for (auto& state : channel_states_) state = ChannelState{};
  files_.select_mf(channel_states_[0].files);
  pins_.reset_security_status();
}

Bytes Card::atr() { return manager_ != nullptr ? manager_->atr(atr_) : atr_; }

void Card::power_on() {
  clear_transient_state();
  powered_ = true;
  log::get("card")->info("power on");
}

void Card::power_off() {
  store_->flush();
  clear_transient_state();
  powered_ = false;
  log::get("card")->info("power off");
}

void Card::reset() {
  store_->flush();
  clear_transient_state();
  powered_ = true;
  ++statistics_.resets;
  log::get("card")->info("reset");
}

Bytes Card::transmit(ByteView bytes) {
  spdlog::logger& trace = *apdu_log_;
  const bool tracing = trace.should_log(spdlog::level::trace);
  if (tracing) trace.trace("> {}", to_hex(bytes, " "));
  if (!powered_) power_on();
  ++statistics_.commands;

  Response response;
  auto parsed = apdu::parse_command(bytes);
  if (auto* status = std::get_if<apdu::StatusWord>(&parsed)) {
    response.sw = *status;
  } else {
    const Command& command = std::get<Command>(parsed);
    apdu::ClassByte cla{command.cla};
    std::uint8_t channel = cla.channel();
    // ISO/IEC 7816-4 §5.4.2: INS 6X and 9X are invalid; §5.4.1: CLA FF is invalid.
    if (!cla.valid()) {
      response.sw = sw::cla_not_supported;
    } else if ((command.ins & 0xF0) == 0x60 || (command.ins & 0xF0) == 0x90) {
      response.sw = sw::ins_not_supported;
    } else if (!channels_.is_open(channel)) {
      response.sw = sw::logical_channel_not_supported;
    } else {
      ChannelState& state = channel_states_[channel];
      if (command.ins == apdu::kInsGetResponse) {
        response = apdu::get_response(command, state.pending);
      } else {
        Response produced;
        try {
          produced = dispatch(channel, command);
        } catch (const apdu::StatusError& e) {
          produced = Response{{}, e.status()};
        } catch (const store::OutOfMemory& e) {
          log::get("card")->warn("command {:02X} {:02X}: {}", command.cla, command.ins, e.what());
          produced = Response{{}, sw::not_enough_memory};
        } catch (const store::PowerLoss&) {
          throw;
        } catch (const std::exception& e) {
          log::get("card")->error("command {:02X} {:02X} failed: {}", command.cla, command.ins, e.what());
          produced = Response{{}, sw::technical_problem};
        }
        response = apdu::shape_response(command, std::move(produced), state.pending);
      }
    }
  }

  // Nothing leaves the card before its effects are in the image. A failed write (a full
  // disk) is the card's memory problem: the terminal gets 6581, as for failing EEPROM.
  try {
    store_->flush();
  } catch (const std::system_error& e) {
    log::get("card")->error("writing the card image failed: {}", e.what());
    response = Response{{}, sw::memory_failure};
  }
  Bytes out = response.encode();
  if (tracing) trace.trace("< {} ({})", to_hex(out, " "), apdu::describe(response.sw));
  return out;
}

bool Card::selected_elsewhere(const apdu::Application& application, std::uint8_t channel) const {
  for (std::uint8_t other = 0; other < channels_.count(); ++other) {
    if (other != channel && channels_.is_open(other) && channel_states_[other].application == &application) {
      return true;
    }
  }
  return false;
}

Response Card::dispatch(std::uint8_t channel, const Command& command) {
  ChannelState& state = channel_states_[channel];
  apdu::ClassByte cla{command.cla};

  if (!cla.proprietary() && command.ins == apdu::kInsManageChannel) return manage_channel(channel, command);
  if (!cla.proprietary() && command.ins == apdu::kInsSelect && command.p1 == apdu::kSelectByDfName) {
    return select_by_name(channel, command);
  }

  // File commands go to the platform when no application or an ADF is selected (ETSI TS
  // 102 221 §8.5: the ADF's files belong to the platform even while its applet runs).
  bool file_command = files_.find(command) != nullptr;
  bool platform_owns = state.application == nullptr || state.application_adf != store::kNull;
  if (file_command && platform_owns) return files_.process(state.files, command);
  if (state.application != nullptr) {
    if (state.application_adf != store::kNull && !cla.proprietary() &&
        (command.ins == kInsAuthenticate || command.ins == kInsAuthenticate + 1)) {
      // 3GPP TS 31.102 §7.1.1: AUTHENTICATE needs the application PIN, the first key
      // reference of the ADF's PIN status template.
      FileInfo adf = fs_.info(state.application_adf);
      if (!adf.pin_references.empty() && !pins_.satisfied(adf.pin_references.front())) {
        apdu::fail(sw::security_status_not_satisfied);
      }
    }
    return state.application->process(channel, command);
  }

  // Nothing selected handles it: a known instruction in the other class is a class error.
  Command other = command;
  other.cla = static_cast<std::uint8_t>(command.cla ^ 0x80);
  if (files_.find(other) != nullptr) apdu::fail(sw::cla_not_supported);
  apdu::fail(sw::ins_not_supported);
}

Response Card::manage_channel(std::uint8_t channel, const Command& command) {
  Response response;
  auto result = channels_.manage(channel, command, response);
  if (!result) return response;

  if (auto* opened = std::get_if<apdu::ChannelTable::Opened>(&*result)) {
    ChannelState& fresh = channel_states_[opened->channel];
    fresh = ChannelState{};
    // Java Card 3.0.5 RE §4.5.1 and ETSI TS 102 221 §11.1.17: a channel opened from the basic
    // channel starts at the MF with no application. A channel opened from another channel
    // takes over that channel's selection, which only a multiselectable application accepts.
    if (opened->origin == 0) {
      files_.select_mf(fresh.files);
    } else {
      const ChannelState& origin = channel_states_[opened->origin];
      if (origin.application != nullptr) {
        if (!origin.application->multi_selectable() || !origin.application->select(opened->channel)) {
          channels_.close(opened->channel);
          return Response{{}, sw::conditions_not_satisfied};
        }
      }
      fresh.application = origin.application;
      fresh.application_adf = origin.application_adf;
      fresh.files = origin.files;
    }
    return response;
  }

  auto closed = std::get<apdu::ChannelTable::Closed>(*result);
  leave_application(closed.channel);
  channel_states_[closed.channel] = ChannelState{};
  return response;
}

Response Card::select_by_name(std::uint8_t channel, const Command& command) {
  ChannelState& state = channel_states_[channel];

  // ISO/IEC 7816-4 §11.2.2 and ETSI TS 102 221 §11.1.1.2: P2 b4-b3 response (FCI, FCP,
  // none), b2-b1 occurrence, b8-b5 application session control (0000 activation, 0100
  // termination).
  std::uint8_t control = command.p2 & 0xF0;
  std::uint8_t requested = command.p2 & 0x0C;
  if ((control != 0x00 && control != 0x40) || requested == 0x08) apdu::fail(sw::incorrect_p1_p2);
  if (command.data.size() > apdu::kMaxAidLength) apdu::fail(sw::file_not_found);

  // Candidates: the applications first, then ADFs that no application owns. An applet whose
  // instance AID is an ADF's AID owns that ADF (ETSI TS 102 241: the applet's file view).
  struct Candidate {
    ByteView aid;
    apdu::Application* application;
    Handle adf;
  };
  std::vector<FileInfo> adfs;
  for (Handle adf : fs_.adfs()) adfs.push_back(fs_.info(adf));
  std::vector<Candidate> candidates;
  std::vector<bool> adf_owned(adfs.size(), false);
  for (apdu::Application* application : selectable()) {
    Handle owned = store::kNull;
    for (std::size_t i = 0; i < adfs.size(); ++i) {
      if (std::equal(adfs[i].aid.begin(), adfs[i].aid.end(), application->aid().begin(), application->aid().end())) {
        owned = adfs[i].handle;
        adf_owned[i] = true;
      }
    }
    candidates.push_back({application->aid(), application, owned});
  }
  for (std::size_t i = 0; i < adfs.size(); ++i) {
    if (!adf_owned[i]) candidates.push_back({adfs[i].aid, nullptr, adfs[i].handle});
  }

  std::optional<std::size_t> current;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    bool same_app = candidates[i].application != nullptr && candidates[i].application == state.application;
    bool same_adf = candidates[i].adf != store::kNull && candidates[i].adf == state.files.current_adf;
    if (same_app || same_adf) current = i;
  }

  std::optional<std::size_t> index;
  if (command.data.empty()) {
    // GlobalPlatform Card Specification 2.3.1 §11.9.2.1: SELECT without data selects the
    // default application, the holder of the Card Reset privilege (normally the ISD).
    Bytes fallback = manager_->default_application();
    for (std::size_t i = 0; i < candidates.size() && !index; ++i) {
      if (std::equal(candidates[i].aid.begin(), candidates[i].aid.end(), fallback.begin(), fallback.end())) index = i;
    }
  } else {
    std::vector<ByteView> aids;
    for (const auto& c : candidates) aids.push_back(c.aid);
    index = apdu::find_by_name(aids, command.data, apdu::occurrence_of(command.p2), current);
  }
  if (!index) apdu::fail(sw::file_not_found);
  const Candidate& target = candidates[*index];

  // Termination: close the application session and return to the MF.
  if (control == 0x40) {
    if (!current || *current != *index) apdu::fail(sw::conditions_not_satisfied);
    leave_application(channel);
    files_.select_mf(state.files);
    return Response{};
  }

  // GlobalPlatform Card Specification 2.3.1 §9.6.3: the registry decides whether the
  // application may be selected now (life cycle, card locked).
  apdu::StatusWord selection_status = sw::ok;
  if (target.application != nullptr) {
    sd::SelectionCheck check = manager_->check_selection(target.aid);
    if (!check.allowed) apdu::fail(check.status);
    selection_status = check.status;
  }
  if (target.application != nullptr && !target.application->multi_selectable() &&
      selected_elsewhere(*target.application, channel)) {
    apdu::fail(sw::conditions_not_satisfied);
  }

  // Java Card 3.0.5 RE §4.6: the current application is deselected first, also when it is
  // selected again.
  leave_application(channel);
  if (target.application != nullptr) {
    if (!target.application->select(channel)) {
      files_.select_mf(state.files);
      apdu::fail(sw::applet_selection_failed);
    }
    state.application = target.application;
  }

  if (target.adf != store::kNull) {
    if (target.application != nullptr) {
      // Java Card 3.0.5 RE §4.5.2: the selected applet's process() sees the SELECT command.
      // For an ADF the platform answers with the FCP (ETSI TS 102 221 §11.1.1), so the
      // applet's answer only counts when it refuses.
      Response applet_response = target.application->process(channel, command);
      if (!applet_response.sw.is_success() && !applet_response.sw.is_warning()) {
        target.application->deselect(channel);
        state.application = nullptr;
        files_.select_mf(state.files);
        return Response{{}, applet_response.sw};
      }
      state.application_adf = target.adf;
    }
    return files_.select_adf(state.files, target.adf, command);
  }
  files_.select_mf(state.files);
  Response response = target.application->process(channel, command);
  // GlobalPlatform Card Specification 2.3.1 Table 11-83: 6283 when the card is locked.
  if (response.sw == sw::ok && selection_status != sw::ok) response.sw = selection_status;
  return response;
}

void Card::leave_application(std::uint8_t channel) {
  ChannelState& state = channel_states_[channel];
  if (state.application != nullptr) {
    state.application->deselect(channel);
    manager_->applet_deselected(state.application->aid(), channel);
  }
  state.application = nullptr;
  state.application_adf = store::kNull;
}

}  // namespace uicc::card
