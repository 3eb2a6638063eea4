// The Java Card runtime environment's state and the services natives reach through Vm:
// power-up, transactions, transient memory, object deletion, contexts and applet queries.
// Java Card 3.0.5 Runtime Environment Specification (JCRE) chapters 3 to 7.
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "util/log.h"
#include "vm/runtime/api_tokens.h"
#include "vm/runtime/machine.h"

namespace uicc::vm::detail {

Machine::Machine(store::Store& store, const NativeRegistry& natives, const RuntimeConfig& config)
    : store_(store), natives_(natives), config_(config) {
  if (config_.logical_channels != 4 && config_.logical_channels != 20) {
    throw std::invalid_argument(
        fmt::format("{} logical channels configured, expected 4 or 20", config_.logical_channels));
  }
  stack_ = std::make_unique<Slot[]>(config_.stack_words);
  stack_end_ = stack_.get() + config_.stack_words;
  selected_.resize(config_.logical_channels);
  selecting_.assign(config_.logical_channels, false);
  frames_.reserve(64);
}

Machine::~Machine() = default;

// --- power-up ------------------------------------------------------------------------------

void Machine::power_up() {
  open_tables();
  std::vector<PackageSlot> slots = read_package_slots();
  for (const PackageSlot& slot : slots) {
    next_package_index_ =
        std::max<std::uint16_t>(next_package_index_, static_cast<std::uint16_t>(slot.index + 1));
  }

  // Native packages keep the index they had, so type ids in the store stay valid.
  link_natives([&](const Aid& aid) -> std::uint16_t {
    for (const PackageSlot& slot : slots) {
      if (slot.native && slot.aid == aid) return slot.index;
    }
    PackageSlot slot;
    slot.slot = free_slot(false);
    slot.native = true;
    slot.index = next_package_index_++;
    slot.aid = aid;
    write_package_slot(slot);
    slots.push_back(slot);
    return slot.index;
  });

  // Per-package native state: static fields, then the package's own words.
  package_words_.assign(natives_.packages().size(), kNullRef);
  for (auto& slot : slots) {
    if (!slot.native) continue;
    Package* package = package_at(slot.index);
    if (package == nullptr) continue;  // a package the registry no longer has
    package->table_slot = slot.slot;
    const NativePackage* source = package->native;
    std::uint16_t words = 0;
    std::uint16_t reference_words = 0;
    const bool registered = natives_.find(source->aid) == source;
    if (registered) {
      package->native_index = natives_.index_of(source->aid);
      words = source->static_words;
      reference_words = source->static_reference_words;
    }
    package->package_words = words;
    package->package_reference_words = reference_words;
    const std::uint32_t size = package->static_image_size + std::uint32_t{words} * 4;
    if (slot.statics == kNullRef || !store_.valid(slot.statics) ||
        store_.size(slot.statics) != size) {
      slot.statics = store_.allocate(
          store::ObjectHeader{object_kind::kStaticImage, 0, kJcreContext, package->index}, size);
      write_package_slot(slot);
    }
    package->statics = slot.statics;
    if (registered) package_words_[package->native_index] = slot.statics;
  }

  // Packages loaded from CAP files, in load order so that imports link first.
  std::vector<PackageSlot> loaded;
  for (const PackageSlot& slot : slots) {
    if (!slot.native) loaded.push_back(slot);
  }
  std::sort(loaded.begin(), loaded.end(),
            [](const PackageSlot& a, const PackageSlot& b) { return a.index < b.index; });
  for (const PackageSlot& slot : loaded) relink_package(slot);

  for (const AppletSlot& slot : read_applet_slots()) {
    Package* package = package_at(slot.package_index);
    if (package == nullptr || slot.applet_class >= package->applets.size() ||
        !store_.valid(slot.object)) {
      log::get("vm")->error("applet {} in the store refers to a missing package or object; ignored",
                            slot.aid.to_hex());
      continue;
    }
    AppletRecord record;
    record.instance_aid = slot.aid;
    record.package = package;
    record.applet_class = &package->applets[slot.applet_class];
    record.object = slot.object;
    record.aid_object = store_.valid(slot.aid_object) ? slot.aid_object : kNullRef;
    record.table_slot = slot.slot;
    const Class* cls = class_of(slot.object);
    record.multi_selectable =
        multi_selectable_class_ != nullptr && cls->implements(multi_selectable_class_);
    applets_.push_back(record);
  }
  std::size_t released = collect_garbage();
  if (released > 0) log::get("vm")->info("power-up released {} unreachable objects", released);
}

// --- object deletion -----------------------------------------------------------------------

std::set<Ref> Machine::reachable(const Package* skip_package, std::uint16_t skip_applet) {
  std::set<Ref> marked;
  std::vector<Ref> pending;
  auto mark = [&](Ref ref) {
    if (ref != kNullRef && store_.valid(ref) && marked.insert(ref).second) pending.push_back(ref);
  };
  auto mark_words = [&](Ref object, std::uint32_t from, std::uint32_t count) {
    ByteView bytes = store_.view(object);
    for (std::uint32_t i = 0; i < count && (from + i + 1) * 4 <= bytes.size(); ++i) {
      mark(get_u32(bytes, (from + i) * 4));
    }
  };

  mark(table_);
  for (const auto& package : packages_) {
    if (!package || package.get() == skip_package) continue;
    mark(package->image);
    mark(package->statics);
    if (package->statics != kNullRef && store_.valid(package->statics)) {
      mark_words(package->statics, 0, package->static_reference_count);
      mark_words(package->statics, package->static_image_size / 4,
                 package->package_reference_words);
    }
  }
  for (std::size_t i = 0; i < applets_.size(); ++i) {
    const AppletRecord& applet = applets_[i];
    if (applet.deleted || i == skip_applet) continue;
    mark(applet.object);
    mark(applet.aid_object);
  }
  for (const auto& [cls, instance] : exception_instances_) mark(instance);
  mark(apdu_object_);
  mark(apdu_buffer_);
  for (Ref tombstone : tombstones_) mark(tombstone);

  while (!pending.empty()) {
    Ref ref = pending.back();
    pending.pop_back();
    const store::ObjectHeader& header = store_.header(ref);
    if (header.kind == object_kind::kReferenceArray) {
      mark_words(ref, 0, store_.size(ref) / 4);
    } else if (header.kind == object_kind::kInstance) {
      const Package* package = package_at(static_cast<std::uint16_t>(header.type >> 16));
      const std::uint16_t index = static_cast<std::uint16_t>(header.type);
      if (package == nullptr || index >= package->classes.size()) continue;
      for (std::uint16_t word : package->classes[index]->reference_words) mark_words(ref, word, 1);
    }
  }
  return marked;
}

std::size_t Machine::collect_garbage() {
  if (store_.in_transaction()) return 0;
  const std::set<Ref> marked = reachable(nullptr, kNoApplet);
  std::vector<Ref> garbage;
  store_.for_each([&](store::Handle handle) {
    const std::uint8_t kind = store_.header(handle).kind;
    if (kind >= object_kind::kInstance && !marked.contains(handle)) garbage.push_back(handle);
  });
  for (Ref ref : garbage) {
    if (store_.valid(ref)) release_object(ref);
  }
  exception_instances_.clear();
  return garbage.size();
}

void Machine::request_object_deletion() {
  deletion_requested_ = true;
}

// JCRE 3.0.5 §11.3.4.1: an applet can be deleted unless something outside it refers to it,
// or, for the last instance of its context, to any object of that context.
bool Machine::deletable(std::uint16_t applet) {
  const AppletRecord& record = applets_[applet];
  if (reachable(nullptr, applet).contains(record.object)) return false;
  bool last = true;
  for (std::size_t i = 0; i < applets_.size(); ++i) {
    if (i != applet && !applets_[i].deleted && applets_[i].package == record.package) last = false;
  }
  if (!last) return true;
  const std::set<Ref> outside = reachable(record.package, applet);
  for (Ref ref : outside) {
    const store::ObjectHeader& header = store_.header(ref);
    if (header.kind >= object_kind::kInstance && header.kind <= object_kind::kReferenceArray &&
        header.owner == record.package->context) {
      return false;
    }
  }
  return true;
}

// --- transient memory ----------------------------------------------------------------------

// Zeroes the transient arrays with `flag` (CLEAR_ON_RESET or CLEAR_ON_DESELECT), of one
// context or of all (JCRE 3.0.5 §5.1).
void Machine::clear_transient(std::uint8_t flag, std::optional<ContextId> owner) {
  store_.for_each([&](store::Handle handle) {
    const store::ObjectHeader& header = store_.header(handle);
    if (!(header.flags & flag) || !is_array_kind(header.kind)) return;
    if (owner && header.owner != *owner) return;
    if (handle == apdu_buffer_) return;
    store_.fill_non_atomic(handle, 0, store_.size(handle), 0);
  });
}

// --- transactions --------------------------------------------------------------------------

void Machine::begin_transaction() {
  if (store_.in_transaction()) {
    throw_java(api::framework_class(api::framework::kTransactionException),
               api::transaction_exception::kInProgress);
  }
  store_.begin_transaction();
  transaction_context_ = context_;
}

void Machine::commit_transaction() {
  if (!store_.in_transaction()) {
    throw_java(api::framework_class(api::framework::kTransactionException),
               api::transaction_exception::kNotInProgress);
  }
  store_.commit_transaction();
}

// Aborts the open transaction. Objects it allocated are released by the store; their handles
// are then taken by tombstones (zero-size RAM objects of no VM kind) until the end of the
// command, so that a reference still held in a local variable or a transient array reads as
// null instead of reaching a later object (JCRE 3.0.5 §7.6.2).
void Machine::abort_transaction() {
  if (!store_.in_transaction()) {
    throw_java(api::framework_class(api::framework::kTransactionException),
               api::transaction_exception::kNotInProgress);
  }
  std::vector<Ref> allocated = store_.transaction_allocations();
  store_.abort_transaction();
  forget_objects();
  if (allocated.empty()) return;
  std::set<Ref> lost(allocated.begin(), allocated.end());

  // References in transient object arrays are not rolled back: clear those to lost objects.
  store_.for_each([&](store::Handle handle) {
    const store::ObjectHeader& header = store_.header(handle);
    if (header.kind != object_kind::kReferenceArray || !(header.flags & store::kVolatile)) return;
    ByteView bytes = store_.view(handle);
    for (std::uint32_t i = 0; i + 4 <= bytes.size(); i += 4) {
      if (lost.contains(get_u32(bytes, i))) {
        const std::uint8_t zero[4] = {};
        store_.write(handle, i, zero);
      }
    }
  });

  // Take the lost handles with tombstones; the store hands out the lowest free handle first.
  const Ref highest = *lost.rbegin();
  std::vector<Ref> spare;
  std::size_t taken = 0;
  while (taken < lost.size()) {
    Ref ref = store_.allocate(store::ObjectHeader{0x5F, store::kVolatile, kJcreContext, 0}, 0);
    if (lost.contains(ref)) {
      tombstones_.push_back(ref);
      ++taken;
    } else {
      spare.push_back(ref);
      if (ref > highest) break;
    }
  }
  for (Ref ref : spare) release_object(ref);
}

std::uint8_t Machine::transaction_depth() {
  return store_.in_transaction() ? 1 : 0;
}

namespace {
std::int16_t saturate(std::size_t value) {
  return static_cast<std::int16_t>(std::min<std::size_t>(value, 32767));
}
}  // namespace

std::int16_t Machine::max_commit_capacity() {
  return saturate(store_.limits().commit_capacity);
}

std::int16_t Machine::unused_commit_capacity() {
  const std::size_t capacity = store_.limits().commit_capacity;
  const std::size_t used = store_.transaction_bytes();
  return saturate(used >= capacity ? 0 : capacity - used);
}

std::int16_t Machine::available_memory(MemoryType type) {
  const store::Usage usage = store_.usage();
  const store::Limits& limits = store_.limits();
  if (type == MemoryType::persistent) {
    return saturate(usage.persistent_bytes >= limits.persistent_bytes
                        ? 0
                        : limits.persistent_bytes - usage.persistent_bytes);
  }
  // CLEAR_ON_RESET and CLEAR_ON_DESELECT arrays share the card's RAM for transient objects.
  return saturate(usage.volatile_bytes >= limits.volatile_bytes
                      ? 0
                      : limits.volatile_bytes - usage.volatile_bytes);
}

// --- contexts and applets ------------------------------------------------------------------

std::optional<std::uint16_t> Machine::find_applet_index(const Aid& aid) const {
  for (std::size_t i = 0; i < applets_.size(); ++i) {
    if (!applets_[i].deleted && applets_[i].instance_aid == aid)
      return static_cast<std::uint16_t>(i);
  }
  return std::nullopt;
}

// The applet instance that becomes active when a call enters `context`: the one selected on
// the current channel if it belongs there, else the first instance of that context.
std::uint16_t Machine::applet_of_context(ContextId context) const {
  if (context == kJcreContext) return kNoApplet;
  if (apdu_ && apdu_->channel < selected_.size() && selected_[apdu_->channel] &&
      applets_[*selected_[apdu_->channel]].package->context == context) {
    return *selected_[apdu_->channel];
  }
  for (std::size_t i = 0; i < applets_.size(); ++i) {
    if (!applets_[i].deleted && applets_[i].package->context == context)
      return static_cast<std::uint16_t>(i);
  }
  return kNoApplet;
}

Ref Machine::make_aid_object(const Aid& aid) {
  const Class* aid_class = find_class(api::framework_class(api::framework::kAid));
  if (aid_class == nullptr || api::framework::kAidInit >= aid_class->static_methods.size())
    return kNullRef;
  const ContextId saved = context_;
  context_ = kJcreContext;
  struct RestoreContext {
    Machine& machine;
    ContextId context;
    ~RestoreContext() { machine.context_ = context; }
  } restore{*this, saved};
  Ref bytes =
      allocate_array(ArrayType::byte_array, static_cast<std::int32_t>(aid.size()), nullptr, 0);
  store_.write(bytes, 0, aid.bytes());
  Ref object = allocate_instance(aid_class, 0);
  const Slot args[] = {object, bytes, 0, static_cast<Slot>(aid.size())};
  call(aid_class->static_methods[api::framework::kAidInit], args, kJcreContext, kNoApplet);
  store::ObjectHeader header = store_.header(object);
  header.flags |= object_flag::kPermanentEntryPoint;
  store_.set_header(object, header);
  aid_objects_[object] = aid;
  return object;
}

Ref Machine::current_applet_aid() {
  if (current_applet_ == kNoApplet || current_applet_ >= applets_.size()) return kNullRef;
  AppletRecord& applet = applets_[current_applet_];
  if (applet.aid_object == kNullRef) {
    applet.aid_object = make_aid_object(applet.instance_aid);
    if (applet.table_slot != 0xFFFFFFFF && applet.aid_object != kNullRef) {
      AppletSlot slot;
      slot.slot = static_cast<std::uint16_t>(applet.table_slot);
      slot.package_index = applet.package->index;
      slot.applet_class =
          static_cast<std::uint16_t>(applet.applet_class - applet.package->applets.data());
      slot.object = applet.object;
      slot.aid = applet.instance_aid;
      slot.aid_object = applet.aid_object;
      write_applet_slot(slot);
    }
  }
  return applet.aid_object;
}

// JCSystem.getPreviousContextAID: the applet of the frame that called into the current
// context, or null when that was the JCRE.
Ref Machine::previous_context_aid() {
  for (std::size_t i = frames_.size(); i-- > 0;) {
    if (frames_[i].context == context_) continue;
    const std::uint16_t applet = frames_[i].applet;
    if (applet == kNoApplet || frames_[i].context == kJcreContext) return kNullRef;
    const std::uint16_t saved = current_applet_;
    current_applet_ = applet;
    Ref aid = current_applet_aid();
    current_applet_ = saved;
    return aid;
  }
  return kNullRef;
}

Ref Machine::lookup_aid(ByteView bytes) {
  if (bytes.size() < Aid::kMinLength || bytes.size() > Aid::kMaxLength) return kNullRef;
  auto index = find_applet_index(Aid(bytes));
  if (!index) return kNullRef;
  const std::uint16_t saved = current_applet_;
  current_applet_ = *index;
  Ref aid = current_applet_aid();
  current_applet_ = saved;
  return aid;
}

std::optional<Aid> Machine::aid_of(Ref aid_object) {
  auto it = aid_objects_.find(aid_object);
  if (it != aid_objects_.end()) return it->second;
  for (const AppletRecord& applet : applets_) {
    if (!applet.deleted && applet.aid_object == aid_object) return applet.instance_aid;
  }
  return std::nullopt;
}

bool Machine::is_applet_active(ByteView bytes) {
  if (bytes.size() < Aid::kMinLength || bytes.size() > Aid::kMaxLength) return false;
  auto index = find_applet_index(Aid(bytes));
  if (!index) return false;
  return std::any_of(selected_.begin(), selected_.end(),
                     [&](const auto& selected) { return selected && *selected == *index; });
}

std::uint8_t Machine::assigned_channel() {
  return apdu_ ? apdu_->channel : 0;
}

bool Machine::selecting_applet() {
  return apdu_ && apdu_->channel < selecting_.size() && in_select_ &&
         current_applet_ != kNoApplet && selected_[apdu_->channel] == current_applet_;
}

bool Machine::reselecting_applet() {
  return reselecting_ && selecting_applet();
}

ApduExchange& Machine::apdu() {
  if (!apdu_) {
    throw_java(api::lang_class(api::lang::kSecurityException));
  }
  return *apdu_;
}

// Applet.register: records the instance being installed. The registry slot is written when
// install() returns, so a power loss during install leaves no applet behind.
void Machine::register_applet(Ref applet, std::optional<Aid> aid) {
  const auto illegal_aid = [&] {
    throw_java(api::framework_class(api::framework::kSystemException),
               api::system_exception::kIllegalAid);
  };
  if (installing_applet_ == kNoApplet || !install_aid_) illegal_aid();
  AppletRecord& record = applets_[installing_applet_];
  if (record.object != kNullRef) illegal_aid();  // register called twice
  const Aid& instance_aid = aid ? *aid : *install_aid_;
  // GlobalPlatform gives the instance AID in the install parameters; register(byte[],...) must
  // name the same one (and no other instance may have it).
  if (instance_aid != *install_aid_) illegal_aid();
  if (header_of(applet).owner != record.package->context) illegal_aid();
  const Class* cls = class_of(applet);
  if (cls == nullptr || applet_class_ == nullptr || !cls->is_subclass_of(applet_class_))
    illegal_aid();
  record.object = applet;
  record.multi_selectable =
      multi_selectable_class_ != nullptr && cls->implements(multi_selectable_class_);
}

// JCSystem.getAppletShareableInterfaceObject (JCRE 3.0.5 §6.2.7): calls the server's
// getShareableInterfaceObject(clientAID, parameter) in the server's context and returns the
// result if it is an object of the server's context implementing a Shareable interface.
Ref Machine::shareable_interface_object(ByteView server_aid, std::uint8_t parameter) {
  if (server_aid.size() < Aid::kMinLength || server_aid.size() > Aid::kMaxLength) return kNullRef;
  auto index = find_applet_index(Aid(server_aid));
  if (!index) return kNullRef;
  const AppletRecord& server = applets_[*index];
  Ref client_aid = current_applet_aid();
  const Method* method =
      resolve_virtual(class_of(server.object), api::framework::kAppletGetShareableInterfaceObject);
  if (method == nullptr) return kNullRef;
  const Slot args[] = {server.object, client_aid,
                       slot_of_short(static_cast<std::int8_t>(parameter))};
  Ref result = call(method, args, server.package->context, *index);
  if (result == kNullRef) return kNullRef;
  const store::ObjectHeader& header = header_of(result);
  const Class* cls = class_of(result);
  if (cls == nullptr || header.owner != server.package->context) return kNullRef;
  const bool shareable = std::any_of(cls->interfaces.begin(), cls->interfaces.end(),
                                     [](const Class* i) { return i->is_shareable; });
  return shareable ? result : kNullRef;
}

bool Machine::applet_active_elsewhere(std::uint16_t applet, std::uint8_t channel) const {
  for (std::size_t c = 0; c < selected_.size(); ++c) {
    if (c != channel && selected_[c] && *selected_[c] == applet) return true;
  }
  return false;
}

bool Machine::package_active_elsewhere(const Package* package, std::uint8_t channel) const {
  for (std::size_t c = 0; c < selected_.size(); ++c) {
    if (c != channel && selected_[c] && applets_[*selected_[c]].package == package) return true;
  }
  return false;
}

// --- the APDU object and buffer --------------------------------------------------------------

Ref Machine::apdu_buffer() {
  if (apdu_buffer_ == kNullRef || !store_.valid(apdu_buffer_)) {
    const std::uint8_t flags =
        store::kVolatile | object_flag::kGlobalArray | object_flag::kClearOnReset;
    apdu_buffer_ =
        store_.allocate(store::ObjectHeader{object_kind::kByteArray, flags, kJcreContext, 0},
                        config_.apdu_buffer_size);
  }
  return apdu_buffer_;
}

Ref Machine::apdu_object() {
  const Class* apdu_class = find_class(api::framework_class(api::framework::kApdu));
  if (apdu_class == nullptr) return kNullRef;
  if (apdu_object_ == kNullRef || !store_.valid(apdu_object_)) {
    const std::uint8_t flags = store::kVolatile | object_flag::kTemporaryEntryPoint;
    apdu_object_ = store_.allocate(
        store::ObjectHeader{object_kind::kInstance, flags, kJcreContext, apdu_class->type_id},
        std::uint32_t{apdu_class->instance_words} * 4);
  } else {
    store_.fill_non_atomic(apdu_object_, 0, store_.size(apdu_object_), 0);
  }
  return apdu_object_;
}

// Work the JCRE does after each command: the implicit abort of a transaction left open
// (JCRE 3.0.5 §7.6.2), releasing tombstones and requested object deletion.
void Machine::end_of_command() {
  if (store_.in_transaction()) {
    try {
      abort_transaction();
    } catch (const JavaThrow&) {
    }
  }
  for (Ref tombstone : tombstones_) {
    if (store_.valid(tombstone)) release_object(tombstone);
  }
  tombstones_.clear();
  if (deletion_requested_) {
    deletion_requested_ = false;
    std::size_t released = collect_garbage();
    log::get("vm")->debug("object deletion released {} objects", released);
  }
}

}  // namespace uicc::vm::detail
