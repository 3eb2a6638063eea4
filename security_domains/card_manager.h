// The card manager (GlobalPlatform Card Specification 2.3.1 §3.8): the OPEN with the
// GlobalPlatform Registry, the issuer and supplementary security domains, and the services
// the GlobalPlatform API offers applets. The card layer creates one per card, routes SELECT
// through check_selection() and hands the security domains commands as apdu::Application.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "apdu/status_word.h"
#include "security_domains/content_manager.h"
#include "security_domains/registry.h"
#include "security_domains/registry_store.h"
#include "security_domains/scp/secure_channel.h"
#include "vm/store/store.h"

namespace uicc::sd {

class SecurityDomain;

// The card as it leaves the factory: the issuer security domain's AID, secure channel and
// keys, the card's identification data and life cycle state.
struct CardProfile {
  Bytes isd_aid = from_hex("A000000151000000");  // GPCS 2.3.1 §H.1.3
  scp::Parameters isd_scp{scp::Protocol::scp03, 0x70};
  std::vector<Key> isd_keys = test_keys(scp::Protocol::scp03, 0x30);
  // Supplementary security domains installed without an SCP choice in their C9 parameters get
  // these, and start with ssd_keys until their owner replaces them with PUT KEY.
  scp::Parameters ssd_scp{scp::Protocol::scp03, 0x70};
  std::vector<Key> ssd_keys = test_keys(scp::Protocol::scp03, 0x30);
  std::uint8_t life_cycle = life_cycle::secured;
  Bytes iin = from_hex("42");                 // value of GET DATA 42 (Issuer Identification Number)
  Bytes cin = from_hex("45");                 // value of GET DATA 45 (Card Image Number)
  Bytes cplc;                                 // value of GET DATA 9F7F; 42 zero bytes if empty
  Bytes owner;                                // the issuer security domain's owner identifier
  Bytes diversification_data = Bytes(10, 0);  // first 10 bytes of INITIALIZE UPDATE responses
  // The executable load file and module from which supplementary security domains are
  // installed; present in the registry from the start, as code in immutable memory.
  Bytes sd_load_file = from_hex("A0000001515350");
  Bytes sd_module = from_hex("A000000151535041");
  // The store root the registry lives at.
  std::size_t registry_root = 3;

  // The well-known GlobalPlatform test key 404142...4F as Key-ENC, Key-MAC and Key-DEK of
  // version `version`: AES-128 for SCP03, two-key 3DES for SCP02. A test value only: any
  // card that leaves a lab must have its keys replaced.
  static std::vector<Key> test_keys(scp::Protocol protocol, std::uint8_t version);
};

// Outcome of the selection check of an application (GPCS 2.3.1 §5.3 and §9.6.3).
struct SelectionCheck {
  bool allowed = false;
  apdu::StatusWord status = apdu::sw::file_not_found;  // 9000, 6283 (card locked) or the error
};

class CardManager {
 public:
  // Opens the registry in `store`, or creates it from `profile` on a fresh image, then
  // finishes or undoes an operation a power loss interrupted. `content` must outlive this.
  CardManager(store::Store& store, ContentManager& content, CardProfile profile = {});
  ~CardManager();
  CardManager(const CardManager&) = delete;
  CardManager& operator=(const CardManager&) = delete;

  const CardProfile& profile() const { return profile_; }
  Registry& registry() { return registry_; }
  const Registry& registry() const { return registry_; }
  ContentManager& content() { return content_; }
  store::Store& store() { return store_; }

  // Writes the registry to the store together with `intent` (none: the operation finished).
  void commit(const Intent& intent = {});
  // Records the operation about to start in the runtime (registry_store.h).
  void begin(const Intent& intent);
  // Applies `change` to the registry and commits it. If the store has no room for the
  // larger registry, restores the registry and throws apdu::StatusError(6A84).
  void update(const std::function<void(Registry&)>& change, const Intent& intent = {});

  // --- routing -------------------------------------------------------------------------
  // The security domain with `aid`, or nullptr if there is none.
  SecurityDomain* security_domain(ByteView aid);
  SecurityDomain& issuer_security_domain();
  // Whether SELECT by AID may choose the application `aid` now: present in the registry, in
  // a selectable life cycle state, and allowed by the card's life cycle state.
  SelectionCheck check_selection(ByteView aid) const;
  // The application selected on the basic channel after a reset: the holder of the Card Reset
  // privilege (GPCS 2.3.1 §6.6.1), normally the issuer security domain.
  Bytes default_application() const;
  // Card reset: ends every secure channel and session.
  void reset();

  // --- services of the GlobalPlatform API (org.globalplatform) ----------------------------
  std::uint8_t card_life_cycle() const { return registry_.card.life_cycle; }
  std::optional<std::uint8_t> application_life_cycle(ByteView aid) const;
  std::optional<Privileges> privileges(ByteView aid) const;
  // GPSystem.setCardContentState: an application sets its own state. Returns false unless the
  // caller is SELECTABLE or in an application-specific state and `state` is one of those or
  // LOCKED (GPCS 2.3.1 Figure 5-2).
  bool set_own_life_cycle(ByteView caller, std::uint8_t state);
  // GPSystem.lockCard and terminateCard: need the Card Lock or Card Terminate privilege.
  bool lock_card(ByteView caller);
  bool terminate_card(ByteView caller);
  // The security domain an application is associated with.
  std::optional<Bytes> associated_security_domain(ByteView aid) const;
  // The secure channel an applet reaches through GPSystem.getSecureChannel: that of its
  // associated security domain, on the applet's logical channel. While the domain forwards
  // STORE DATA to the applet's processData, it is the domain's own session on that channel,
  // so that the applet decrypts personalization data with its keys (GPCS 2.3.1 §11.11).
  // Returns nullptr if the applet is not in the registry.
  scp::SecureChannel* applet_secure_channel(ByteView applet, std::uint8_t channel);
  // Ends the secure channel of an applet when it is deselected from `channel`.
  void applet_deselected(ByteView applet, std::uint8_t channel);

  // GPSystem.setATRHistBytes: the holder of the Card Reset privilege sets the historical bytes
  // of the ATR for the next resets, at most 15 (ISO/IEC 7816-3:2006 §8.2: K is coded on 4 bits).
  // Returns false without the privilege or for a longer value.
  bool set_atr_historical_bytes(ByteView caller, ByteView bytes);
  // The historical bytes set that way, or nullopt while none are set.
  std::optional<Bytes> atr_historical_bytes() const;
  // Returns `base` with the historical bytes of setATRHistBytes in place of its own, with T0
  // and TCK adjusted (ISO/IEC 7816-3 §8.2). Returns `base` unchanged while none are set, or
  // when it is malformed. The card layer sends this ATR at each reset.
  Bytes atr(ByteView base) const;

  // GPSystem.getRegistryEntry: whether `caller` may read the entry of `target`. An application
  // reads its own entry, and a security domain the entries of its associated applications.
  // The holder of the Global Registry privilege reads every entry (GPCS 2.3.1 §6.6).
  bool may_read_entry(ByteView caller, ByteView target) const;
  // GPRegistryEntry.setState: an application changes its own state as set_own_life_cycle
  // allows. The holder of Global Lock, or the security domain an application is associated
  // with, locks and unlocks that application. The issuer security domain cannot be locked
  // this way (GPCS 2.3.1 §5.3 and §6.6).
  bool set_entry_state(ByteView caller, ByteView target, std::uint8_t state);

  // --- the global PIN of the CVM application (GPCS 2.3.1 §8.2, GlobalPlatform Card API 1.6
  // CVM interface) -----------------------------------------------------------------------
  // The states ACTIVE and BLOCKED and the try counter persist; VALIDATED and
  // INVALID_SUBMISSION last for the card session.
  struct GlobalPinState {
    bool active = false;     // a value and a try limit are set
    bool submitted = false;  // a value was presented since the last reset or resetState
    bool verified = false;
    bool blocked = false;
    std::uint8_t tries_remaining = 0;
  };
  GlobalPinState global_pin_state() const;
  // CVM.verify: the try counter is decremented and written before the comparison, so that a
  // power loss during it costs a try; a match restores it. Returns false without comparing
  // when the PIN is not active or blocked, and blocks it when the counter reaches 0.
  bool verify_global_pin(ByteView value, std::uint8_t format);
  // CVM.update, setTryLimit, blockState and resetAndUnblockState need the CVM Management
  // privilege (GPCS 2.3.1 §6.6); resetState does not. Each returns false when the caller
  // lacks it or the change is not allowed.
  bool update_global_pin(ByteView caller, ByteView value, std::uint8_t format);
  bool set_global_pin_try_limit(ByteView caller, std::uint8_t limit);
  bool reset_global_pin_state();
  bool block_global_pin(ByteView caller);
  bool reset_and_unblock_global_pin(ByteView caller);

 private:
  void create_registry();
  void recover();
  bool cvm_manager(ByteView caller) const;

  store::Store& store_;
  ContentManager& content_;
  CardProfile profile_;
  RegistryStore persistence_;
  Registry registry_;
  std::map<Bytes, std::unique_ptr<SecurityDomain>> domains_;
  // Secure channels of applets, by AID and logical channel.
  std::map<std::pair<Bytes, std::uint8_t>, std::unique_ptr<scp::SecureChannel>> applet_channels_;
  std::map<Bytes, std::unique_ptr<scp::KeySource>> key_sources_;
  // The domain session that a STORE DATA forwarded to processData runs in.
  struct Personalization {
    Bytes applet;
    std::uint8_t channel = 0;
    scp::SecureChannel* session = nullptr;
  };
  std::optional<Personalization> personalizing_;
  // The card-session states of the global PIN.
  enum class PinSession { none, validated, invalid_submission };
  PinSession pin_session_ = PinSession::none;

  friend class SecurityDomain;
  scp::KeySource& key_source(ByteView domain_aid);
};

}  // namespace uicc::sd
