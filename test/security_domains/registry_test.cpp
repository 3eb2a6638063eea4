#include <gtest/gtest.h>

#include "security_domains/keys.h"
#include "security_domains/life_cycle.h"
#include "security_domains/privileges.h"
#include "security_domains/registry.h"
#include "security_domains/registry_store.h"
#include "test/security_domains/vector_file.h"

namespace uicc::sd {
namespace {

TEST(Privileges, DecodesThreeBytesAndDefaultsOneByte) {
  auto isd = Privileges::decode(from_hex("9EFE80"));
  ASSERT_TRUE(isd);
  EXPECT_TRUE(isd->has(Privilege::security_domain));
  EXPECT_TRUE(isd->has(Privilege::authorized_management));
  EXPECT_TRUE(isd->has(Privilege::final_application));
  EXPECT_TRUE(isd->has(Privilege::receipt_generation));
  EXPECT_FALSE(isd->has(Privilege::delegated_management));
  EXPECT_FALSE(isd->has(Privilege::dap_verification));

  // GPCS 2.3.1 Table 6-2: a one-byte field gives a security domain Trusted Path.
  auto domain = Privileges::decode(from_hex("80"));
  ASSERT_TRUE(domain);
  EXPECT_EQ(to_hex(domain->view()), "808000");
  auto application = Privileges::decode(from_hex("00"));
  ASSERT_TRUE(application);
  EXPECT_EQ(to_hex(application->view()), "000000");
  EXPECT_FALSE(Privileges::decode(from_hex("8000")));
  EXPECT_FALSE(Privileges::decode(Bytes{}));
}

TEST(Privileges, DistinguishesDapFromMandatedDap) {
  auto dap = Privileges::decode(from_hex("C00000"));
  ASSERT_TRUE(dap);
  EXPECT_TRUE(dap->has(Privilege::dap_verification));
  EXPECT_FALSE(dap->has(Privilege::mandated_dap_verification));
  auto mandated = Privileges::decode(from_hex("C10000"));
  ASSERT_TRUE(mandated);
  EXPECT_TRUE(mandated->has(Privilege::mandated_dap_verification));
  EXPECT_TRUE(mandated->has(Privilege::dap_verification));
  // DAP, Delegated Management and Mandated DAP bits need the Security Domain bit.
  EXPECT_FALSE(Privileges::decode(from_hex("400000")));
  EXPECT_FALSE(Privileges::decode(from_hex("200000")));
  EXPECT_FALSE(Privileges::decode(from_hex("010000")));
}

TEST(Privileges, ReportsMutuallyExclusivePrivileges) {
  EXPECT_FALSE(Privileges::decode(from_hex("A00000"))->conflict());
  EXPECT_TRUE(Privileges::decode(from_hex("A04000"))->conflict());  // DM + AM
  EXPECT_TRUE(Privileges::decode(from_hex("A02000"))->conflict());  // DM + Token Verification
  EXPECT_TRUE(Privileges::decode(from_hex("A00080"))->conflict());  // DM + Receipt Generation
  EXPECT_FALSE(Privileges::decode(from_hex("8060C0"))->conflict());
}

TEST(Privileges, SetAndClearKeepOtherBits) {
  Privileges privileges;
  privileges.set(Privilege::mandated_dap_verification);
  EXPECT_EQ(to_hex(privileges.view()), "C10000");
  privileges.set(Privilege::mandated_dap_verification, false);
  EXPECT_EQ(to_hex(privileges.view()), "C00000");
  privileges.set(Privilege::card_reset);
  privileges.set(Privilege::global_service);
  privileges.set(Privilege::contactless_self_activation);
  EXPECT_EQ(to_hex(privileges.view()), "C40110");
}

TEST(LifeCycle, CardTransitionsFollowFigure51) {
  using namespace life_cycle;
  EXPECT_TRUE(card_transition_allowed(op_ready, initialized));
  EXPECT_TRUE(card_transition_allowed(op_ready, secured));
  EXPECT_TRUE(card_transition_allowed(initialized, secured));
  EXPECT_TRUE(card_transition_allowed(secured, card_locked));
  EXPECT_TRUE(card_transition_allowed(card_locked, secured));
  EXPECT_TRUE(card_transition_allowed(secured, terminated));
  EXPECT_TRUE(card_transition_allowed(op_ready, terminated));
  EXPECT_FALSE(card_transition_allowed(secured, initialized));
  EXPECT_FALSE(card_transition_allowed(initialized, op_ready));
  EXPECT_FALSE(card_transition_allowed(terminated, secured));
  EXPECT_FALSE(card_transition_allowed(initialized, card_locked));
  EXPECT_FALSE(card_transition_allowed(secured, secured));
}

TEST(LifeCycle, ApplicationStates) {
  using namespace life_cycle;
  EXPECT_TRUE(is_selectable(selectable));
  EXPECT_TRUE(is_selectable(0x1F));  // application specific
  EXPECT_FALSE(is_selectable(installed));
  EXPECT_FALSE(is_selectable(0x87));
  EXPECT_TRUE(application_state_valid(0x7F));
  EXPECT_FALSE(application_state_valid(0x05));
}

TEST(Keys, CheckValuesMatchPublishedValues) {
  // Amendment D test keys of pySim's SCP03 tests: KCVs C35280, 013808, 840DE5.
  EXPECT_EQ(to_hex(*key_check_value(key_type::aes,
                                    SecretBytes(from_hex("000102030405060708090a0b0c0d0e0f")))),
            "C35280");
  EXPECT_EQ(to_hex(*key_check_value(key_type::aes,
                                    SecretBytes(from_hex("101112131415161718191a1b1c1d1e1f")))),
            "013808");
  EXPECT_EQ(to_hex(*key_check_value(key_type::aes,
                                    SecretBytes(from_hex("202122232425262728292a2b2c2d2e2f")))),
            "840DE5");
  // DES: 3DES of eight zero bytes under the key (computed with openssl enc -des-ede-ecb).
  EXPECT_EQ(to_hex(*key_check_value(key_type::des,
                                    SecretBytes(from_hex("404142434445464748494A4B4C4D4E4F")))),
            "8BAF47");
  EXPECT_FALSE(key_check_value(key_type::rsa_modulus, SecretBytes(Bytes(128, 1))));
}

Key aes_key(std::uint8_t id, std::uint8_t version, std::size_t size = 16) {
  Key key;
  key.id = id;
  key.version = version;
  key.components.push_back(KeyComponent{key_type::aes, SecretBytes(Bytes(size, id))});
  return key;
}

TEST(Keys, InformationTemplateBasicAndExtended) {
  Key extended = aes_key(1, 0x31);
  extended.extended_format = true;
  extended.usage = 0x18;
  extended.access = 0x00;
  Bytes e0 = key_information_template({aes_key(2, 0x30), aes_key(1, 0x30, 32), extended});
  EXPECT_EQ(to_hex(e0),
            "E018C00401308820C00402308810C00A0131FF8800100118"
            "0100");
}

TEST(Keys, ParsesPutKeyWithPaddingFormatAndChecksKcv) {
  // An AES-128 key under an identity "decryption": Table 11-70 with the clear length byte.
  auto identity = [](ByteView data) { return Bytes(data.begin(), data.end()); };
  Bytes value = from_hex("000102030405060708090a0b0c0d0e0f");
  Bytes data = from_hex(
      "31"
      "88"
      "11"
      "10");
  append(data, value);
  append(data, from_hex("03C35280"));
  PutKeyError error{};
  auto parsed = parse_put_key(data, 1, false, identity, 16, error);
  ASSERT_TRUE(parsed) << error.message;
  EXPECT_EQ(parsed->new_version, 0x31);
  ASSERT_EQ(parsed->keys.size(), 1u);
  EXPECT_EQ(parsed->keys[0].id, 1);
  EXPECT_EQ(to_hex(parsed->keys[0].components[0].value.view()), to_hex(value));
  EXPECT_EQ(to_hex(parsed->check_values), "C35280");

  Bytes bad_kcv = data;
  bad_kcv.back() ^= 1;
  EXPECT_FALSE(parse_put_key(bad_kcv, 1, false, identity, 16, error));
  EXPECT_EQ(error.kind, PutKeyError::Kind::check_value);

  Bytes no_kcv = from_hex("31881110");
  append(no_kcv, value);
  no_kcv.push_back(0x00);
  EXPECT_FALSE(parse_put_key(no_kcv, 1, false, identity, 16, error));
  EXPECT_EQ(error.kind, PutKeyError::Kind::malformed);

  EXPECT_FALSE(parse_put_key(from_hex("80"), 1, false, identity, 16, error));    // version 80
  EXPECT_FALSE(parse_put_key(from_hex("3188"), 1, false, identity, 16, error));  // truncated
}

TEST(Keys, ParsesPublicKeyComponentsInClear) {
  auto never = [](ByteView) -> Bytes {
    ADD_FAILURE() << "public components are not decrypted";
    return {};
  };
  Bytes point(65, 0x04);
  Bytes data = from_hex("73B041");
  append(data, point);
  append(data, from_hex("F0010000"));
  PutKeyError error{};
  auto parsed = parse_put_key(data, 1, false, never, 16, error);
  ASSERT_TRUE(parsed) << error.message;
  EXPECT_EQ(parsed->keys[0].components.size(), 2u);
  EXPECT_TRUE(ec_public_key(parsed->keys[0]));
}

TEST(Registry, EncodesAndDecodesEveryField) {
  Registry registry;
  registry.isd_aid = from_hex("A000000151000000");
  registry.card.life_cycle = life_cycle::initialized;
  registry.card.restrictions = restriction::load;
  registry.card.cplc = Bytes(42, 7);
  registry.card.owner = from_hex("4F574E4552");
  registry.card.cvm.value = SecretBytes(from_hex("31323334"));
  registry.card.cvm.try_limit = 3;
  registry.card.cvm.tries_remaining = 2;
  registry.card.cvm.active = true;

  LoadFileEntry file;
  file.aid = from_hex("A0000000030000");
  file.security_domain = registry.isd_aid;
  file.major = 1;
  file.minor = 2;
  file.modules = {from_hex("A000000003000001"), from_hex("A000000003000002")};
  registry.load_files.push_back(file);

  ApplicationEntry isd;
  isd.aid = registry.isd_aid;
  isd.privileges = Privileges({0x9E, 0xFE, 0x80});
  isd.security_domain = registry.isd_aid;
  DomainData domain;
  domain.scp = {scp::Protocol::scp02, 0x55};
  domain.keys = {aes_key(1, 0x30)};
  domain.keys[0].usage = 0x18;
  domain.sequence_counters[0x30] = 0x123456;
  domain.confirmation_counter = 9;
  domain.data_objects[0x42] = from_hex("1234");
  domain.data_objects[0x5F50] = from_hex("68747470");
  isd.domain = domain;
  registry.applications.push_back(isd);
  ApplicationEntry app;
  app.aid = from_hex("A00000000300000101");
  app.load_file = file.aid;
  app.module = file.modules[0];
  app.life_cycle = 0x87;
  app.security_domain = registry.isd_aid;
  app.implicit_selection = {0x80, 0x41};
  app.global_services = {0x0101};
  registry.applications.push_back(app);

  Registry decoded = Registry::decode(registry.encode());
  EXPECT_EQ(decoded.encode(), registry.encode());
  EXPECT_EQ(decoded.card.cvm.tries_remaining, 2);
  EXPECT_EQ(decoded.isd().domain->sequence_counters.at(0x30), 0x123456u);
  EXPECT_EQ(decoded.isd().domain->scp.i, 0x55);
  EXPECT_EQ(to_hex(decoded.find_application(app.aid)->implicit_selection), "8041");
}

TEST(Registry, RejectsDamagedImages) {
  EXPECT_THROW(Registry::decode(from_hex("800101")), RegistryError);  // no card data
  EXPECT_THROW(Registry::decode(from_hex("800102")), RegistryError);  // unknown version
  EXPECT_THROW(Registry::decode(from_hex("8001")), RegistryError);    // truncated
  Registry registry;
  registry.isd_aid = from_hex("A000000151000000");
  Bytes without_isd = registry.encode();
  EXPECT_THROW(Registry::decode(without_isd), RegistryError);
}

TEST(Registry, FollowsAssociationHierarchy) {
  Registry registry;
  registry.isd_aid = from_hex("A000000151000000");
  auto add = [&](const std::string& aid, const std::string& domain) {
    ApplicationEntry app;
    app.aid = from_hex(aid);
    app.security_domain = from_hex(domain);
    registry.applications.push_back(app);
  };
  add("A000000151000000", "A000000151000000");
  add("A0000001515350410101", "A000000151000000");
  add("A0000001515350410202", "A0000001515350410101");
  EXPECT_TRUE(registry.associated(from_hex("A0000001515350410101"), from_hex("A000000151000000")));
  EXPECT_TRUE(
      registry.associated(from_hex("A0000001515350410101"), from_hex("A0000001515350410101")));
  EXPECT_FALSE(registry.associated(from_hex("A000000151000000"), from_hex("A0000001515350410101")));
  EXPECT_FALSE(registry.associated(from_hex("A0000000000000"), from_hex("A000000151000000")));
}

TEST(RegistryStore, SavesGrowsAndKeepsIntent) {
  store::Store store;
  RegistryStore persistence(store, 3);
  EXPECT_FALSE(persistence.exists());
  Registry registry;
  registry.isd_aid = from_hex("A000000151000000");
  ApplicationEntry isd;
  isd.aid = registry.isd_aid;
  isd.security_domain = isd.aid;
  registry.applications.push_back(isd);
  persistence.save(registry);
  ASSERT_TRUE(persistence.exists());
  store::Handle first = store.root(3);

  persistence.set_intent(Intent{Intent::Kind::install, from_hex("A0000000030000")});
  EXPECT_EQ(persistence.intent(), (Intent{Intent::Kind::install, from_hex("A0000000030000")}));

  // Enough entries to outgrow the first object.
  for (int i = 0; i < 40; ++i) {
    ApplicationEntry app;
    app.aid = from_hex(fmt::format("A0000000030000{:02X}", i));
    app.security_domain = registry.isd_aid;
    registry.applications.push_back(app);
  }
  persistence.save(registry);
  EXPECT_NE(store.root(3), first);
  EXPECT_FALSE(store.valid(first));  // the old object is released
  EXPECT_EQ(persistence.intent().kind, Intent::Kind::none);
  EXPECT_EQ(persistence.load().applications.size(), 41u);
}

}  // namespace
}  // namespace uicc::sd
