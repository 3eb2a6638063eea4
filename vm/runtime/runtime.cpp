// The card-facing runtime: package loading and deletion, applet installation and deletion,
// selection per logical channel, APDU processing and card reset. Java Card 3.0.5 Runtime
// Environment Specification chapters 3 (applet life cycle), 4 (logical channels and
// selection) and 11 (installer and deletion).
#include "vm/runtime/runtime.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "util/log.h"
#include "vm/cap/cap_reader.h"
#include "vm/runtime/api_tokens.h"
#include "vm/runtime/machine.h"

namespace uicc::vm {

namespace {

// ISO/IEC 7816-4:2020 §5.6: no precise diagnosis. The JCRE returns it for an uncaught
// exception other than ISOException (JCRE 3.0.5 §3.3).
constexpr std::uint16_t kSwUnknown = 0x6F00;
// ISO/IEC 7816-4: applet selection failed, returned when no applet is selected on the channel.
constexpr std::uint16_t kSwNoApplet = 0x6999;
// ISO/IEC 7816-4: wrong length, for input that does not fit the APDU buffer.
constexpr std::uint16_t kSwWrongLength = 0x6700;

}  // namespace

class Runtime::Impl : public detail::Machine {
 public:
  using Machine::Machine;

  // The status word for an exception that left process(): the reason of an ISOException,
  // 6F00 for anything else.
  std::uint16_t status_of(Ref exception) {
    const detail::Class* iso = find_class(api::framework_class(api::framework::kIsoException));
    const detail::Class* cls = class_of(exception);
    if (iso != nullptr && cls != nullptr && cls->is_subclass_of(iso) &&
        store_.size(exception) >= 4) {
      return get_u16(store_.view(exception), 2);
    }
    return kSwUnknown;
  }

  // Ends whatever a JCRE-initiated call left open: frames, a transaction.
  void settle() {
    frames_.clear();
    context_ = kJcreContext;
    current_applet_ = detail::kNoApplet;
    end_of_command();
  }

  // Calls one of Applet's virtual methods or an interface method on an applet in its context.
  // Returns nullopt when the call threw.
  std::optional<Slot> call_applet(std::uint16_t applet, const detail::Method* method,
                                  std::span<const Slot> args) {
    try {
      return call(method, args, applets_[applet].package->context, applet);
    } catch (const detail::JavaThrow&) {
      return std::nullopt;
    }
  }

  const detail::Method* applet_method(std::uint16_t applet, std::uint8_t token) {
    return resolve_virtual(class_of(applets_[applet].object), token);
  }

  const detail::Method* multi_selectable_method(std::uint16_t applet, std::uint8_t token) {
    return resolve_interface(class_of(applets_[applet].object), multi_selectable_class_, token);
  }
};

Runtime::Runtime(store::Store& store, const NativeRegistry& natives, RuntimeConfig config)
    : config_(config), impl_(std::make_unique<Impl>(store, natives, config)) {
  impl_->power_up();
}

Runtime::~Runtime() = default;

Vm& Runtime::vm() {
  return *impl_;
}

void Runtime::set_platform(PlatformHooks* hooks) {
  impl_->platform_ = hooks != nullptr ? hooks : &impl_->default_platform_;
}

// --- packages ------------------------------------------------------------------------------

PackageInfo Runtime::load_package(ByteView bytes) {
  cap::CapFile cap;
  try {
    cap = cap::read_cap(bytes);
  } catch (const cap::FormatError& e) {
    throw LoadError(LoadError::Code::format, e.what());
  }
  detail::Package* package = impl_->link_cap(cap, bytes, 0, kNullRef, kNullRef);
  PackageInfo info;
  info.aid = package->aid;
  info.major = package->major;
  info.minor = package->minor;
  info.has_applets = !package->applets.empty();
  for (const auto& applet : package->applets) info.applet_classes.push_back(applet.aid);
  log::get("vm")->info("package {} version {}.{} loaded", info.aid.to_hex(), info.major,
                       info.minor);
  return info;
}

void Runtime::delete_package(const Aid& package_aid) {
  Impl& m = *impl_;
  detail::Package* package = m.find_package(package_aid);
  if (package == nullptr) {
    throw RuntimeError(RuntimeError::Code::not_found,
                       fmt::format("package {} not found", package_aid.to_hex()));
  }
  if (package->native != nullptr) {
    throw RuntimeError(
        RuntimeError::Code::in_use,
        fmt::format("package {} is built in and cannot be deleted", package_aid.to_hex()));
  }
  for (const auto& applet : m.applets_) {
    if (!applet.deleted && applet.package == package) {
      throw RuntimeError(RuntimeError::Code::in_use,
                         fmt::format("package {} still has applet instance {}",
                                     package_aid.to_hex(), applet.instance_aid.to_hex()));
    }
  }
  for (const auto& other : m.packages_) {
    if (!other || other.get() == package) continue;
    if (std::find(other->imports.begin(), other->imports.end(), package) != other->imports.end()) {
      throw RuntimeError(RuntimeError::Code::in_use,
                         fmt::format("package {} is imported by package {}", package_aid.to_hex(),
                                     other->aid.to_hex()));
    }
  }
  // Objects of its classes held by other contexts would lose their code (JCRE 3.0.5 §11.3.4.2).
  for (Ref ref : m.reachable(package, detail::kNoApplet)) {
    const store::ObjectHeader& header = m.store_.header(ref);
    if (header.kind == object_kind::kInstance && (header.type >> 16) == package->index) {
      throw RuntimeError(RuntimeError::Code::in_use,
                         fmt::format("objects of package {} are referenced from other contexts",
                                     package_aid.to_hex()));
    }
  }
  // The cleared slot is the commit point; the image and statics become garbage.
  m.clear_package_slot(package->table_slot);
  const std::uint16_t index = package->index;
  m.packages_[index].reset();
  m.collect_garbage();
  log::get("vm")->info("package {} deleted", package_aid.to_hex());
}

std::vector<PackageInfo> Runtime::packages() const {
  std::vector<PackageInfo> result;
  for (const auto& package : impl_->packages_) {
    if (!package) continue;
    PackageInfo info;
    info.aid = package->aid;
    info.major = package->major;
    info.minor = package->minor;
    info.native = package->native != nullptr;
    info.has_applets = !package->applets.empty();
    for (const auto& applet : package->applets) info.applet_classes.push_back(applet.aid);
    result.push_back(std::move(info));
  }
  return result;
}

// --- applets -------------------------------------------------------------------------------

namespace {

// GlobalPlatform Card Specification 2.3.1 §11.5.2.3.7: the install method receives LV
// instance AID, LV privileges and LV application-specific parameters.
void check_install_parameters(ByteView parameters, const Aid& instance_aid) {
  std::size_t at = 0;
  for (int field = 0; field < 3; ++field) {
    if (at >= parameters.size() || parameters.size() - at - 1 < parameters[at]) {
      throw RuntimeError(
          RuntimeError::Code::bad_parameters,
          fmt::format("install parameters {} are not three LV fields", to_hex(parameters)));
    }
    // The instance AID in the parameters is the one being installed.
    const ByteView value(parameters.data() + at + 1, parameters[at]);
    if (field == 0 && !std::equal(value.begin(), value.end(), instance_aid.bytes().begin(),
                                  instance_aid.bytes().end())) {
      throw RuntimeError(RuntimeError::Code::bad_parameters,
                         fmt::format("install parameters name instance AID {}, expected {}",
                                     to_hex(value), instance_aid.to_hex()));
    }
    at += 1u + parameters[at];
  }
  if (at != parameters.size() || parameters.size() > 255) {
    throw RuntimeError(RuntimeError::Code::bad_parameters,
                       fmt::format("install parameters have {} bytes after the three LV fields",
                                   parameters.size() - std::min(at, parameters.size())));
  }
}

AppletInfo info_of(const detail::AppletRecord& record) {
  return AppletInfo{record.instance_aid, record.applet_class->aid, record.package->aid,
                    record.multi_selectable};
}

}  // namespace

AppletInfo Runtime::install_applet(const Aid& package_aid, const Aid& class_aid,
                                   const Aid& instance_aid, ByteView install_parameters) {
  Impl& m = *impl_;
  detail::Package* package = m.find_package(package_aid);
  if (package == nullptr || package->native != nullptr) {
    throw RuntimeError(RuntimeError::Code::not_found,
                       fmt::format("package {} not found", package_aid.to_hex()));
  }
  auto applet_class =
      std::find_if(package->applets.begin(), package->applets.end(),
                   [&](const detail::AppletClass& a) { return a.aid == class_aid; });
  if (applet_class == package->applets.end()) {
    throw RuntimeError(
        RuntimeError::Code::not_found,
        fmt::format("package {} has no applet class {}", package_aid.to_hex(), class_aid.to_hex()));
  }
  if (m.find_applet_index(instance_aid)) {
    throw RuntimeError(RuntimeError::Code::already_exists,
                       fmt::format("an applet instance {} already exists", instance_aid.to_hex()));
  }
  check_install_parameters(install_parameters, instance_aid);

  detail::AppletRecord record;
  record.instance_aid = instance_aid;
  record.package = package;
  record.applet_class = &*applet_class;
  m.applets_.push_back(record);
  const auto index = static_cast<std::uint16_t>(m.applets_.size() - 1);
  m.installing_applet_ = index;
  m.installing_context_ = package->context;
  m.install_aid_ = instance_aid;

  std::string failure;
  try {
    // The install parameters are a global array (JCRE 3.0.5 §6.2.2), in RAM.
    const std::uint8_t flags =
        store::kVolatile | object_flag::kGlobalArray | object_flag::kClearOnReset;
    Ref parameters =
        m.store_.allocate(store::ObjectHeader{object_kind::kByteArray, flags, kJcreContext, 0},
                          static_cast<std::uint32_t>(install_parameters.size()));
    m.store_.write(parameters, 0, install_parameters);
    const Slot args[] = {parameters, 0,
                         slot_of_short(static_cast<std::int8_t>(install_parameters.size()))};
    m.call(applet_class->install, args, package->context, index);
  } catch (const detail::JavaThrow& thrown) {
    const detail::Class* cls = m.class_of(thrown.exception);
    failure = fmt::format("install() threw {}", cls != nullptr ? cls->name : "an exception");
  } catch (const store::OutOfMemory& e) {
    failure = fmt::format("out of memory during install(): {}", e.what());
  }
  m.installing_applet_ = detail::kNoApplet;
  m.installing_context_ = kJcreContext;
  m.install_aid_.reset();
  if (failure.empty() && m.applets_[index].object == kNullRef) {
    failure = "install() returned without calling register()";
  }
  if (!failure.empty()) {
    m.applets_.pop_back();
    m.settle();
    m.collect_garbage();
    throw RuntimeError(RuntimeError::Code::install_failed,
                       fmt::format("installing {} from package {} failed: {}",
                                   instance_aid.to_hex(), package_aid.to_hex(), failure));
  }
  m.settle();

  // The registry slot is the commit point of the installation.
  detail::AppletSlot slot;
  slot.slot = m.free_slot(true);
  slot.package_index = package->index;
  slot.applet_class = static_cast<std::uint16_t>(applet_class - package->applets.begin());
  slot.object = m.applets_[index].object;
  slot.aid = instance_aid;
  m.write_applet_slot(slot);
  m.applets_[index].table_slot = slot.slot;
  log::get("vm")->info("applet {} installed from package {}", instance_aid.to_hex(),
                       package_aid.to_hex());
  return info_of(m.applets_[index]);
}

void Runtime::delete_applet(const Aid& instance_aid) {
  Impl& m = *impl_;
  auto index = m.find_applet_index(instance_aid);
  if (!index) {
    throw RuntimeError(RuntimeError::Code::not_found,
                       fmt::format("applet {} not found", instance_aid.to_hex()));
  }
  for (std::size_t channel = 0; channel < m.selected_.size(); ++channel) {
    if (m.selected_[channel] == *index) {
      throw RuntimeError(
          RuntimeError::Code::in_use,
          fmt::format("applet {} is selected on channel {}", instance_aid.to_hex(), channel));
    }
  }
  detail::AppletRecord& record = m.applets_[*index];
  // JCRE 3.0.5 §11.3.4.1: refused while objects of the applet's context are reachable from
  // another context (its applets, static fields, objects).
  if (!m.deletable(*index)) {
    throw RuntimeError(RuntimeError::Code::in_use,
                       fmt::format("objects of applet {} are referenced from other contexts",
                                   instance_aid.to_hex()));
  }
  const detail::Class* cls = m.class_of(record.object);
  if (m.applet_event_class_ != nullptr && cls->implements(m.applet_event_class_)) {
    const detail::Method* uninstall =
        m.resolve_interface(cls, m.applet_event_class_, api::framework::kAppletEventUninstall);
    if (uninstall != nullptr) {
      const Slot args[] = {record.object};
      m.call_applet(*index, uninstall, args);
    }
    m.settle();
  }
  m.clear_applet_slot(static_cast<std::uint16_t>(record.table_slot));
  record.deleted = true;
  m.collect_garbage();
  log::get("vm")->info("applet {} deleted", instance_aid.to_hex());
}

std::vector<AppletInfo> Runtime::applets() const {
  std::vector<AppletInfo> result;
  for (const auto& record : impl_->applets_) {
    if (!record.deleted) result.push_back(info_of(record));
  }
  return result;
}

std::optional<AppletInfo> Runtime::find_applet(const Aid& instance_aid) const {
  auto index = impl_->find_applet_index(instance_aid);
  if (!index) return std::nullopt;
  return info_of(impl_->applets_[*index]);
}

// --- selection -----------------------------------------------------------------------------

// JCRE 3.0.5 §4.2 and §4.6: selection on a logical channel, with the MultiSelectable rules for
// an applet (or a package) already active on another channel.
bool Runtime::select(std::uint8_t channel, const Aid& instance_aid) {
  Impl& m = *impl_;
  if (channel >= m.selected_.size()) return false;
  auto index = m.find_applet_index(instance_aid);
  if (!index) return false;
  const bool reselect = m.selected_[channel] == *index;
  if (!reselect) deselect(channel);

  const detail::AppletRecord& record = m.applets_[*index];
  const bool active_elsewhere = m.applet_active_elsewhere(*index, channel);
  const bool package_active = m.package_active_elsewhere(record.package, channel);
  if ((active_elsewhere || package_active) && !record.multi_selectable) {
    m.selected_[channel].reset();
    return false;
  }

  m.selected_[channel] = *index;
  m.apdu_ = ApduExchange{};
  m.apdu_->channel = channel;
  m.in_select_ = true;
  m.reselecting_ = reselect;
  std::optional<Slot> accepted;
  if (record.multi_selectable && (active_elsewhere || package_active)) {
    const Slot args[] = {record.object, active_elsewhere ? 1u : 0u};
    accepted = m.call_applet(
        *index, m.multi_selectable_method(*index, api::framework::kMultiSelectableSelect), args);
  } else {
    const Slot args[] = {record.object};
    accepted = m.call_applet(*index, m.applet_method(*index, api::framework::kAppletSelect), args);
  }
  m.apdu_.reset();
  m.in_select_ = false;
  m.settle();
  if (!accepted || *accepted == 0) {
    m.selected_[channel].reset();
    m.reselecting_ = false;
    if (!m.context_selected(record.package->context)) {
      m.clear_transient(object_flag::kClearOnDeselect, record.package->context);
    }
    return false;
  }
  m.selecting_[channel] = true;
  return true;
}

void Runtime::deselect(std::uint8_t channel) {
  Impl& m = *impl_;
  if (channel >= m.selected_.size() || !m.selected_[channel]) return;
  const std::uint16_t index = *m.selected_[channel];
  const detail::AppletRecord& record = m.applets_[index];
  const bool active_elsewhere = m.applet_active_elsewhere(index, channel);
  const bool package_active = m.package_active_elsewhere(record.package, channel);
  m.apdu_ = ApduExchange{};
  m.apdu_->channel = channel;
  if (record.multi_selectable && (active_elsewhere || package_active)) {
    const Slot args[] = {record.object, active_elsewhere ? 1u : 0u};
    m.call_applet(index, m.multi_selectable_method(index, api::framework::kMultiSelectableDeselect),
                  args);
  } else {
    const Slot args[] = {record.object};
    m.call_applet(index, m.applet_method(index, api::framework::kAppletDeselect), args);
  }
  m.apdu_.reset();
  m.settle();
  m.selected_[channel].reset();
  m.selecting_[channel] = false;
  m.reselecting_ = false;
  // CLEAR_ON_DESELECT arrays are cleared when no applet of their context is active any more
  // (JCRE 3.0.5 §5.1).
  if (!m.context_selected(record.package->context)) {
    m.clear_transient(object_flag::kClearOnDeselect, record.package->context);
  }
}

std::optional<Aid> Runtime::selected(std::uint8_t channel) const {
  if (channel >= impl_->selected_.size() || !impl_->selected_[channel]) return std::nullopt;
  return impl_->applets_[*impl_->selected_[channel]].instance_aid;
}

// --- commands ------------------------------------------------------------------------------

Response Runtime::process(std::uint8_t channel, ByteView command) {
  Impl& m = *impl_;
  Response response;
  if (channel >= m.selected_.size() || !m.selected_[channel]) {
    response.status = kSwNoApplet;
    return response;
  }
  const std::uint16_t index = *m.selected_[channel];
  const detail::AppletRecord& record = m.applets_[index];

  m.apdu_ = ApduExchange{};
  ApduExchange& apdu = *m.apdu_;
  apdu.command.assign(command.begin(), command.end());
  apdu.channel = channel;
  apdu.buffer = m.apdu_buffer();
  apdu.object = m.apdu_object();
  // The buffer starts with the command as received, as far as it fits. The API's APDU class
  // decides which part of it the applet reads.
  m.store_.fill_non_atomic(apdu.buffer, 0, m.store_.size(apdu.buffer), 0);
  const std::size_t copied = std::min<std::size_t>(command.size(), m.store_.size(apdu.buffer));
  m.store_.write(apdu.buffer, 0, command.first(copied));
  m.in_select_ = m.selecting_[channel];
  m.selecting_[channel] = false;

  try {
    const Slot args[] = {record.object, apdu.object};
    m.call(m.applet_method(index, api::framework::kAppletProcess), args, record.package->context,
           index);
  } catch (const detail::JavaThrow& thrown) {
    response.status = m.status_of(thrown.exception);
  } catch (const store::PowerLoss&) {
    throw;
  } catch (const std::exception& e) {
    log::get("vm")->error("internal error while applet {} processed a command: {}",
                          record.instance_aid.to_hex(), e.what());
    response.status = kSwUnknown;
  }
  response.data = std::move(m.apdu_->response);
  m.apdu_.reset();
  m.in_select_ = false;
  m.reselecting_ = false;
  m.settle();
  return response;
}

std::optional<Response> Runtime::call_applet_interface(std::uint8_t channel,
                                                       const Aid& instance_aid,
                                                       const ClassName& interface_name,
                                                       std::uint8_t token, ByteView input,
                                                       bool output) {
  Impl& m = *impl_;
  auto index = m.find_applet_index(instance_aid);
  const detail::Class* interface_class = m.find_class(interface_name);
  if (!index || interface_class == nullptr || channel >= m.selected_.size()) return std::nullopt;
  const detail::AppletRecord& record = m.applets_[*index];
  const detail::Method* method =
      m.resolve_interface(m.class_of(record.object), interface_class, token);
  if (method == nullptr) return std::nullopt;

  Response response;
  m.apdu_ = ApduExchange{};
  ApduExchange& apdu = *m.apdu_;
  apdu.command.assign(input.begin(), input.end());
  apdu.channel = channel;
  apdu.buffer = m.apdu_buffer();
  apdu.object = m.apdu_object();
  const std::uint32_t buffer_size = m.store_.size(apdu.buffer);
  if (input.size() > buffer_size) {
    m.apdu_.reset();
    response.status = kSwWrongLength;
    return response;
  }
  m.store_.fill_non_atomic(apdu.buffer, 0, buffer_size, 0);
  m.store_.write(apdu.buffer, 0, input);

  std::vector<Slot> args{record.object, apdu.buffer, 0, static_cast<Slot>(input.size())};
  if (output) args.insert(args.end(), {apdu.buffer, 0});
  try {
    const Slot result = m.call(method, args, record.package->context, *index);
    if (output) {
      const std::int16_t length = short_of_slot(result);
      if (length < 0 || static_cast<std::uint32_t>(length) > buffer_size) {
        response.status = kSwUnknown;
      } else {
        const ByteView written = m.store_.view(apdu.buffer).first(static_cast<std::size_t>(length));
        response.data.assign(written.begin(), written.end());
      }
    } else {
      response.data = std::move(apdu.response);
    }
  } catch (const detail::JavaThrow& thrown) {
    response.status = m.status_of(thrown.exception);
  } catch (const store::PowerLoss&) {
    throw;
  } catch (const std::exception& e) {
    log::get("vm")->error("internal error in an interface call on applet {}: {}",
                          record.instance_aid.to_hex(), e.what());
    response.status = kSwUnknown;
  }
  m.apdu_.reset();
  m.settle();
  return response;
}

void Runtime::reset() {
  Impl& m = *impl_;
  if (m.store_.in_transaction()) m.store_.abort_transaction();
  m.forget_objects();
  for (auto& selected : m.selected_) selected.reset();
  std::fill(m.selecting_.begin(), m.selecting_.end(), false);
  m.clear_transient(object_flag::kClearOnReset, std::nullopt);
  m.clear_transient(object_flag::kClearOnDeselect, std::nullopt);
  m.settle();
}

}  // namespace uicc::vm
