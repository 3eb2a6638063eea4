#include "vm/store/store.h"

#include <gtest/gtest.h>

#include <fstream>

namespace uicc::store {
namespace {

class TempImage {
 public:
  TempImage() {
    path_ = std::filesystem::temp_directory_path() /
            ("uicc-store-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++) + ".img");
    std::filesystem::remove(path_);
  }
  ~TempImage() {
    std::filesystem::remove(path_);
    std::filesystem::remove(path_.string() + ".tmp");
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  static inline int counter_ = 0;
  std::filesystem::path path_;
};

constexpr ObjectHeader kBlob{1, 0, 7, 42};

TEST(Store, AllocatesZeroFilledObjects) {
  Store store;
  Handle h = store.allocate(kBlob, 8);
  EXPECT_TRUE(store.valid(h));
  EXPECT_EQ(store.size(h), 8u);
  EXPECT_EQ(store.header(h), kBlob);
  for (auto byte : store.view(h)) EXPECT_EQ(byte, 0);
}

TEST(Store, RejectsWritesOutsideObject) {
  Store store;
  Handle h = store.allocate(kBlob, 4);
  EXPECT_THROW(store.write(h, 3, Bytes{1, 2}), std::out_of_range);
  EXPECT_THROW(store.write(h, 5, Bytes{}), std::out_of_range);
  EXPECT_THROW(store.write(999, 0, Bytes{1}), std::out_of_range);
}

TEST(Store, EnforcesMemoryLimits) {
  Limits limits;
  limits.persistent_bytes = 1000;
  limits.volatile_bytes = 100;
  Store store(limits);
  EXPECT_THROW(store.allocate(kBlob, 2000), OutOfMemory);
  EXPECT_THROW(store.allocate(ObjectHeader{1, kVolatile, 0, 0}, 101), OutOfMemory);
  Handle h = store.allocate(kBlob, 900);
  EXPECT_THROW(store.allocate(kBlob, 100), OutOfMemory);
  store.release(h);
  EXPECT_NO_THROW(store.allocate(kBlob, 100));
}

TEST(Store, AbortRestoresWritesAndAllocations) {
  Store store;
  Handle h = store.allocate(kBlob, 4);
  store.write(h, 0, Bytes{1, 2, 3, 4});
  store.begin_transaction();
  store.write(h, 1, Bytes{9, 9});
  Handle fresh = store.allocate(kBlob, 2);
  store.set_root(0, fresh);
  store.abort_transaction();
  EXPECT_EQ(to_hex(store.view(h)), "01020304");
  EXPECT_FALSE(store.valid(fresh));
  EXPECT_EQ(store.root(0), kNull);
}

TEST(Store, NonAtomicWritesSurviveAbort) {
  Store store;
  Handle h = store.allocate(kBlob, 4);
  store.begin_transaction();
  store.write_non_atomic(h, 0, Bytes{7});
  store.write(h, 1, Bytes{8});
  store.abort_transaction();
  EXPECT_EQ(to_hex(store.view(h)), "07000000");
}

TEST(Store, CommitCapacityLimitsBeforeImages) {
  Limits limits;
  limits.commit_capacity = 10;
  Store store(limits);
  Handle h = store.allocate(kBlob, 32);
  store.begin_transaction();
  store.write(h, 0, Bytes(8, 1));
  EXPECT_THROW(store.write(h, 8, Bytes(8, 2)), CommitCapacityExceeded);
  EXPECT_EQ(store.view(h)[8], 0);  // the refused write changed nothing
  EXPECT_EQ(store.transaction_bytes(), 8u);
  store.commit_transaction();
}

TEST(Store, ImageReopensWithSameContent) {
  TempImage image;
  Handle h;
  {
    auto store = Store::open(image.path());
    EXPECT_TRUE(store->created());
    h = store->allocate(kBlob, 4);
    store->write(h, 0, Bytes{0xCA, 0xFE, 0xBA, 0xBE});
    store->set_root(3, h);
    Handle transient = store->allocate(ObjectHeader{2, kVolatile, 0, 0}, 4);
    store->write(transient, 0, Bytes{1, 1, 1, 1});
    store->flush();
  }
  auto store = Store::open(image.path());
  EXPECT_FALSE(store->created());
  EXPECT_EQ(store->root(3), h);
  EXPECT_EQ(to_hex(store->view(h)), "CAFEBABE");
  EXPECT_EQ(store->header(h), kBlob);
  // Volatile contents do not survive, the object does.
  bool found_transient = false;
  store->for_each([&](Handle other) {
    if (store->header(other).flags & kVolatile) {
      found_transient = true;
      EXPECT_EQ(to_hex(store->view(other)), "00000000");
    }
  });
  EXPECT_TRUE(found_transient);
}

TEST(Store, CompactionKeepsContent) {
  TempImage image;
  {
    auto store = Store::open(image.path());
    Handle h = store->allocate(kBlob, 1024);
    store->set_root(0, h);
    for (int i = 0; i < 400; ++i) {
      store->write(h, 0, Bytes(1024, static_cast<std::uint8_t>(i)));
      store->flush();
    }
    EXPECT_LT(store->usage().journal_bytes, 400u * 1024u);  // compaction happened
  }
  auto store = Store::open(image.path());
  EXPECT_EQ(store->view(store->root(0))[0], static_cast<std::uint8_t>(399));
}

TEST(Store, TornBatchIsDiscarded) {
  TempImage image;
  {
    auto store = Store::open(image.path());
    Handle h = store->allocate(kBlob, 2);
    store->set_root(0, h);
    store->write(h, 0, Bytes{1, 1});
    store->flush();
    store->write(h, 0, Bytes{2, 2});
    store->flush();
  }
  // Cut the last batch in half, as a kill during write() would.
  auto size = std::filesystem::file_size(image.path());
  std::filesystem::resize_file(image.path(), size - 5);
  {
    auto store = Store::open(image.path());
    EXPECT_EQ(to_hex(store->view(store->root(0))), "0101");
    store->write(store->root(0), 0, Bytes{3, 3});
    store->flush();
  }
  auto store = Store::open(image.path());
  EXPECT_EQ(to_hex(store->view(store->root(0))), "0303");
}

TEST(Store, RejectsFilesThatAreNotImages) {
  TempImage image;
  {
    std::ofstream out(image.path(), std::ios::binary);
    out << "this is not a card image";
  }
  EXPECT_THROW(Store::open(image.path()), ImageError);
}

TEST(Store, RejectsDamagedSnapshot) {
  TempImage image;
  { Store::open(image.path())->allocate(kBlob, 4); }
  {
    std::fstream file(image.path(), std::ios::binary | std::ios::in | std::ios::out);
    file.seekp(36);
    file.put('\x55');
  }
  EXPECT_THROW(Store::open(image.path()), ImageError);
}

// A scenario touches persistent memory inside and outside a transaction. Cutting power after
// each of its writes in turn, the reopened image must hold the state before the transaction
// or the state after it, never a mixture, and every non-transactional write before the cut.
TEST(Store, PowerLossAtEveryWriteRecoversAllowedState) {
  auto scenario = [](Store& store) {
    Handle h = store.root(0);
    store.write(h, 0, Bytes{1});  // outside: counter byte
    store.begin_transaction();
    store.write(h, 1, Bytes{0xAA, 0xAA});
    Handle fresh = store.allocate(kBlob, 2);
    store.write(fresh, 0, Bytes{5, 5});
    store.set_root(1, fresh);
    store.write(h, 3, Bytes{0xBB});
    store.commit_transaction();
    store.write(h, 0, Bytes{2});
  };

  std::uint64_t total_writes = 0;
  {
    TempImage image;
    auto store = Store::open(image.path());
    store->set_root(0, store->allocate(kBlob, 4));
    auto before = store->write_count();
    scenario(*store);
    total_writes = store->write_count() - before;
  }
  ASSERT_GT(total_writes, 5u);

  for (std::uint64_t cut = 1; cut <= total_writes; ++cut) {
    TempImage image;
    {
      auto store = Store::open(image.path());
      store->set_root(0, store->allocate(kBlob, 4));
      store->flush();
      store->cut_power_after(cut);
      EXPECT_THROW(scenario(*store), PowerLoss) << "cut " << cut;
    }
    auto store = Store::open(image.path());
    ByteView state = store->view(store->root(0));
    bool committed = state[1] == 0xAA;
    if (committed) {
      EXPECT_EQ(to_hex(state.subspan(1)), "AAAABB") << "cut " << cut;
      ASSERT_TRUE(store->valid(store->root(1))) << "cut " << cut;
      EXPECT_EQ(to_hex(store->view(store->root(1))), "0505") << "cut " << cut;
    } else {
      EXPECT_EQ(to_hex(state.subspan(1)), "000000") << "cut " << cut;
      EXPECT_EQ(store->root(1), kNull) << "cut " << cut;
      EXPECT_EQ(store->usage().objects, 1u) << "cut " << cut;
    }
    EXPECT_EQ(state[0], cut == total_writes ? 2 : 1) << "cut " << cut;
    // The recovered image accepts further work and reopens again.
    store->write(store->root(0), 0, Bytes{9});
    store->flush();
  }
}

}  // namespace
}  // namespace uicc::store
