// The emulated UICC: the persistent store, the file system, the applications, logical
// channels and the APDU dispatcher, behind power-on, reset and transmit.
#pragma once

#include <array>
#include <filesystem>
#include <memory>
#include <optional>
#include <vector>

#include <spdlog/logger.h>

#include "apdu/application.h"
#include "apdu/card_slot.h"
#include "apdu/channels.h"
#include "apdu/t0.h"
#include "card/card_platform.h"
#include "card/fs/file_commands.h"
#include "card/profile.h"
#include "vm/runtime/runtime.h"
#include "vm/store/store.h"

namespace uicc::sd {
class CardManager;
class RuntimeContent;
class PlatformServices;
}  // namespace uicc::sd

namespace uicc::card {

struct CardOptions {
  // The card image; without one the card lives in memory only.
  std::optional<std::filesystem::path> image;
  // The profile a new image is created with; an existing image keeps its own content.
  Profile profile = default_profile();
  int logical_channels = 4;  // 4 or 20
  std::optional<Bytes> atr;  // replaces the default ATR
  store::Limits limits;
  bool int_support = true;   // the Java Card VM's optional int bytecodes
};

struct CardStatistics {
  std::uint64_t commands = 0;
  std::uint64_t resets = 0;
};

class Card : public apdu::CardSlot {
 public:
  // Opens or creates the card image. Throws store::ImageError for an unreadable image and
  // std::invalid_argument for a bad option (the message names the value).
  explicit Card(CardOptions options = {});
  ~Card() override;
  Card(const Card&) = delete;
  Card& operator=(const Card&) = delete;

  // The ATR with the historical bytes an applet set through GPSystem.setATRHistBytes.
  Bytes atr() override;
  // Cold and warm resets clear every transient state: open channels, selections, security
  // status, pending responses. Persistent state is untouched.
  void power_on() override;
  void power_off() override;
  void reset() override;
  bool powered() const { return powered_; }

  // Processes one C-APDU and returns the R-APDU. Never throws for bad input: a malformed
  // command gets its status word. A store::PowerLoss from fault injection is passed on.
  Bytes transmit(ByteView command) override;

  const CardStatistics& statistics() const { return statistics_; }
  // True if this card created its image (or lives in memory) and so holds the given profile.
  bool created_from_profile() const { return created_from_profile_; }
  store::Store& store() { return *store_; }
  FileSystem& file_system() { return fs_; }
  PinTable& pins() { return pins_; }

  // Makes an application selectable by AID, in registration order after those present.
  void add_application(apdu::Application& application);

  // The Java Card runtime. After installing or deleting applets through it, call
  // refresh_applets() so that the GlobalPlatform registry and SELECT know the current set.
  vm::Runtime& runtime() { return *runtime_; }
  void refresh_applets();
  sd::CardManager& card_manager() { return *manager_; }

 private:
  class AppletApplication;

  struct ChannelState {
    FileContext files;
    apdu::Application* application = nullptr;
    Handle application_adf = store::kNull;  // the ADF the selected application owns, if any
    apdu::PendingResponse pending;
  };

  apdu::Response dispatch(std::uint8_t channel, const apdu::Command& command);
  apdu::Response manage_channel(std::uint8_t channel, const apdu::Command& command);
  apdu::Response select_by_name(std::uint8_t channel, const apdu::Command& command);
  void clear_transient_state();
  bool selected_elsewhere(const apdu::Application& application, std::uint8_t channel) const;
  std::vector<apdu::Application*> selectable() const;
  void rebuild_applets();
  // Deselects the application of `channel`, telling the runtime and the card manager.
  void leave_application(std::uint8_t channel);
  void create_card_identity();

  CardOptions options_;
  std::unique_ptr<store::Store> store_;
  FileSystem fs_;
  PinTable pins_;
  FileCommands files_;
  CardPlatform platform_;
  std::unique_ptr<vm::Runtime> runtime_;
  std::unique_ptr<sd::RuntimeContent> runtime_content_;
  std::unique_ptr<sd::CardManager> manager_;
  std::unique_ptr<sd::PlatformServices> gp_services_;
  std::vector<apdu::Application*> applications_;  // added with add_application
  std::vector<std::unique_ptr<AppletApplication>> applets_;
  apdu::ChannelTable channels_;
  std::array<ChannelState, apdu::kMaxLogicalChannels> channel_states_{};
  Bytes atr_;
  std::shared_ptr<spdlog::logger> apdu_log_;  // the APDU trace category, looked up once
  bool powered_ = false;
  bool created_from_profile_ = false;
  CardStatistics statistics_;
};

}  // namespace uicc::card
