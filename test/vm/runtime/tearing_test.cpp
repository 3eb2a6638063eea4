// Tearing: store::Store::cut_power_after stops the card after the n-th persistent write of a
// scenario; the image is then opened again and the runtime powered up. For every n until the
// scenario completes, the recovered state must be one the Java Card 3.0.5 Runtime Environment
// Specification allows (§7: a single update is atomic, a transaction all or nothing; §11: an
// install or deletion that did not finish leaves no trace).
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <set>

#include "test/vm/runtime/vm_fixture.h"
#include "test/vm/runtime/wallet_applet.h"

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
    runtime_ = std::make_unique<Runtime>(*store_, test_registry());
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

}  // namespace
}  // namespace uicc::vm::test
