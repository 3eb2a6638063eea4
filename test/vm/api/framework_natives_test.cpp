// The natives of java.lang and javacard.framework, called the way the VM calls them (through
// builtin_registry()'s method tables) on a FakeVm.
#include <gtest/gtest.h>

#include "test/vm/api/fake_vm.h"
#include "vm/api/api_constants.h"
#include "vm/api/export_data.h"

namespace uicc::api {
namespace {

using test::FakeVm;
using test::JavaThrow;
namespace jiso = jc::javacard::framework::ISO7816;
namespace jsys = jc::javacard::framework::JCSystem;
namespace japdu = jc::javacard::framework::APDU;
namespace jex = jc::javacard::framework::APDUException;

Slot s(int value) {
  return vm::slot_of_short(static_cast<std::int16_t>(value));
}

// Checks that `f` throws the Java exception `cls` with `reason`.
template <typename F>
void expect_java(F&& f, std::string_view cls, std::int16_t reason = 0) {
  try {
    f();
    ADD_FAILURE() << "no exception, expected " << cls;
  } catch (const JavaThrow& thrown) {
    EXPECT_EQ(thrown.cls, class_name(cls)) << thrown.what();
    EXPECT_EQ(thrown.reason, reason) << cls;
  }
}

TEST(BuiltinRegistry, DescribesEveryPackageAndClass) {
  const vm::NativeRegistry& registry = builtin_registry();
  ASSERT_EQ(registry.packages().size(), builtin_packages().size());
  for (const PackageInfo& info : builtin_packages()) {
    const vm::NativePackage* package = registry.find(vm::Aid(info.aid));
    ASSERT_NE(package, nullptr) << info.name;
    EXPECT_EQ(package->major, info.major);
    EXPECT_EQ(package->minor, info.minor);
    for (const ClassInfo& cls : info.classes) {
      SCOPED_TRACE(std::string(info.name) + "." + std::string(cls.name));
      const auto found =
          std::find_if(package->classes.begin(), package->classes.end(),
                       [&](const vm::NativeClass& c) { return c.token == cls.token; });
      ASSERT_NE(found, package->classes.end());
      EXPECT_EQ(found->is_interface, cls.is_interface());
      for (const vm::NativeMethod& method : found->static_methods) {
        EXPECT_NE(method.function, nullptr) << method.signature;
      }
      // Every interface a class implements has a complete table.
      if (!cls.is_interface()) {
        EXPECT_EQ(found->interface_tables.size(), cls.interfaces.size());
      }
    }
  }
}

TEST(BuiltinRegistry, ReportsSupportPerMethod) {
  EXPECT_EQ(method_support("javacard.framework.Util", "arrayCopy([BS[BSS)S"),
            MethodSupport::implemented);
  EXPECT_EQ(method_support("javacard.framework.Applet", "process(Ljavacard/framework/APDU;)V"),
            MethodSupport::abstract);
  EXPECT_EQ(method_support("javacard.framework.ISOException", "getReason()S"),
            MethodSupport::implemented);
  EXPECT_EQ(method_support("uicc.toolkit.ToolkitRegistrySystem",
                           "getEntry()Luicc/toolkit/ToolkitRegistry;"),
            MethodSupport::unsupported);
  EXPECT_EQ(unsupported_exception("javacardx.crypto"), "CryptoException.NO_SUCH_ALGORITHM");
}

TEST(ExceptionNatives, ThrowItThrowsItsOwnClassWithReason) {
  FakeVm vm;
  expect_java(
      [&] { vm.call_static("javacard.framework.ISOException", "throwIt(S)V", {s(0x6A82)}); },
      "javacard.framework.ISOException", 0x6A82);
  expect_java([&] { vm.call_static("javacard.security.CryptoException", "throwIt(S)V", {s(3)}); },
              "javacard.security.CryptoException", 3);
  const Ref e = vm.make("javacard.framework.SystemException", "<init>(S)V", {s(5)});
  EXPECT_EQ(vm.call_virtual(e, "getReason()S", {}), s(5));
  vm.call_virtual(e, "setReason(S)V", {s(-2)});
  EXPECT_EQ(vm.call_virtual(e, "getReason()S", {}), s(-2));
}

TEST(ExceptionNatives, UnsupportedMethodsThrowTheDocumentedException) {
  FakeVm vm;
  expect_java(
      [&] {
        vm.call_static("uicc.toolkit.ToolkitRegistrySystem",
                       "getEntry()Luicc/toolkit/ToolkitRegistry;", {});
      },
      "javacard.framework.SystemException", jc::javacard::framework::SystemException::ILLEGAL_USE);
}

TEST(UtilNatives, ArrayCopyHandlesOverlapAndChecksBounds) {
  FakeVm vm;
  const Ref a = vm.bytes(Bytes{1, 2, 3, 4, 5, 6});
  EXPECT_EQ(
      vm.call_static("javacard.framework.Util", "arrayCopy([BS[BSS)S", {a, s(0), a, s(2), s(4)}),
      s(6));
  EXPECT_EQ(vm.contents(a), (Bytes{1, 2, 1, 2, 3, 4}));
  const Ref b = vm.bytes(Bytes(4, 0));
  EXPECT_EQ(vm.call_static("javacard.framework.Util", "arrayCopyNonAtomic([BS[BSS)S",
                           {a, s(1), b, s(1), s(3)}),
            s(4));
  EXPECT_EQ(vm.contents(b), (Bytes{0, 2, 1, 2}));
  expect_java(
      [&] {
        vm.call_static("javacard.framework.Util", "arrayCopy([BS[BSS)S", {a, s(4), b, s(0), s(3)});
      },
      "java.lang.ArrayIndexOutOfBoundsException");
  expect_java(
      [&] {
        vm.call_static("javacard.framework.Util", "arrayCopy([BS[BSS)S", {a, s(0), b, s(2), s(3)});
      },
      "java.lang.ArrayIndexOutOfBoundsException");
  expect_java(
      [&] {
        vm.call_static("javacard.framework.Util", "arrayCopy([BS[BSS)S", {a, s(0), b, s(0), s(-1)});
      },
      "java.lang.ArrayIndexOutOfBoundsException");
  expect_java(
      [&] {
        vm.call_static("javacard.framework.Util", "arrayCopy([BS[BSS)S", {0, s(0), b, s(0), s(1)});
      },
      "java.lang.NullPointerException");
  // Nothing was written by the failed calls.
  EXPECT_EQ(vm.contents(b), (Bytes{0, 2, 1, 2}));
}

TEST(UtilNatives, TransactionAbortUndoesAtomicCopy) {
  FakeVm vm;
  const Ref src = vm.bytes(Bytes{9, 9});
  const Ref atomic = vm.bytes(Bytes{0, 0});
  const Ref plain = vm.bytes(Bytes{0, 0});
  vm.call_static("javacard.framework.JCSystem", "beginTransaction()V", {});
  vm.call_static("javacard.framework.Util", "arrayCopy([BS[BSS)S", {src, s(0), atomic, s(0), s(2)});
  vm.call_static("javacard.framework.Util", "arrayCopyNonAtomic([BS[BSS)S",
                 {src, s(0), plain, s(0), s(2)});
  EXPECT_EQ(vm.call_static("javacard.framework.JCSystem", "getTransactionDepth()B", {}), s(1));
  vm.call_static("javacard.framework.JCSystem", "abortTransaction()V", {});
  EXPECT_EQ(vm.contents(atomic), (Bytes{0, 0}));
  EXPECT_EQ(vm.contents(plain), (Bytes{9, 9}));
}

TEST(UtilNatives, CompareFillAndShorts) {
  FakeVm vm;
  const Ref a = vm.bytes(Bytes{0x01, 0x80, 0x7F});
  const Ref b = vm.bytes(Bytes{0x01, 0x01, 0x7F});
  // Java bytes are signed: 0x80 is below 0x01.
  EXPECT_EQ(
      vm.call_static("javacard.framework.Util", "arrayCompare([BS[BSS)B", {a, s(0), b, s(0), s(3)}),
      s(-1));
  EXPECT_EQ(
      vm.call_static("javacard.framework.Util", "arrayCompare([BS[BSS)B", {b, s(0), a, s(0), s(3)}),
      s(1));
  EXPECT_EQ(
      vm.call_static("javacard.framework.Util", "arrayCompare([BS[BSS)B", {a, s(2), b, s(2), s(1)}),
      s(0));
  EXPECT_EQ(vm.call_static("javacard.framework.Util", "arrayFillNonAtomic([BSSB)S",
                           {b, s(1), s(2), s(-1)}),
            s(3));
  EXPECT_EQ(vm.contents(b), (Bytes{0x01, 0xFF, 0xFF}));
  EXPECT_EQ(vm.call_static("javacard.framework.Util", "makeShort(BB)S", {s(0x12), s(-0x80)}),
            s(0x1280));
  EXPECT_EQ(vm.call_static("javacard.framework.Util", "setShort([BSS)S", {b, s(1), s(-2)}), s(3));
  EXPECT_EQ(vm.call_static("javacard.framework.Util", "getShort([BS)S", {b, s(1)}), s(-2));
  expect_java(
      [&] {
        vm.call_static("javacard.framework.Util", "getShort([BS)S", {b, s(2)});
      },
      "java.lang.ArrayIndexOutOfBoundsException");
}

TEST(AidNatives, ConstructCompareAndCopy) {
  FakeVm vm;
  const Bytes bytes = from_hex("A000000151000000");
  const Ref source = vm.bytes(bytes);
  const Ref aid = vm.make("javacard.framework.AID", "<init>([BSB)V", {source, s(0), s(8)});
  const Ref same = vm.make("javacard.framework.AID", "<init>([BSB)V", {source, s(0), s(8)});
  const Ref prefix = vm.make("javacard.framework.AID", "<init>([BSB)V", {source, s(0), s(5)});
  EXPECT_EQ(vm.call_virtual(aid, "equals(Ljava/lang/Object;)Z", {same}), 1u);
  EXPECT_EQ(vm.call_virtual(aid, "equals(Ljava/lang/Object;)Z", {prefix}), 0u);
  EXPECT_EQ(vm.call_virtual(aid, "equals(Ljava/lang/Object;)Z", {source}), 0u);
  EXPECT_EQ(vm.call_virtual(aid, "RIDEquals(Ljavacard/framework/AID;)Z", {prefix}), 1u);
  EXPECT_EQ(vm.call_virtual(aid, "equals([BSB)Z", {source, s(0), s(8)}), 1u);
  EXPECT_EQ(vm.call_virtual(aid, "equals([BSB)Z", {0, s(0), s(8)}), 0u);
  EXPECT_EQ(vm.call_virtual(aid, "partialEquals([BSB)Z", {source, s(0), s(6)}), 1u);
  const Ref out = vm.bytes(Bytes(10, 0));
  EXPECT_EQ(vm.call_virtual(aid, "getBytes([BS)B", {out, s(1)}), s(8));
  EXPECT_EQ(vm.contents(out), from_hex("00A00000015100000000"));
  EXPECT_EQ(vm.call_virtual(aid, "getPartialBytes(S[BSB)B", {s(5), out, s(0), s(0)}), s(3));
  expect_java(
      [&] {
        vm.make("javacard.framework.AID", "<init>([BSB)V", {source, s(0), s(4)});
      },
      "javacard.framework.SystemException",
      jc::javacard::framework::SystemException::ILLEGAL_VALUE);
}

// The runtime's AID objects (from JCSystem.getAID, lookupAID) are read through Vm::aid_of,
// because the firewall denies the applet's context their fields.
TEST(AidNatives, RuntimeAidsAnswerThroughTheVm) {
  FakeVm vm;
  const Ref jcre = vm.jcre_aid(vm::Aid::from_hex("A000000151000000"));
  const Ref source = vm.bytes(from_hex("A000000151000000"));
  const Ref own = vm.make("javacard.framework.AID", "<init>([BSB)V", {source, s(0), s(8)});
  EXPECT_EQ(vm.call_virtual(own, "equals(Ljava/lang/Object;)Z", {jcre}), 1u);
  EXPECT_EQ(vm.call_virtual(jcre, "equals([BSB)Z", {source, s(0), s(8)}), 1u);
  const Ref out = vm.bytes(Bytes(8, 0));
  EXPECT_EQ(vm.call_virtual(jcre, "getBytes([BS)B", {out, s(0)}), s(8));
  EXPECT_EQ(vm.contents(out), from_hex("A000000151000000"));
}

TEST(OwnerPinNatives, CountsTriesAndBlocks) {
  FakeVm vm;
  const Ref pin = vm.make("javacard.framework.OwnerPIN", "<init>(BB)V", {s(3), s(8)});
  const Ref value = vm.bytes(Bytes{'1', '2', '3', '4'});
  const Ref wrong = vm.bytes(Bytes{'1', '2', '3', '5'});
  vm.call_virtual(pin, "update([BSB)V", {value, s(0), s(4)});
  EXPECT_EQ(vm.call_virtual(pin, "getTriesRemaining()B", {}), s(3));
  EXPECT_EQ(vm.call_virtual(pin, "check([BSB)Z", {wrong, s(0), s(4)}), 0u);
  EXPECT_EQ(vm.call_virtual(pin, "getTriesRemaining()B", {}), s(2));
  EXPECT_EQ(vm.call_virtual(pin, "check([BSB)Z", {value, s(0), s(3)}), 0u);  // too short
  EXPECT_EQ(vm.call_virtual(pin, "check([BSB)Z", {value, s(0), s(4)}), 1u);
  EXPECT_EQ(vm.call_virtual(pin, "isValidated()Z", {}), 1u);
  EXPECT_EQ(vm.call_virtual(pin, "getTriesRemaining()B", {}), s(3));
  for (int i = 0; i < 3; ++i) vm.call_virtual(pin, "check([BSB)Z", {wrong, s(0), s(4)});
  EXPECT_EQ(vm.call_virtual(pin, "getTriesRemaining()B", {}), s(0));
  // Blocked: even the right value fails.
  EXPECT_EQ(vm.call_virtual(pin, "check([BSB)Z", {value, s(0), s(4)}), 0u);
  vm.call_virtual(pin, "resetAndUnblock()V", {});
  EXPECT_EQ(vm.call_virtual(pin, "getTriesRemaining()B", {}), s(3));
  expect_java(
      [&] {
        vm.call_virtual(pin, "update([BSB)V", {value, s(0), s(9)});
      },
      "javacard.framework.PINException", jc::javacard::framework::PINException::ILLEGAL_VALUE);
  expect_java(
      [&] {
        vm.make("javacard.framework.OwnerPIN", "<init>(BB)V", {s(0), s(8)});
      },
      "javacard.framework.PINException", jc::javacard::framework::PINException::ILLEGAL_VALUE);
}

TEST(OwnerPinNatives, TryCounterIgnoresTransactionsAndBadArguments) {
  FakeVm vm;
  const Ref pin = vm.make("javacard.framework.OwnerPIN", "<init>(BB)V", {s(3), s(8)});
  const Ref value = vm.bytes(Bytes{'1', '2', '3', '4'});
  vm.call_virtual(pin, "update([BSB)V", {value, s(0), s(4)});
  vm.call_static("javacard.framework.JCSystem", "beginTransaction()V", {});
  const Ref wrong = vm.bytes(Bytes{'0', '0', '0', '0'});
  vm.call_virtual(pin, "check([BSB)Z", {wrong, s(0), s(4)});
  vm.call_static("javacard.framework.JCSystem", "abortTransaction()V", {});
  EXPECT_EQ(vm.call_virtual(pin, "getTriesRemaining()B", {}), s(2));
  // An out-of-bounds candidate still costs a try.
  expect_java(
      [&] {
        vm.call_virtual(pin, "check([BSB)Z", {value, s(2), s(4)});
      },
      "java.lang.ArrayIndexOutOfBoundsException");
  EXPECT_EQ(vm.call_virtual(pin, "getTriesRemaining()B", {}), s(1));
}

TEST(OwnerPinNatives, CardResetClearsValidatedFlag) {
  FakeVm vm;
  const Ref pin = vm.make("javacard.framework.OwnerPIN", "<init>(BB)V", {s(3), s(4)});
  const Ref value = vm.bytes(Bytes{'9', '9'});
  vm.call_virtual(pin, "update([BSB)V", {value, s(0), s(2)});
  vm.call_virtual(pin, "check([BSB)Z", {value, s(0), s(2)});
  EXPECT_EQ(vm.call_virtual(pin, "isValidated()Z", {}), 1u);
  vm.reset_card();
  EXPECT_EQ(vm.call_virtual(pin, "isValidated()Z", {}), 0u);
  vm.call_virtual(pin, "check([BSB)Z", {value, s(0), s(2)});
  vm.call_virtual(pin, "reset()V", {});
  EXPECT_EQ(vm.call_virtual(pin, "isValidated()Z", {}), 0u);
}

TEST(JcSystemNatives, TransientArraysAndVersion) {
  FakeVm vm;
  const Ref cod = vm.call_static("javacard.framework.JCSystem", "makeTransientByteArray(SB)[B",
                                 {s(10), s(jsys::CLEAR_ON_DESELECT)});
  EXPECT_EQ(vm.array_length(cod), 10u);
  EXPECT_EQ(
      vm.call_static("javacard.framework.JCSystem", "isTransient(Ljava/lang/Object;)B", {cod}),
      s(jsys::CLEAR_ON_DESELECT));
  const Ref persistent = vm.bytes(Bytes(2, 0));
  EXPECT_EQ(vm.call_static("javacard.framework.JCSystem", "isTransient(Ljava/lang/Object;)B",
                           {persistent}),
            s(jsys::NOT_A_TRANSIENT_OBJECT));
  expect_java(
      [&] {
        vm.call_static("javacard.framework.JCSystem", "makeTransientShortArray(SB)[S",
                       {s(4), s(3)});
      },
      "javacard.framework.SystemException",
      jc::javacard::framework::SystemException::ILLEGAL_VALUE);
  expect_java(
      [&] {
        vm.call_static("javacard.framework.JCSystem", "makeTransientShortArray(SB)[S",
                       {s(-1), s(1)});
      },
      "java.lang.NegativeArraySizeException");
  const Ref global =
      vm.call_static("javacard.framework.JCSystem", "makeGlobalArray(BS)Ljava/lang/Object;",
                     {s(jsys::ARRAY_TYPE_SHORT), s(3)});
  EXPECT_EQ(vm.array_type(global), vm::ArrayType::short_array);
  EXPECT_EQ(vm.call_static("javacard.framework.JCSystem", "getVersion()S", {}), s(0x0305));
  expect_java([&] { vm.call_static("javacard.framework.JCSystem", "commitTransaction()V", {}); },
              "javacard.framework.TransactionException", 2);
  EXPECT_GT(
      vm::short_of_slot(vm.call_static("javacard.framework.JCSystem", "getAvailableMemory(B)S",
                                       {s(jsys::MEMORY_TYPE_PERSISTENT)})),
      0);
  vm.call_static("javacard.framework.JCSystem", "requestObjectDeletion()V", {});
  EXPECT_TRUE(vm.deletion_requested);
}

TEST(AppletNatives, RegisterAndDefaults) {
  FakeVm vm;
  const Ref applet = vm.new_object(class_name("javacard.framework.Applet"));
  vm.call_virtual(applet, "register()V", {});
  const Ref aid = vm.bytes(from_hex("D2760000850101"));
  vm.call_virtual(applet, "register([BSB)V", {aid, s(0), s(7)});
  ASSERT_EQ(vm.registered.size(), 2u);
  EXPECT_FALSE(vm.registered[0].second);
  EXPECT_EQ(vm.registered[1].second->to_hex(), "D2760000850101");
  expect_java(
      [&] {
        vm.call_virtual(applet, "register([BSB)V", {aid, s(0), s(4)});
      },
      "javacard.framework.SystemException", jc::javacard::framework::SystemException::ILLEGAL_AID);
  EXPECT_EQ(vm.call_virtual(applet, "select()Z", {}), 1u);
  vm.selecting = true;
  EXPECT_EQ(vm.call_virtual(applet, "selectingApplet()Z", {}), 1u);
  expect_java(
      [&] {
        vm.call_static("javacard.framework.Applet", "install([BSB)V", {aid, s(0), s(7)});
      },
      "javacard.framework.ISOException", jiso::SW_FUNC_NOT_SUPPORTED);
}

TEST(GpSystemNatives, AnswerFromThePlatform) {
  FakeVm vm;
  // FakeVm has the default PlatformHooks: a SECURED card without GlobalPlatform registry.
  EXPECT_EQ(vm.call_static("org.globalplatform.GPSystem", "getCardState()B", {}), s(0x0F));
  EXPECT_EQ(vm.call_static("org.globalplatform.GPSystem", "getCardContentState()B", {}), s(0x07));
  EXPECT_EQ(vm.call_static("org.globalplatform.GPSystem", "setCardContentState(B)Z", {s(0x0F)}),
            0u);
  EXPECT_EQ(vm.call_static("org.globalplatform.GPSystem", "setCardContentState(B)Z", {s(0x83)}),
            0u);
  EXPECT_EQ(vm.call_static("org.globalplatform.GPSystem",
                           "getSecureChannel()Lorg/globalplatform/SecureChannel;", {}),
            vm::kNullRef);
}

// Without api::GlobalPlatformHooks (a runtime outside a card manager) the services of
// org.globalplatform report that they are not available, as the API allows, and never throw.
TEST(GpSystemNatives, WithoutGlobalPlatformHooks) {
  FakeVm vm;
  const char* gp = "org.globalplatform.GPSystem";
  EXPECT_EQ(vm.call_static(gp, "getCVM(B)Lorg/globalplatform/CVM;", {s(0x11)}), vm::kNullRef);
  EXPECT_EQ(vm.call_static(gp, "lockCard()Z", {}), 0u);
  EXPECT_EQ(vm.call_static(gp, "terminateCard()Z", {}), 0u);
  const Ref hist = vm.bytes(from_hex("8031C073"));
  EXPECT_EQ(vm.call_static(gp, "setATRHistBytes([BSB)Z", {hist, s(0), s(4)}), 0u);
  EXPECT_EQ(vm.call_static(gp,
                           "getRegistryEntry(Ljavacard/framework/AID;)Lorg/globalplatform/"
                           "GPRegistryEntry;",
                           {vm::kNullRef}),
            vm::kNullRef);
  // The array range is checked first, as for any API method that reads an array.
  expect_java(
      [&] {
        vm.call_static(gp, "setATRHistBytes([BSB)Z", {hist, s(2), s(4)});
      },
      "java.lang.ArrayIndexOutOfBoundsException");
  expect_java(
      [&] {
        vm.call_static(gp, "setATRHistBytes([BSB)Z", {hist, s(0), s(-1)});
      },
      "java.lang.ArrayIndexOutOfBoundsException");
}

// --- APDU ----------------------------------------------------------------------------------

struct ApduFixture {
  FakeVm vm;
  Ref apdu = 0;

  void command(const std::string& hex, std::uint8_t protocol = 1) {
    vm.begin_command(from_hex(hex), protocol);
    apdu = vm.apdu().object;
  }
  Slot call(std::string_view signature, std::vector<Slot> args = {}) {
    return vm.call_virtual(apdu, signature, std::move(args));
  }
  Bytes buffer(std::size_t offset, std::size_t length) {
    const ByteView all = vm.array_bytes(vm.apdu().buffer);
    return Bytes(all.begin() + static_cast<std::ptrdiff_t>(offset),
                 all.begin() + static_cast<std::ptrdiff_t>(offset + length));
  }
};

TEST(ApduNatives, ShortCaseThreeReceivesData) {
  ApduFixture f;
  f.command("80CA010203AABBCC");
  EXPECT_EQ(f.buffer(0, 5), from_hex("80CA010203"));
  EXPECT_EQ(f.call("getCurrentState()B"), s(japdu::STATE_INITIAL));
  EXPECT_EQ(f.call("setIncomingAndReceive()S"), s(3));
  EXPECT_EQ(f.buffer(5, 3), from_hex("AABBCC"));
  EXPECT_EQ(f.call("getCurrentState()B"), s(japdu::STATE_FULL_INCOMING));
  EXPECT_EQ(f.call("getIncomingLength()S"), s(3));
  EXPECT_EQ(f.call("getOffsetCdata()S"), s(5));
  expect_java([&] { f.call("setIncomingAndReceive()S"); }, "javacard.framework.APDUException",
              jex::ILLEGAL_USE);
  expect_java([&] { f.call("receiveBytes(S)S", {s(5)}); }, "javacard.framework.APDUException",
              jex::ILLEGAL_USE);
}

TEST(ApduNatives, ShortCaseTwoSends256Bytes) {
  ApduFixture f;
  f.command("00B0000000");
  EXPECT_EQ(f.call("setOutgoing()S"), s(256));
  f.call("setOutgoingLength(S)V", {s(256)});
  f.call("sendBytes(SS)V", {s(0), s(200)});
  EXPECT_EQ(f.call("getCurrentState()B"), s(japdu::STATE_PARTIAL_OUTGOING));
  f.call("sendBytes(SS)V", {s(0), s(56)});
  EXPECT_EQ(f.call("getCurrentState()B"), s(japdu::STATE_FULL_OUTGOING));
  EXPECT_EQ(f.vm.apdu().response.size(), 256u);
  expect_java(
      [&] {
        f.call("sendBytes(SS)V", {s(0), s(1)});
      },
      "javacard.framework.APDUException", jex::ILLEGAL_USE);
}

TEST(ApduNatives, OutgoingErrors) {
  ApduFixture f;
  f.command("0084000008");
  expect_java(
      [&] {
        f.call("sendBytes(SS)V", {s(0), s(1)});
      },
      "javacard.framework.APDUException", jex::ILLEGAL_USE);
  expect_java([&] { f.call("setOutgoingLength(S)V", {s(8)}); }, "javacard.framework.APDUException",
              jex::ILLEGAL_USE);
  EXPECT_EQ(f.call("setOutgoing()S"), s(8));
  expect_java([&] { f.call("setOutgoing()S"); }, "javacard.framework.APDUException",
              jex::ILLEGAL_USE);
  expect_java([&] { f.call("setOutgoingLength(S)V", {s(257)}); },
              "javacard.framework.APDUException", jex::BAD_LENGTH);
  f.call("setOutgoingLength(S)V", {s(8)});
  expect_java(
      [&] {
        f.call("sendBytes(SS)V", {s(258), s(8)});
      },
      "javacard.framework.APDUException", jex::BUFFER_BOUNDS);
  expect_java(
      [&] {
        f.call("sendBytes(SS)V", {s(0), s(9)});
      },
      "javacard.framework.APDUException", jex::ILLEGAL_USE);
  const Ref data = f.vm.bytes(Bytes(8, 0x5A));
  f.call("sendBytesLong([BSS)V", {data, s(0), s(8)});
  EXPECT_EQ(f.vm.apdu().response, Bytes(8, 0x5A));
}

TEST(ApduNatives, SetOutgoingAndSendEchoesData) {
  ApduFixture f;
  f.command("8001000004DEADBEEF00");
  EXPECT_EQ(f.call("setIncomingAndReceive()S"), s(4));
  f.call("setOutgoingAndSend(SS)V", {s(5), s(4)});
  EXPECT_EQ(f.vm.apdu().response, from_hex("DEADBEEF"));
  EXPECT_EQ(f.call("getCurrentState()B"), s(japdu::STATE_FULL_OUTGOING));
}

TEST(ApduNatives, ExtendedCommandArrivesInChunks) {
  ApduFixture f;
  const std::size_t length = 1000;
  Bytes command = from_hex("80100000");
  command.push_back(0x00);
  append_u16(command, static_cast<std::uint16_t>(length));
  for (std::size_t i = 0; i < length; ++i) command.push_back(static_cast<std::uint8_t>(i));
  append_u16(command, 0x0000);  // Le = 65536, capped at 32767 by setOutgoing
  f.vm.begin_command(command);
  f.apdu = f.vm.apdu().object;
  EXPECT_EQ(f.buffer(0, 7), from_hex("80100000"
                                     "0003E8"));
  EXPECT_EQ(f.call("getOffsetCdata()S"), s(7));
  EXPECT_EQ(f.call("getIncomingLength()S"), s(1000));
  Bytes received;
  std::uint16_t count =
      static_cast<std::uint16_t>(vm::short_of_slot(f.call("setIncomingAndReceive()S")));
  EXPECT_EQ(count, 261 - 7);
  append(received, f.buffer(7, count));
  while (vm::short_of_slot(f.call("getCurrentState()B")) == japdu::STATE_PARTIAL_INCOMING) {
    count = static_cast<std::uint16_t>(vm::short_of_slot(f.call("receiveBytes(S)S", {s(0)})));
    ASSERT_GT(count, 0);
    append(received, f.buffer(0, count));
  }
  EXPECT_EQ(received,
            Bytes(command.begin() + 7, command.begin() + 7 + static_cast<std::ptrdiff_t>(length)));
  EXPECT_EQ(f.call("setOutgoing()S"), s(32767));
  f.call("setOutgoingLength(S)V", {s(32767)});
  const Ref chunk = f.vm.bytes(Bytes(1000, 0x33));
  for (int i = 0; i < 32; ++i) f.call("sendBytesLong([BSS)V", {chunk, s(0), s(1000)});
  f.call("sendBytesLong([BSS)V", {chunk, s(0), s(767)});
  EXPECT_EQ(f.vm.apdu().response.size(), 32767u);
  EXPECT_EQ(f.call("getCurrentState()B"), s(japdu::STATE_FULL_OUTGOING));
}

TEST(ApduNatives, ClassByteAndProtocolQueries) {
  ApduFixture f;
  f.command("1C20008108", 0);  // chained, secure messaging, T=0
  EXPECT_EQ(f.call("isCommandChainingCLA()Z"), 1u);
  EXPECT_EQ(f.call("isSecureMessagingCLA()Z"), 1u);
  EXPECT_EQ(f.call("isISOInterindustryCLA()Z"), 1u);
  EXPECT_EQ(f.vm.call_static("javacard.framework.APDU", "getProtocol()B", {}),
            s(japdu::PROTOCOL_T0));
  EXPECT_EQ(f.vm.call_static("javacard.framework.APDU", "getInBlockSize()S", {}), s(1));
  EXPECT_EQ(
      f.vm.call_static("javacard.framework.APDU", "getCurrentAPDU()Ljavacard/framework/APDU;", {}),
      f.apdu);
  EXPECT_EQ(f.vm.call_static("javacardx.apdu.util.APDUUtil", "getCLAChannel(B)B", {s(0x43)}), s(7));
  EXPECT_EQ(f.vm.call_static("javacardx.apdu.util.APDUUtil", "getCLAChannel(B)B", {s(0x02)}), s(2));
  EXPECT_EQ(f.vm.call_static("javacardx.apdu.util.APDUUtil", "isValidCLA(B)Z", {s(-1)}), 0u);
}

TEST(ApduNatives, OutsideACommandThrowsSecurityException) {
  FakeVm vm;
  expect_java(
      [&] {
        vm.call_static("javacard.framework.APDU", "getCurrentAPDU()Ljavacard/framework/APDU;", {});
      },
      "java.lang.SecurityException");
}

}  // namespace
}  // namespace uicc::api
