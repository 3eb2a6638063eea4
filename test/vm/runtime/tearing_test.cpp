// Tearing: store::Store::cut_power_after stops the card after the n-th persistent write of a
// scenario; the image is then opened again and the runtime powered up. For every n until the
// scenario completes, the recovered state must be one the Java Card 3.0.5 Runtime Environment
// Specification allows (§7: a single update is atomic, a transaction all or nothing; §11: an
// install or deletion that did not finish leaves no trace).
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <set>

#include <fmt/format.h>

#include "test/vm/runtime/vm_fixture.h"
#include "test/vm/runtime/wallet_applet.h"
#include "vm/api/builtin_registry.h"

namespace uicc::vm::test {
namespace {

const Bytes kSelect = from_hex("00A4040009A000000003100101AA");

class Tearing : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            ("uicc-tearing-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".img");
  }
  void TearDown() override {
    runtime_.reset();
    store_.reset();
    std::filesystem::remove(path_);
    std::filesystem::remove(path_.string() + ".tmp");
  }

  void open() {
    runtime_.reset();
    store_.reset();
    store_ = store::Store::open(path_);
    runtime_ = std::make_unique<Runtime>(*store_, *registry_);
  }

  void load_wallet() { runtime_->load_package(encode(wallet_package().build())); }
  void install_wallet() {
    runtime_->install_applet(Aid::from_hex(kWalletPackage), Aid::from_hex(kWalletClass),
                             Aid::from_hex(kWalletInstance), install_parameters(kWalletInstance));
  }
  bool select_wallet() {
    if (!runtime_->select(0, Aid::from_hex(kWalletInstance))) return false;
    return runtime_->process(0, kSelect).status == 0x9000;
  }
  std::string wallet_state() {
    if (!select_wallet()) return "absent";
    Response r = runtime_->process(0, from_hex("8030000000"));
    return r.status == 0x9000 ? to_hex(r.data) : "error";
  }

  // Runs `setup` on a fresh card, then `scenario` with the power cut after 1, 2, ... writes,
  // and checks each recovered card with `check`. Returns the number of cut points tried.
  int walk(const std::function<void()>& setup, const std::function<void()>& scenario,
           const std::function<void(int cut)>& check) {
    for (int cut = 1; cut < 10000; ++cut) {
      std::filesystem::remove(path_);
      open();
      setup();
      store_->flush();
      store_->cut_power_after(static_cast<std::uint64_t>(cut));
      bool completed = true;
      try {
        scenario();
      } catch (const store::PowerLoss&) {
        completed = false;
      }
      open();  // power-up: journal replay, rollback of an open transaction, re-link
      check(cut);
      if (completed) return cut;
    }
    ADD_FAILURE() << "the scenario never completed";
    return 0;
  }

  const NativeRegistry* registry_ = &test_registry();
  std::filesystem::path path_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Runtime> runtime_;
};

TEST_F(Tearing, FieldUpdateOutsideTransaction) {
  int cuts = walk(
      [&] {
        load_wallet();
        install_wallet();
        ASSERT_TRUE(select_wallet());
      },
      [&] { runtime_->process(0, from_hex("8010000001 05")); },
      [&](int cut) {
        const std::string state = wallet_state();
        EXPECT_TRUE(state == "000000" || state == "000500") << "cut " << cut << ": " << state;
      });
  RecordProperty("cut_points", cuts);
  EXPECT_GT(cuts, 1);
}

TEST_F(Tearing, TransactionIsAllOrNothing) {
  int cuts = walk(
      [&] {
        load_wallet();
        install_wallet();
        ASSERT_TRUE(select_wallet());
      },
      [&] { runtime_->process(0, from_hex("8022000001 09")); },
      [&](int cut) {
        const std::string state = wallet_state();
        EXPECT_TRUE(state == "000000" || state == "000109") << "cut " << cut << ": " << state;
      });
  RecordProperty("cut_points", cuts);
  EXPECT_GT(cuts, 2);
}

TEST_F(Tearing, OpenTransactionNeverSurvives) {
  int cuts = walk(
      [&] {
        load_wallet();
        install_wallet();
        ASSERT_TRUE(select_wallet());
      },
      [&] {
        runtime_->process(0, from_hex("8024000000"));
        runtime_->process(0, from_hex("8020000001 07"));
      },
      [&](int cut) { EXPECT_EQ(wallet_state(), "000000") << "cut " << cut; });
  RecordProperty("cut_points", cuts);
}

TEST_F(Tearing, InstallLeavesAppletOrNothing) {
  std::size_t objects_before = 0;
  int cuts = walk(
      [&] {
        load_wallet();
        objects_before = store_->usage().objects;
      },
      [&] { install_wallet(); },
      [&](int cut) {
        const std::string state = wallet_state();
        if (state == "absent") {
          EXPECT_TRUE(runtime_->applets().empty()) << "cut " << cut;
          // Whatever install() had allocated was reclaimed at power-up.
          EXPECT_EQ(store_->usage().objects, objects_before) << "cut " << cut;
          install_wallet();  // and the card can still install it
          EXPECT_EQ(wallet_state(), "000000") << "cut " << cut;
        } else {
          EXPECT_EQ(state, "000000") << "cut " << cut;
        }
      });
  RecordProperty("cut_points", cuts);
  EXPECT_GT(cuts, 2);
}

TEST_F(Tearing, PackageLoadAndDeleteAreAtomic) {
  int load_cuts = walk([] {}, [&] { load_wallet(); },
                       [&](int cut) {
                         bool present = false;
                         for (const auto& p : runtime_->packages())
                           present |= p.aid == Aid::from_hex(kWalletPackage);
                         if (!present) load_wallet();
                         install_wallet();
                         EXPECT_EQ(wallet_state(), "000000") << "cut " << cut;
                       });
  int delete_cuts =
      walk([&] { load_wallet(); }, [&] { runtime_->delete_package(Aid::from_hex(kWalletPackage)); },
           [&](int cut) {
             bool present = false;
             for (const auto& p : runtime_->packages())
               present |= p.aid == Aid::from_hex(kWalletPackage);
             if (present) {
               install_wallet();
               EXPECT_EQ(wallet_state(), "000000") << "cut " << cut;
             } else {
               load_wallet();  // gone, and loadable again
             }
           });
  RecordProperty("cut_points", load_cuts + delete_cuts);
}

// An applet with an OwnerPIN of the built-in API (try limit 3, PIN 01020304): INS 20 verifies
// the PIN in the command data, INS 22 returns the tries remaining.
CapBuilder pin_package() {
  using O = Opcode;
  CapBuilder b("A0000000141001");
  b.import_package(kJavaLang, 1, 0);
  const std::uint8_t framework = b.import_package(kFramework, 1, 6);
  const std::uint16_t applet_init = b.cp_external_static_method(framework, fw::kApplet, 0);
  const std::uint16_t register_applet = b.cp_external_virtual_method(framework, fw::kApplet, 1);
  const std::uint16_t selecting = b.cp_external_virtual_method(framework, fw::kApplet, 3);
  const std::uint16_t get_buffer = b.cp_external_virtual_method(framework, fw::kApdu, 1);
  const std::uint16_t send = b.cp_external_virtual_method(framework, fw::kApdu, 8);
  const std::uint16_t receive = b.cp_external_virtual_method(framework, fw::kApdu, 6);
  const std::uint16_t pin_class = b.cp_external_class(framework, 9);
  const std::uint16_t pin_init = b.cp_external_static_method(framework, 9, 0);
  const std::uint16_t pin_check = b.cp_external_virtual_method(framework, 9, 1);
  const std::uint16_t pin_tries = b.cp_external_virtual_method(framework, 9, 2);
  const std::uint16_t pin_update = b.cp_external_virtual_method(framework, 9, 8);
  const std::uint16_t throw_it = b.cp_external_static_method(framework, fw::kIsoException, 1);
  const std::uint16_t field_pin = b.cp_instance_field(0, 0);
  const std::uint16_t self = b.cp_class(0);
  const auto f_pin = static_cast<std::uint8_t>(field_pin);

  Code process;  // locals: 0 this, 1 apdu, 2 buffer
  process.op(O::kAload0)
      .op2(O::kInvokevirtual, selecting)
      .branch(O::kIfeq, "command")
      .op(O::kReturn);
  process.label("command").op(O::kAload1).op2(O::kInvokevirtual, get_buffer).op(O::kAstore2);
  process.op(O::kAload2)
      .op(O::kSconst1)
      .op(O::kBaload)
      .op(O::kBspush)
      .s1(0x22)
      .branch(O::kIfScmpeq, "tries");
  process.op(O::kAload1).op2(O::kInvokevirtual, receive).op(O::kPop);
  process.op(O::kGetfieldAThis, f_pin)
      .op(O::kAload2)
      .op(O::kSconst5)
      .op(O::kAload2)
      .op(O::kSconst4)
      .op(O::kBaload)
      .op2(O::kInvokevirtual, pin_check)
      .branch(O::kIfne, "ok")
      .op(O::kSspush)
      .s2(0x63C0)
      .op2(O::kInvokestatic, throw_it)
      .label("ok")
      .op(O::kReturn);
  process.label("tries")
      .op(O::kAload2)
      .op(O::kSconst0)
      .op(O::kGetfieldAThis, f_pin)
      .op2(O::kInvokevirtual, pin_tries)
      .op(O::kBastore)
      .op(O::kAload1)
      .op(O::kSconst0)
      .op(O::kSconst1)
      .op2(O::kInvokevirtual, send)
      .op(O::kReturn);
  const int m_process = b.add_method({5, 2, 1, process.take()});

  Code init;  // super(); pin = new OwnerPIN(3, 8); pin.update({1, 2, 3, 4}, 0, 4)
  init.op(O::kAload0)
      .op2(O::kInvokespecial, applet_init)
      .op(O::kAload0)
      .op2(O::kNew, pin_class)
      .op(O::kDup)
      .op(O::kSconst3)
      .op(O::kBspush)
      .s1(8)
      .op2(O::kInvokespecial, pin_init)
      .op(O::kPutfieldA, f_pin)
      .op(O::kSconst4)
      .op(O::kNewarray)
      .u1(11)
      .op(O::kAstore1);
  for (std::int8_t i = 0; i < 4; ++i) {
    init.op(O::kAload1)
        .op(O::kBspush)
        .s1(i)
        .op(O::kBspush)
        .s1(static_cast<std::int8_t>(i + 1))
        .op(O::kBastore);
  }
  init.op(O::kGetfieldAThis, f_pin)
      .op(O::kAload1)
      .op(O::kSconst0)
      .op(O::kSconst4)
      .op2(O::kInvokevirtual, pin_update)
      .op(O::kReturn);
  const int m_init = b.add_method({5, 1, 1, init.take()});
  const std::uint16_t init_ref = b.cp_static_method(m_init);
  Code install;
  install.op2(O::kNew, self)
      .op(O::kDup)
      .op2(O::kInvokespecial, init_ref)
      .op2(O::kInvokevirtual, register_applet)
      .op(O::kReturn);
  const int m_install = b.add_method({2, 3, 0, install.take()});
  ClassSpec cls;
  cls.super_class = cap::ClassRef::external(framework, fw::kApplet);
  cls.declared_instance_size = 1;
  cls.first_reference_token = 0;
  cls.reference_count = 1;
  cls.public_base = 7;
  cls.public_methods = {m_process};
  b.add_class(cls);
  b.add_applet("A000000014100101", m_install);
  return b;
}

// The built-in OwnerPIN decrements the try counter before it compares, so a power cut at any
// write of a wrong verification leaves the tries at 3 (nothing happened yet) or 2, never a
// validated PIN with the counter untouched.
TEST_F(Tearing, OwnerPinTryCounterDecrement) {
  registry_ = &uicc::api::builtin_registry();
  const Aid instance = Aid::from_hex("A000000014100101");
  auto tries = [&]() -> std::string {
    if (!runtime_->select(0, instance)) return "absent";
    runtime_->process(0, from_hex("00A4040008A000000014100101"));
    Response r = runtime_->process(0, from_hex("8022000001"));
    return r.status == 0x9000 ? to_hex(r.data) : fmt::format("status {:04X}", r.status);
  };
  int cuts = walk(
      [&] {
        runtime_->load_package(encode(pin_package().build()));
        runtime_->install_applet(Aid::from_hex("A0000000141001"), instance, instance,
                                 install_parameters("A000000014100101"));
        ASSERT_EQ(tries(), "03");
      },
      [&] { EXPECT_EQ(runtime_->process(0, from_hex("8020000004 01020399")).status, 0x63C0); },
      [&](int cut) {
        const std::string state = tries();
        EXPECT_TRUE(state == "03" || state == "02") << "cut " << cut << ": " << state;
      });
  RecordProperty("cut_points", cuts);
  EXPECT_GT(cuts, 1);
}

}  // namespace
}  // namespace uicc::vm::test
