#include "test/security_domains/fake_content.h"

#include <stdexcept>

#include "util/tlv.h"

namespace uicc::test {

namespace {

constexpr std::string_view kMagic = "FAKE-CAP";

Bytes key_of(ByteView aid) {
  return Bytes(aid.begin(), aid.end());
}

Bytes encode(const std::map<Bytes, sd::PackageInfo>& packages,
             const std::map<Bytes, Bytes>& applets) {
  Bytes out;
  for (const auto& [aid, info] : packages) {
    Bytes entry = tlv::encode(0x80, aid);
    tlv::append(entry, 0x81, Bytes{info.major, info.minor});
    for (const Bytes& applet_class : info.applet_classes) tlv::append(entry, 0x82, applet_class);
    tlv::append(out, 0xA1, entry);
  }
  for (const auto& [instance, package] : applets) {
    Bytes entry = tlv::encode(0x80, instance);
    tlv::append(entry, 0x81, package);
    tlv::append(out, 0xA2, entry);
  }
  return out;
}

}  // namespace

Bytes fake_load_file(ByteView package, std::uint8_t major, std::uint8_t minor,
                     const std::vector<Bytes>& applet_classes, std::size_t padding) {
  Bytes out(kMagic.begin(), kMagic.end());
  out.push_back(static_cast<std::uint8_t>(package.size()));
  append(out, package);
  out.push_back(major);
  out.push_back(minor);
  out.push_back(static_cast<std::uint8_t>(applet_classes.size()));
  for (const Bytes& applet_class : applet_classes) {
    out.push_back(static_cast<std::uint8_t>(applet_class.size()));
    append(out, applet_class);
  }
  for (std::size_t i = 0; i < padding; ++i) out.push_back(static_cast<std::uint8_t>(i));
  return out;
}

FakeContent::FakeContent(store::Store& store, std::size_t root) : store_(store), root_(root) {
  store::Handle handle = store_.root(root_);
  if (handle == store::kNull) return;
  ByteView object = store_.view(handle);
  std::uint32_t length = get_u32(object, 0);
  auto elements = tlv::parse_all(object.subspan(4, length));
  if (!elements) throw std::runtime_error("fake content table is damaged");
  for (const tlv::Element& e : *elements) {
    auto aid = tlv::find(e.value, 0x80);
    if (e.tag == 0xA1) {
      sd::PackageInfo info;
      info.aid = key_of(aid->value);
      auto version = tlv::find(e.value, 0x81);
      info.major = version->value[0];
      info.minor = version->value[1];
      auto fields = tlv::parse_all(e.value);
      for (const tlv::Element& field : *fields) {
        if (field.tag == 0x82) info.applet_classes.push_back(key_of(field.value));
      }
      table_.packages[info.aid] = info;
    } else {
      table_.applets[key_of(aid->value)] = key_of(tlv::find(e.value, 0x81)->value);
    }
  }
}

void FakeContent::save() {
  Bytes blob = encode(table_.packages, table_.applets);
  Bytes content;
  append_u32(content, static_cast<std::uint32_t>(blob.size()));
  append(content, blob);
  store::Handle handle = store_.root(root_);
  if (handle != store::kNull && store_.size(handle) >= content.size()) {
    store_.write(handle, 0, content);
    return;
  }
  // Like the runtime, a change is one transaction: the new table or the old one survives.
  store::atomically(store_, [&] {
    store::Handle fresh = store_.allocate(store::ObjectHeader{0x21, 0, 0, 0},
                                          static_cast<std::uint32_t>(content.size() + 512));
    store_.write(fresh, 0, content);
    store_.set_root(root_, fresh);
  });
  if (handle != store::kNull) store_.release(handle);
}

void FakeContent::check_failure() {
  if (!fail_next) return;
  sd::ContentError::Code code = *fail_next;
  fail_next.reset();
  throw sd::ContentError(code, "injected failure");
}

sd::PackageInfo FakeContent::load_package(ByteView data) {
  check_failure();
  if (data.size() < kMagic.size() + 4 || !std::equal(kMagic.begin(), kMagic.end(), data.begin())) {
    throw sd::ContentError(sd::ContentError::Code::malformed, "not a fake load file");
  }
  // Every length is checked: LOAD hands this whatever the off-card entity sent.
  std::size_t position = kMagic.size();
  auto byte = [&]() -> std::uint8_t {
    if (position >= data.size())
      throw sd::ContentError(sd::ContentError::Code::malformed, "fake load file truncated");
    return data[position++];
  };
  auto field = [&]() -> Bytes {
    std::size_t length = byte();
    if (length > data.size() - position)
      throw sd::ContentError(sd::ContentError::Code::malformed, "fake load file truncated");
    Bytes value = key_of(data.subspan(position, length));
    position += length;
    return value;
  };

  sd::PackageInfo info;
  info.aid = field();
  info.major = byte();
  info.minor = byte();
  std::size_t classes = byte();
  for (std::size_t i = 0; i < classes; ++i) info.applet_classes.push_back(field());
  if (table_.packages.count(info.aid) != 0) {
    throw sd::ContentError(sd::ContentError::Code::already_exists, "package exists");
  }
  table_.packages[info.aid] = info;
  save();
  return info;
}

void FakeContent::install_applet(ByteView package_aid, ByteView class_aid, ByteView instance_aid,
                                 ByteView install_parameters) {
  check_failure();
  auto package = table_.packages.find(key_of(package_aid));
  if (package == table_.packages.end())
    throw sd::ContentError(sd::ContentError::Code::not_found, "no package");
  const auto& classes = package->second.applet_classes;
  if (std::find(classes.begin(), classes.end(), key_of(class_aid)) == classes.end()) {
    throw sd::ContentError(sd::ContentError::Code::not_found, "no applet class");
  }
  if (table_.applets.count(key_of(instance_aid)) != 0) {
    throw sd::ContentError(sd::ContentError::Code::already_exists, "instance exists");
  }
  table_.applets[key_of(instance_aid)] = key_of(package_aid);
  last_install_parameters[key_of(instance_aid)] = key_of(install_parameters);
  save();
}

void FakeContent::delete_applet(ByteView instance_aid) {
  check_failure();
  if (table_.applets.erase(key_of(instance_aid)) == 0) {
    throw sd::ContentError(sd::ContentError::Code::not_found, "no instance");
  }
  save();
}

void FakeContent::delete_package(ByteView package_aid) {
  check_failure();
  for (const auto& [instance, package] : table_.applets) {
    if (package == key_of(package_aid))
      throw sd::ContentError(sd::ContentError::Code::in_use, "instances exist");
  }
  if (table_.packages.erase(key_of(package_aid)) == 0) {
    throw sd::ContentError(sd::ContentError::Code::not_found, "no package");
  }
  save();
}

bool FakeContent::has_package(ByteView package_aid) const {
  return table_.packages.count(key_of(package_aid)) != 0;
}

bool FakeContent::has_applet(ByteView instance_aid) const {
  return table_.applets.count(key_of(instance_aid)) != 0;
}

bool FakeContent::is_selected(ByteView instance_aid) const {
  return selected.count(key_of(instance_aid)) != 0;
}

apdu::Response FakeContent::process_data(ByteView instance_aid, const apdu::Command& command) {
  personalization.emplace_back(key_of(instance_aid), command.data);
  return apdu::Response{};
}

}  // namespace uicc::test
