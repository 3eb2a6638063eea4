// The runtime environment through Runtime: applet installation, selection and processing,
// status words of exceptions, transactions, persistence across power cycles, logical
// channels, deletion, and the load refusals with their messages.
#include <gtest/gtest.h>

#include <filesystem>

#include "test/vm/runtime/vm_fixture.h"
#include "test/vm/runtime/wallet_applet.h"

namespace uicc::vm::test {
namespace {

using O = Opcode;

const Bytes kSelect = from_hex("00A4040009A000000003100101AA");

class Jcre : public VmTest {
 protected:
  void install_wallet() {
    runtime_->load_package(encode(wallet_package().build()));
    runtime_->install_applet(Aid::from_hex(kWalletPackage), Aid::from_hex(kWalletClass),
                             Aid::from_hex(kWalletInstance), install_parameters(kWalletInstance));
  }
  void select_wallet(std::uint8_t channel = 0) {
    ASSERT_TRUE(runtime_->select(channel, Aid::from_hex(kWalletInstance)));
    EXPECT_EQ(runtime_->process(channel, kSelect).status, 0x9000);
  }
  Response send(const char* apdu, std::uint8_t channel = 0) {
    return runtime_->process(channel, from_hex(apdu));
  }
  // Balance and history[0] as the applet reports them.
  std::string state() {
    Response r = send("8030000000");
    EXPECT_EQ(r.status, 0x9000);
    return to_hex(r.data);
  }
};

TEST_F(Jcre, InstallSelectAndProcess) {
  install_wallet();
  ASSERT_EQ(runtime_->applets().size(), 1u);
  EXPECT_EQ(runtime_->applets()[0].instance_aid, Aid::from_hex(kWalletInstance));
  select_wallet();
  EXPECT_EQ(runtime_->selected(0), Aid::from_hex(kWalletInstance));
  EXPECT_EQ(send("8010000001 05").status, 0x9000);
  EXPECT_EQ(send("8010000001 07").status, 0x9000);
  EXPECT_EQ(state(), "000C00");
}

TEST_F(Jcre, IsoExceptionReasonIsTheStatusWord) {
  install_wallet();
  select_wallet();
  EXPECT_EQ(send("8040000000").status, 0x6A82);
  EXPECT_EQ(send("80EE000000").status, 0x6D00);
}

TEST_F(Jcre, OtherUncaughtExceptionGives6F00) {
  install_wallet();
  select_wallet();
  EXPECT_EQ(send("8050000000").status, 0x6F00);
  // The applet is still selected and works.
  EXPECT_EQ(send("8010000001 01").status, 0x9000);
  EXPECT_EQ(state(), "000100");
}

TEST_F(Jcre, NothingSelectedGives6999) {
  install_wallet();
  EXPECT_EQ(send("8030000000").status, 0x6999);
}

TEST_F(Jcre, TransactionsCommitAbortAndImplicitAbort) {
  install_wallet();
  select_wallet();
  EXPECT_EQ(send("8010000001 05").status, 0x9000);
  EXPECT_EQ(send("8020000001 07").status, 0x9000);  // aborted
  EXPECT_EQ(state(), "000500");
  EXPECT_EQ(send("8022000001 09").status, 0x9000);  // committed
  EXPECT_EQ(state(), "000609");
  EXPECT_EQ(send("8024000000").status, 0x9000);  // left open: the JCRE aborts it
  EXPECT_EQ(state(), "000609");
  EXPECT_FALSE(store_->in_transaction());
}

TEST_F(Jcre, StateSurvivesPowerCycle) {
  const auto path =
      std::filesystem::temp_directory_path() / ("uicc-jcre-" + std::to_string(::getpid()) + ".img");
  std::filesystem::remove(path);
  runtime_.reset();
  store_ = store::Store::open(path);
  power_up();
  install_wallet();
  select_wallet();
  EXPECT_EQ(send("8010000001 2A").status, 0x9000);
  runtime_.reset();
  store_.reset();

  store_ = store::Store::open(path);
  power_up();
  EXPECT_EQ(runtime_->applets().size(), 1u);
  EXPECT_FALSE(runtime_->selected(0).has_value());
  select_wallet();
  EXPECT_EQ(state(), "002A00");
  runtime_.reset();
  store_.reset();
  std::filesystem::remove(path);
}

TEST_F(Jcre, InstallRejectsBadRequests) {
  runtime_->load_package(encode(wallet_package().build()));
  const Aid package = Aid::from_hex(kWalletPackage);
  const Aid cls = Aid::from_hex(kWalletClass);
  const Aid instance = Aid::from_hex(kWalletInstance);
  try {
    runtime_->install_applet(package, cls, instance, from_hex("09A000000003100101AA0100"));
    FAIL() << "install parameters without the third LV field were accepted";
  } catch (const RuntimeError& e) {
    EXPECT_EQ(e.code(), RuntimeError::Code::bad_parameters);
  }
  try {
    runtime_->install_applet(Aid::from_hex("A0000000039999"), cls, instance,
                             install_parameters(kWalletInstance));
    FAIL() << "an absent package was accepted";
  } catch (const RuntimeError& e) {
    EXPECT_EQ(e.code(), RuntimeError::Code::not_found);
    EXPECT_STREQ(e.what(), "package A0000000039999 not found");
  }
  try {
    runtime_->install_applet(package, Aid::from_hex("A000000003100102"), instance,
                             install_parameters(kWalletInstance));
    FAIL() << "an absent applet class was accepted";
  } catch (const RuntimeError& e) {
    EXPECT_EQ(e.code(), RuntimeError::Code::not_found);
  }
  runtime_->install_applet(package, cls, instance, install_parameters(kWalletInstance));
  try {
    runtime_->install_applet(package, cls, instance, install_parameters(kWalletInstance));
    FAIL() << "a second instance with the same AID was accepted";
  } catch (const RuntimeError& e) {
    EXPECT_EQ(e.code(), RuntimeError::Code::already_exists);
  }
  EXPECT_EQ(runtime_->applets().size(), 1u);
}

TEST_F(Jcre, DeletionOrderIsEnforced) {
  install_wallet();
  try {
    runtime_->delete_package(Aid::from_hex(kWalletPackage));
    FAIL() << "a package with an applet instance was deleted";
  } catch (const RuntimeError& e) {
    EXPECT_EQ(e.code(), RuntimeError::Code::in_use);
  }
  select_wallet();
  EXPECT_THROW(runtime_->delete_applet(Aid::from_hex(kWalletInstance)), RuntimeError);  // selected
  runtime_->deselect(0);
  const std::size_t objects_before = store_->usage().objects;
  runtime_->delete_applet(Aid::from_hex(kWalletInstance));
  EXPECT_TRUE(runtime_->applets().empty());
  EXPECT_LT(store_->usage().objects, objects_before);  // the applet's objects are reclaimed
  runtime_->delete_package(Aid::from_hex(kWalletPackage));
  for (const auto& package : runtime_->packages())
    EXPECT_NE(package.aid, Aid::from_hex(kWalletPackage));
  // Loaded again after deletion.
  install_wallet();
}

TEST_F(Jcre, NonMultiSelectableAppletOnOneChannelOnly) {
  install_wallet();
  select_wallet(0);
  EXPECT_FALSE(runtime_->select(1, Aid::from_hex(kWalletInstance)));
  EXPECT_FALSE(runtime_->selected(1).has_value());
  EXPECT_FALSE(runtime_->select(4, Aid::from_hex(kWalletInstance)));  // only channels 0-3
  runtime_->deselect(0);
  EXPECT_TRUE(runtime_->select(1, Aid::from_hex(kWalletInstance)));
}

TEST_F(Jcre, ResetClearsSelection) {
  install_wallet();
  select_wallet();
  runtime_->reset();
  EXPECT_FALSE(runtime_->selected(0).has_value());
  EXPECT_EQ(send("8030000000").status, 0x6999);
}

TEST_F(Jcre, MemoryExhaustionThrowsSystemException) {
  store::Limits limits;
  limits.persistent_bytes = 96 * 1024;
  runtime_.reset();
  store_ = std::make_unique<store::Store>(limits);
  power_up();
  Code code;  // allocate 30000-byte arrays until memory runs out
  code.label("loop")
      .op(O::kSspush)
      .s2(30000)
      .op(O::kNewarray)
      .u1(11)
      .op(O::kPop)
      .branch(O::kGoto, "loop");
  CapBuilder b("A0000000131001");
  const int method = add_static(b, {1, 0, 0, code.take()});
  detail::Package* package = load(b);
  EXPECT_EQ(thrown_by(package, method), "javacard/framework/SystemException");
  try {
    call(package, method);
  } catch (const detail::JavaThrow& thrown) {
    EXPECT_EQ(get_u16(store_->view(thrown.exception), 2), 5);  // SystemException.NO_RESOURCE
  }
  EXPECT_LE(store_->usage().persistent_bytes, limits.persistent_bytes);
}

// --- load refusals -------------------------------------------------------------------------

// Every object of the store with its header and contents, to show that a refused load
// changed nothing.
std::vector<std::pair<store::Handle, Bytes>> snapshot(const store::Store& store) {
  std::vector<std::pair<store::Handle, Bytes>> objects;
  store.for_each([&](store::Handle handle) {
    Bytes bytes(store.view(handle).begin(), store.view(handle).end());
    const store::ObjectHeader& header = store.header(handle);
    bytes.push_back(header.kind);
    bytes.push_back(header.flags);
    objects.emplace_back(handle, bytes);
  });
  return objects;
}

class LoadRefusal : public Jcre {
 protected:
  // Loads `bytes`, expects the refusal `code` with a message containing `text`, and checks
  // that the store is unchanged.
  void expect_refused(const Bytes& bytes, LoadError::Code code, const std::string& text) {
    auto before = snapshot(*store_);
    try {
      runtime_->load_package(bytes);
      ADD_FAILURE() << "the package was loaded";
    } catch (const LoadError& e) {
      EXPECT_EQ(e.code(), code) << e.what();
      EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << e.what();
    }
    EXPECT_EQ(snapshot(*store_), before);
    EXPECT_EQ(runtime_->packages().size(), packages_before_);
  }
  void SetUp() override { packages_before_ = runtime_->packages().size(); }
  std::size_t packages_before_ = 0;
};

CapBuilder one_method(const Code& code, std::uint8_t max_stack = 2) {
  CapBuilder b("A0000000041001");
  int method = b.add_method({max_stack, 0, 0, code.take()});
  b.cp_static_method(method);
  return b;
}

TEST_F(LoadRefusal, MissingImport) {
  CapBuilder b("A0000000041001");
  b.import_package("A0000000620102", 1, 3);
  expect_refused(encode(b.build()), LoadError::Code::missing_import,
                 "package A0000000041001 version 1.0 imports package A0000000620102 version 1.3, "
                 "which is not on "
                 "the card");
}

TEST_F(LoadRefusal, ImportVersionTooNew) {
  CapBuilder b("A0000000041001");
  b.import_package("A0000000620101", 1, 7);
  expect_refused(encode(b.build()), LoadError::Code::import_version,
                 "imports package A0000000620101 version 1.7, but the card has version 1.6");
  CapBuilder major("A0000000041001");
  major.import_package("A0000000620101", 2, 0);
  expect_refused(encode(major.build()), LoadError::Code::import_version,
                 "version 2.0, but the card has version 1.6");
}

TEST_F(LoadRefusal, TruncatedComponent) {
  Code code;
  code.op(O::kReturn);
  Bytes bytes = encode(one_method(code).build());
  bytes.resize(bytes.size() - 3);
  expect_refused(bytes, LoadError::Code::format, "");
}

TEST_F(LoadRefusal, BranchOutsideMethod) {
  Code code;
  code.op(O::kGoto).s1(40).op(O::kReturn);
  expect_refused(encode(one_method(code).build()), LoadError::Code::verification,
                 "at bytecode offset 0: branch target 40 is not an instruction of the method");
}

TEST_F(LoadRefusal, ConstantPoolIndexOutOfRange) {
  Code code;
  code.op2(O::kGetstaticS, 9).op(O::kPop).op(O::kReturn);
  expect_refused(encode(one_method(code).build()), LoadError::Code::verification,
                 "constant pool index 9 out of range (pool has 1 entries)");
}

TEST_F(LoadRefusal, WrongConstantKind) {
  Code code;  // getstatic_s naming the static method reference at index 0
  code.op2(O::kGetstaticS, 0).op(O::kPop).op(O::kReturn);
  expect_refused(encode(one_method(code).build()), LoadError::Code::verification,
                 "constant pool entry 0 has the wrong kind for this instruction");
}

TEST_F(LoadRefusal, NumberUsedAsReference) {
  Code code;  // sconst_1; arraylength: a short where a reference is expected
  code.op(O::kSconst1).op(O::kArraylength).op(O::kPop).op(O::kReturn);
  expect_refused(encode(one_method(code).build()), LoadError::Code::verification,
                 "expected a reference on the operand stack, found a short");
}

TEST_F(LoadRefusal, StackOverflowBeyondMaxStack) {
  Code code;
  code.op(O::kSconst1).op(O::kSconst1).op(O::kSconst1).op(O::kPop2).op(O::kPop).op(O::kReturn);
  expect_refused(encode(one_method(code, 2).build()), LoadError::Code::verification,
                 "operand stack grows to 3 words, max_stack is 2");
}

TEST_F(LoadRefusal, FallsOffTheEnd) {
  Code code;
  code.op(O::kSconst1).op(O::kPop);
  expect_refused(encode(one_method(code).build()), LoadError::Code::verification,
                 "execution runs past the end of the method");
}

TEST_F(LoadRefusal, DuplicatePackage) {
  Code code;
  code.op(O::kReturn);
  runtime_->load_package(encode(one_method(code).build()));
  packages_before_ = runtime_->packages().size();
  expect_refused(encode(one_method(code).build()), LoadError::Code::already_loaded,
                 "a package with this AID is already on the card");
}

class LoadRefusalWithoutInt : public LoadRefusal {
 protected:
  LoadRefusalWithoutInt() : LoadRefusal() {
    config_.int_support = false;
    power_up();
  }
};

TEST_F(LoadRefusalWithoutInt, IntPackageWhenIntIsOff) {
  Code code;
  code.op(O::kReturn);
  CapBuilder b = one_method(code);
  b.set_int(true);
  packages_before_ = runtime_->packages().size();
  expect_refused(
      encode(b.build()), LoadError::Code::int_not_supported,
      "package A0000000041001 version 1.0 uses the int type (Header flag ACC_INT), which this card "
      "does not support");
  // Int bytecodes without ACC_INT are refused by the verifier.
  Code int_code;
  int_code.op(O::kIconst1).op(O::kPop2).op(O::kReturn);
  expect_refused(encode(one_method(int_code).build()), LoadError::Code::verification,
                 "iconst_1 needs int support, which is switched off");
}

}  // namespace
}  // namespace uicc::vm::test
