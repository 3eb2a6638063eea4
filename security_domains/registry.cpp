#include "security_domains/registry.h"

#include <algorithm>

#include <fmt/format.h>

#include "util/tlv.h"

namespace uicc::sd {

namespace {

// The encoding is BER-TLV with context tags of its own, versioned by tag 80 at the top.
constexpr std::uint8_t kFormatVersion = 1;

namespace tag {
inline constexpr std::uint32_t version = 0x80;
inline constexpr std::uint32_t card = 0xA1;
inline constexpr std::uint32_t load_file = 0xA2;
inline constexpr std::uint32_t application = 0xA3;
inline constexpr std::uint32_t domain = 0xAA;
inline constexpr std::uint32_t cvm = 0xA5;
inline constexpr std::uint32_t data_objects = 0xA3;
inline constexpr std::uint32_t key = 0xA4;
inline constexpr std::uint32_t component = 0xA5;
inline constexpr std::uint32_t counter = 0xA6;
}  // namespace tag

void put_byte(Bytes& out, std::uint32_t tag_value, std::uint8_t value) {
  tlv::append(out, tag_value, Bytes{value});
}

void put_u32(Bytes& out, std::uint32_t tag_value, std::uint32_t value) {
  Bytes bytes;
  append_u32(bytes, value);
  tlv::append(out, tag_value, bytes);
}

// A parsed template: its elements by tag, in order, with checks that name the field.
class Fields {
 public:
  Fields(ByteView bytes, std::string_view what) : what_(what) {
    auto parsed = tlv::parse_all(bytes);
    if (!parsed) throw RegistryError(fmt::format("registry {} is malformed", what));
    elements_ = std::move(*parsed);
  }

  std::optional<ByteView> find(std::uint32_t wanted) const {
    for (const tlv::Element& e : elements_) {
      if (e.tag == wanted) return e.value;
    }
    return std::nullopt;
  }
  ByteView require(std::uint32_t wanted) const {
    std::optional<ByteView> value = find(wanted);
    if (!value) throw RegistryError(fmt::format("registry {} lacks field {:02X}", what_, wanted));
    return *value;
  }
  Bytes bytes(std::uint32_t wanted) const {
    std::optional<ByteView> value = find(wanted);
    return value ? Bytes(value->begin(), value->end()) : Bytes{};
  }
  std::uint8_t byte(std::uint32_t wanted, std::uint8_t fallback) const {
    std::optional<ByteView> value = find(wanted);
    if (!value) return fallback;
    if (value->size() != 1) {
      throw RegistryError(fmt::format("registry {} field {:02X} is not one byte", what_, wanted));
    }
    return (*value)[0];
  }
  std::uint32_t u32(std::uint32_t wanted) const {
    ByteView value = require(wanted);
    if (value.size() != 4) {
      throw RegistryError(fmt::format("registry {} field {:02X} is not four bytes", what_, wanted));
    }
    return get_u32(value, 0);
  }
  std::vector<ByteView> all(std::uint32_t wanted) const {
    std::vector<ByteView> values;
    for (const tlv::Element& e : elements_) {
      if (e.tag == wanted) values.push_back(e.value);
    }
    return values;
  }

 private:
  std::string_view what_;
  std::vector<tlv::Element> elements_;
};

Bytes encode_key(const Key& key) {
  Bytes out;
  put_byte(out, 0x80, key.id);
  put_byte(out, 0x81, key.version);
  if (key.usage) put_byte(out, 0x82, *key.usage);
  if (key.access) put_byte(out, 0x83, *key.access);
  put_byte(out, 0x84, key.extended_format ? 1 : 0);
  for (const KeyComponent& c : key.components) {
    Bytes component;
    put_byte(component, 0x80, c.type);
    tlv::append(component, 0x81, c.value.view());
    tlv::append(out, tag::component, component);
  }
  return out;
}

Key decode_key(ByteView bytes) {
  Fields f(bytes, "key");
  Key key;
  key.id = f.byte(0x80, 0);
  key.version = f.byte(0x81, 0);
  if (f.find(0x82)) key.usage = f.byte(0x82, 0);
  if (f.find(0x83)) key.access = f.byte(0x83, 0);
  key.extended_format = f.byte(0x84, 0) != 0;
  for (ByteView component_bytes : f.all(tag::component)) {
    Fields c(component_bytes, "key component");
    key.components.push_back(KeyComponent{c.byte(0x80, 0), SecretBytes(c.require(0x81))});
  }
  return key;
}

Bytes encode_domain(const DomainData& domain) {
  Bytes out;
  put_byte(out, 0x80, static_cast<std::uint8_t>(domain.scp.protocol));
  put_byte(out, 0x81, domain.scp.i);
  Bytes counter;
  append_u16(counter, domain.confirmation_counter);
  tlv::append(out, 0x82, counter);
  Bytes objects;
  for (const auto& [object_tag, value] : domain.data_objects)
    tlv::append(objects, object_tag, value);
  tlv::append(out, tag::data_objects, objects);
  for (const Key& key : domain.keys) tlv::append(out, tag::key, encode_key(key));
  for (const auto& [version, value] : domain.sequence_counters) {
    Bytes entry;
    put_byte(entry, 0x80, version);
    put_u32(entry, 0x81, value);
    tlv::append(out, tag::counter, entry);
  }
  return out;
}

DomainData decode_domain(ByteView bytes) {
  Fields f(bytes, "security domain");
  DomainData domain;
  std::uint8_t protocol = f.byte(0x80, 0x03);
  if (protocol != 0x02 && protocol != 0x03) {
    throw RegistryError(fmt::format("registry names secure channel protocol {:02X}", protocol));
  }
  domain.scp.protocol = static_cast<scp::Protocol>(protocol);
  domain.scp.i = f.byte(0x81, 0x70);
  ByteView counter = f.require(0x82);
  if (counter.size() != 2) throw RegistryError("registry confirmation counter is not two bytes");
  domain.confirmation_counter = get_u16(counter, 0);
  if (auto objects = f.find(tag::data_objects)) {
    auto parsed = tlv::parse_all(*objects);
    if (!parsed) throw RegistryError("registry data objects are malformed");
    for (const tlv::Element& e : *parsed)
      domain.data_objects[e.tag] = Bytes(e.value.begin(), e.value.end());
  }
  for (ByteView key : f.all(tag::key)) domain.keys.push_back(decode_key(key));
  for (ByteView entry : f.all(tag::counter)) {
    Fields c(entry, "sequence counter");
    domain.sequence_counters[c.byte(0x80, 0)] = c.u32(0x81);
  }
  return domain;
}

Bytes encode_application(const ApplicationEntry& app) {
  Bytes out;
  tlv::append(out, 0x80, app.aid);
  tlv::append(out, 0x81, app.load_file);
  tlv::append(out, 0x82, app.module);
  put_byte(out, 0x83, app.life_cycle);
  tlv::append(out, 0x84, app.privileges.view());
  tlv::append(out, 0x85, app.security_domain);
  tlv::append(out, 0x86, app.implicit_selection);
  put_byte(out, 0x87, app.restrictions);
  tlv::append(out, 0x88, app.provider);
  Bytes services;
  for (std::uint16_t service : app.global_services) append_u16(services, service);
  tlv::append(out, 0x89, services);
  if (app.domain) tlv::append(out, tag::domain, encode_domain(*app.domain));
  return out;
}

ApplicationEntry decode_application(ByteView bytes) {
  Fields f(bytes, "application");
  ApplicationEntry app;
  app.aid = f.bytes(0x80);
  if (!valid_aid(app.aid)) throw RegistryError("registry application AID is not 5 to 16 bytes");
  app.load_file = f.bytes(0x81);
  app.module = f.bytes(0x82);
  app.life_cycle = f.byte(0x83, life_cycle::installed);
  ByteView privileges = f.require(0x84);
  if (privileges.size() != 3) throw RegistryError("registry privileges are not three bytes");
  app.privileges = Privileges({privileges[0], privileges[1], privileges[2]});
  app.security_domain = f.bytes(0x85);
  app.implicit_selection = f.bytes(0x86);
  app.restrictions = f.byte(0x87, 0);
  app.provider = f.bytes(0x88);
  Bytes services = f.bytes(0x89);
  if (services.size() % 2 != 0) throw RegistryError("registry global services are malformed");
  for (std::size_t i = 0; i < services.size(); i += 2)
    app.global_services.push_back(get_u16(services, i));
  if (auto domain = f.find(tag::domain)) app.domain = decode_domain(*domain);
  return app;
}

Bytes encode_load_file(const LoadFileEntry& file) {
  Bytes out;
  tlv::append(out, 0x80, file.aid);
  tlv::append(out, 0x81, file.security_domain);
  put_byte(out, 0x82, file.major);
  put_byte(out, 0x83, file.minor);
  for (const Bytes& module : file.modules) tlv::append(out, 0x84, module);
  tlv::append(out, 0x85, file.provider);
  return out;
}

LoadFileEntry decode_load_file(ByteView bytes) {
  Fields f(bytes, "load file");
  LoadFileEntry file;
  file.aid = f.bytes(0x80);
  if (!valid_aid(file.aid)) throw RegistryError("registry load file AID is not 5 to 16 bytes");
  file.security_domain = f.bytes(0x81);
  file.major = f.byte(0x82, 0);
  file.minor = f.byte(0x83, 0);
  for (ByteView module : f.all(0x84)) file.modules.emplace_back(module.begin(), module.end());
  file.provider = f.bytes(0x85);
  return file;
}

Bytes encode_card(const CardData& card, ByteView isd_aid) {
  Bytes out;
  put_byte(out, 0x80, card.life_cycle);
  put_byte(out, 0x81, card.restrictions);
  tlv::append(out, 0x82, card.cplc);
  tlv::append(out, 0x83, card.owner);
  tlv::append(out, 0x84, isd_aid);
  Bytes cvm;
  tlv::append(cvm, 0x80, card.cvm.value.view());
  put_byte(cvm, 0x81, card.cvm.try_limit);
  put_byte(cvm, 0x82, card.cvm.tries_remaining);
  put_byte(cvm, 0x83,
           static_cast<std::uint8_t>((card.cvm.active ? 1 : 0) | (card.cvm.blocked ? 2 : 0)));
  put_byte(cvm, 0x84, card.cvm.format);
  tlv::append(out, tag::cvm, cvm);
  if (card.atr_historical_bytes_set) tlv::append(out, 0x85, card.atr_historical_bytes);
  return out;
}

}  // namespace

const Key* DomainData::find_key(std::uint8_t version, std::uint8_t id) const {
  for (const Key& key : keys) {
    if (key.version == version && key.id == id) return &key;
  }
  return nullptr;
}

ApplicationEntry* Registry::find_application(ByteView aid) {
  for (ApplicationEntry& app : applications) {
    if (std::equal(app.aid.begin(), app.aid.end(), aid.begin(), aid.end())) return &app;
  }
  return nullptr;
}

const ApplicationEntry* Registry::find_application(ByteView aid) const {
  return const_cast<Registry*>(this)->find_application(aid);
}

LoadFileEntry* Registry::find_load_file(ByteView aid) {
  for (LoadFileEntry& file : load_files) {
    if (std::equal(file.aid.begin(), file.aid.end(), aid.begin(), aid.end())) return &file;
  }
  return nullptr;
}

const LoadFileEntry* Registry::find_load_file(ByteView aid) const {
  return const_cast<Registry*>(this)->find_load_file(aid);
}

ApplicationEntry& Registry::isd() {
  ApplicationEntry* isd = find_application(isd_aid);
  if (isd == nullptr) throw RegistryError("registry has no issuer security domain");
  return *isd;
}

const ApplicationEntry& Registry::isd() const {
  return const_cast<Registry*>(this)->isd();
}

bool Registry::associated(ByteView entity_domain, ByteView domain) const {
  Bytes current(entity_domain.begin(), entity_domain.end());
  // The hierarchy is a tree rooted at the issuer security domain, which is associated with
  // itself; the bound stops a corrupted cycle.
  for (std::size_t depth = 0; depth <= applications.size(); ++depth) {
    if (std::equal(current.begin(), current.end(), domain.begin(), domain.end())) return true;
    const ApplicationEntry* sd = find_application(current);
    if (sd == nullptr || sd->security_domain == current) return false;
    current = sd->security_domain;
  }
  return false;
}

const ApplicationEntry* Registry::holder(Privilege privilege) const {
  for (const ApplicationEntry& app : applications) {
    if (app.privileges.has(privilege)) return &app;
  }
  return nullptr;
}

Bytes Registry::encode() const {
  Bytes out;
  put_byte(out, tag::version, kFormatVersion);
  tlv::append(out, tag::card, encode_card(card, isd_aid));
  for (const LoadFileEntry& file : load_files)
    tlv::append(out, tag::load_file, encode_load_file(file));
  for (const ApplicationEntry& app : applications) {
    tlv::append(out, tag::application, encode_application(app));
  }
  return out;
}

Registry Registry::decode(ByteView bytes) {
  Fields f(bytes, "image");
  std::uint8_t version = f.byte(tag::version, 0);
  if (version != kFormatVersion) {
    throw RegistryError(fmt::format("registry format version {} is not supported", version));
  }
  Registry registry;
  Fields card(f.require(tag::card), "card data");
  registry.card.life_cycle = card.byte(0x80, life_cycle::secured);
  registry.card.restrictions = card.byte(0x81, 0);
  registry.card.cplc = card.bytes(0x82);
  registry.card.owner = card.bytes(0x83);
  registry.isd_aid = card.bytes(0x84);
  if (auto cvm_bytes = card.find(tag::cvm)) {
    Fields cvm(*cvm_bytes, "CVM");
    registry.card.cvm.value = SecretBytes(cvm.bytes(0x80));
    registry.card.cvm.try_limit = cvm.byte(0x81, 0);
    registry.card.cvm.tries_remaining = cvm.byte(0x82, 0);
    std::uint8_t flags = cvm.byte(0x83, 0);
    registry.card.cvm.active = (flags & 1) != 0;
    registry.card.cvm.blocked = (flags & 2) != 0;
    registry.card.cvm.format = cvm.byte(0x84, 0);
  }
  if (auto historical = card.find(0x85)) {
    registry.card.atr_historical_bytes.assign(historical->begin(), historical->end());
    registry.card.atr_historical_bytes_set = true;
  }
  for (ByteView file : f.all(tag::load_file)) registry.load_files.push_back(decode_load_file(file));
  for (ByteView app : f.all(tag::application))
    registry.applications.push_back(decode_application(app));
  if (registry.find_application(registry.isd_aid) == nullptr) {
    throw RegistryError("registry has no entry for the issuer security domain");
  }
  return registry;
}

}  // namespace uicc::sd
