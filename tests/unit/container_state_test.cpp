// Save and load of the operator containers (runtime/ops/container_state.h and the containers of
// fixed_containers.h, hosted_containers.h, group_table.h): each is filled by random operations
// (fixed seeds), saved at several points, loaded into a fresh container, and then both get the
// same further operations. The restored one must answer every operation as the original does
// (group numbers, ids, free-list reuse, pop order, strings by value) and save the same bytes;
// truncated bytes are refused.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "runtime/ops/fixed_containers.h"
#include "runtime/ops/group_table.h"
#include "runtime/ops/hosted_containers.h"

namespace vlac::rt {
namespace {

std::vector<uint8_t> saved(const auto& c, const auto&... args) {
  std::vector<uint8_t> out;
  StateWriter w(&out);
  c.save(w, args...);
  return out;
}

/// Loads `bytes` into `c`, expecting every byte to be used; and that each shorter prefix is
/// refused (load returns false) by a fresh container made by `fresh`.
template <class C, class Fresh, class... A>
void load_all(C& c, const std::vector<uint8_t>& bytes, Fresh&& fresh, const A&... args) {
  StateReader r(bytes.data(), bytes.size());
  ASSERT_TRUE(c.load(r, args...));
  EXPECT_TRUE(r.at_end());
  for (size_t cut : {size_t{0}, bytes.size() / 2, bytes.size() - 1}) {
    if (cut >= bytes.size()) continue;
    auto other = fresh();
    StateReader t(bytes.data(), cut);
    EXPECT_FALSE(other->load(t, args...)) << "a prefix of " << cut << " of " << bytes.size() << " bytes";
  }
}

// ---- group tables: keys (STRING, INT64) and accumulators (INT64 count, STRING max, 8 raw bytes)

struct StringRows {
  RowLayout key = RowLayout::make({{FieldType::String, true, 0}, {FieldType::Int64, true, 0}});
  RowLayout acc = RowLayout::make({{FieldType::Int64, false, 0}, {FieldType::String, false, 0}});
  std::vector<std::string> pool;  // the keys' strings live here until the table copies them
  std::vector<uint8_t> make_key(std::mt19937_64& rng) {
    std::vector<uint8_t> k(key.size, 0);
    pool.push_back(std::string(rng() % 4, 'a' + static_cast<char>(rng() % 3)));
    put(k.data(), key.fields[0], StringRef{pool.back().data(), static_cast<uint32_t>(pool.back().size())});
    set_null(k.data(), key.fields[0], rng() % 7 == 0);
    put(k.data(), key.fields[1], static_cast<int64_t>(rng() % 5));
    return k;
  }
  /// count += 1, max string = the larger of it and v (copied into the table's arena).
  void update(GroupTable& t, uint32_t g, const std::string& v) {
    uint8_t* a = t.acc(g);
    put(a, acc.fields[0], get<int64_t>(a, acc.fields[0]) + 1);
    const StringRef m = get<StringRef>(a, acc.fields[1]);
    if (get<int64_t>(a, acc.fields[0]) == 1 || std::string(m.data, m.size) < v)
      put(a, acc.fields[1], StringRef{t.arena().copy(v.data(), static_cast<uint32_t>(v.size())), static_cast<uint32_t>(v.size())});
    a[acc.size] = static_cast<uint8_t>(a[acc.size] * 3 + 1);  // the plain bytes after the layout
  }
  std::string describe(GroupTable& t) {
    std::string out;
    for (uint32_t g = 0; g < t.size(); ++g) {
      const uint8_t* k = t.key(g);
      const StringRef ks = get<StringRef>(k, key.fields[0]);
      out += is_null(k, key.fields[0]) ? "null" : std::string(ks.data, ks.size);
      out += "/" + std::to_string(get<int64_t>(k, key.fields[1])) + ":";
      const uint8_t* a = t.acc(g);
      const StringRef m = get<StringRef>(a, acc.fields[1]);
      out += std::to_string(get<int64_t>(a, acc.fields[0])) + "," + std::string(m.data, m.size) + "," +
             std::to_string(a[acc.size]) + ";";
    }
    return out;
  }
};

TEST(ContainerState, GroupTableWithStringsRestoresGroupsAndGoesOnAlike) {
  StringRows rows;
  const uint32_t acc_size = rows.acc.size + 8;
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    std::mt19937_64 rng(seed);
    GroupTable a(&rows.key, acc_size, 40);
    const int cut = static_cast<int>(rng() % 300);
    for (int i = 0; i < cut; ++i) {
      bool ins;
      auto k = rows.make_key(rng);
      uint32_t g = a.find_or_insert(k.data(), &ins);
      if (g != GroupTable::kNone) rows.update(a, g, std::string(1, 'a' + static_cast<char>(rng() % 26)));
    }
    const auto bytes = saved(a, &rows.acc);
    GroupTable b(&rows.key, acc_size, 40);
    load_all(b, bytes, [&] { return std::make_unique<GroupTable>(&rows.key, acc_size, 40); }, &rows.acc);
    rows.pool.clear();  // the original's key strings are gone: the restored table owns copies
    EXPECT_EQ(rows.describe(a), rows.describe(b));
    EXPECT_EQ(saved(b, &rows.acc), bytes);
    for (int i = 0; i < 200; ++i) {
      auto k = rows.make_key(rng);
      bool ia, ib;
      const uint32_t ga = a.find_or_insert(k.data(), &ia), gb = b.find_or_insert(k.data(), &ib);
      ASSERT_EQ(ga, gb);
      ASSERT_EQ(ia, ib);
      const std::string v(1, 'a' + static_cast<char>(rng() % 26));
      if (ga != GroupTable::kNone) {
        rows.update(a, ga, v);
        rows.update(b, gb, v);
      }
    }
    EXPECT_EQ(rows.describe(a), rows.describe(b));
    EXPECT_EQ(saved(a, &rows.acc), saved(b, &rows.acc));
    // A spent table keeps only its shape: cleared alike, it grows alike.
    std::vector<uint8_t> shape;
    StateWriter w(&shape);
    a.save_shape(w);
    StateReader r(shape.data(), shape.size());
    GroupTable c(&rows.key, acc_size, 40);
    ASSERT_TRUE(c.load_shape(r));
    a.clear();
    EXPECT_EQ(saved(a, &rows.acc), saved(c, &rows.acc));
  }
}

TEST(ContainerState, FixedGroupTableAndKeyTableRestoreIdsAndFreeList) {
  using Table = FixedGroupTable<8, 16, 20>;
  using Keys = KeyTable<8, 20>;
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    std::mt19937_64 rng(seed);
    auto a = std::make_unique<Table>();
    auto ka = std::make_unique<Keys>();
    a->clear();
    ka->clear();
    auto step = [&](Table& t, Keys& k, uint64_t x, uint64_t op) {
      uint8_t key[8] = {};
      std::memcpy(key, &x, sizeof x);
      bool ins;
      const uint32_t g = t.find_or_insert(key, &ins);
      if (g != Table::kNone) t.acc(g)[static_cast<size_t>(op % 16)] += 1;
      const uint32_t id = k.find_or_insert(key, &ins);
      if (id != Keys::kNone && op % 3 == 0) k.remove(id);
      return std::to_string(g) + "/" + std::to_string(id) + (ins ? "+" : "") + ";";
    };
    const int cut = static_cast<int>(rng() % 100);
    for (int i = 0; i < cut; ++i) step(*a, *ka, rng() % 30, rng());
    auto b = std::make_unique<Table>();
    auto kb = std::make_unique<Keys>();
    load_all(*b, saved(*a), [] { return std::make_unique<Table>(); });
    load_all(*kb, saved(*ka), [] { return std::make_unique<Keys>(); });
    EXPECT_EQ(saved(*b), saved(*a));
    EXPECT_EQ(saved(*kb), saved(*ka));
    for (int i = 0; i < 200; ++i) {
      const uint64_t x = rng() % 30, op = rng();
      ASSERT_EQ(step(*a, *ka, x, op), step(*b, *kb, x, op));
    }
    EXPECT_EQ(saved(*b), saved(*a));
    EXPECT_EQ(saved(*kb), saved(*ka));
    std::vector<uint8_t> bad = saved(*ka);
    const uint32_t slot = 21;  // id 20: none is handed out beyond N = 20
    std::memcpy(bad.data() + 12, &slot, sizeof slot);
    StateReader r(bad.data(), bad.size());
    EXPECT_FALSE(kb->load(r));
  }
}

TEST(ContainerState, HostedKeyTableWithStringsRestoresIdsSlotsAndFreeList) {
  const RowLayout layout = RowLayout::make({{FieldType::String, true, 0}});
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    std::mt19937_64 rng(seed);
    std::vector<std::string> pool;
    auto step = [&](HostedKeyTable& k, const std::string& s, uint64_t op) {
      std::vector<uint8_t> key(layout.size, 0);
      put(key.data(), layout.fields[0], StringRef{s.data(), static_cast<uint32_t>(s.size())});
      bool ins;
      const uint32_t id = k.find_or_insert(key.data(), &ins);
      if (id != HostedKeyTable::kNone && op % 3 == 0) k.remove(id);
      return std::to_string(id) + (ins ? "+" : "") + ";";
    };
    HostedKeyTable a, b, fresh;
    a.init(&layout, 25);
    b.init(&layout, 25);
    const int cut = static_cast<int>(rng() % 200);
    for (int i = 0; i < cut; ++i) step(a, std::to_string(rng() % 40), rng());
    const auto bytes = saved(a);
    load_all(b, bytes, [&] {
      auto t = std::make_unique<HostedKeyTable>();
      t->init(&layout, 25);
      return t;
    });
    EXPECT_EQ(saved(b), bytes);
    for (int i = 0; i < 300; ++i) {
      const std::string s = std::to_string(rng() % 40);
      const uint64_t op = rng();
      ASSERT_EQ(step(a, s, op), step(b, s, op));
    }
    EXPECT_EQ(saved(b), saved(a));
    // A slot naming an id never handed out is refused (it would be read out of bounds).
    std::vector<uint8_t> bad = saved(a);
    const uint64_t slot = (uint64_t{7} << 32) | 100000;  // after live, high, two byte counts, slot count
    std::memcpy(bad.data() + 32, &slot, sizeof slot);
    HostedKeyTable c;
    c.init(&layout, 25);
    StateReader r(bad.data(), bad.size());
    EXPECT_FALSE(c.load(r));
  }
}

// ---- sequences: Ring / HostedFifo / HostedQueue, RowSlots, heaps, lists, arrays, vectors

TEST(ContainerState, RingFifoAndQueueKeepTheirItemsInOrder) {
  std::mt19937_64 rng(7);
  Ring<int64_t, 8> ring;
  HostedFifo<int64_t> fifo;
  HostedQueue<int64_t> queue;
  for (int i = 0; i < 13; ++i) {
    ring.push_back(i);
    fifo.push_back(i);
    queue.push_back(i);
    if (i % 3 == 0) {
      ring.pop_front();
      fifo.pop_front();
      queue.pop_front();
    }
  }
  Ring<int64_t, 8> ring2;
  HostedFifo<int64_t> fifo2;
  HostedQueue<int64_t> queue2;
  load_all(ring2, saved(ring), [] { return std::make_unique<Ring<int64_t, 8>>(); });
  load_all(fifo2, saved(fifo), [] { return std::make_unique<HostedFifo<int64_t>>(); });
  load_all(queue2, saved(queue), [] { return std::make_unique<HostedQueue<int64_t>>(); });
  EXPECT_EQ(saved(ring2), saved(ring));
  ASSERT_EQ(ring2.size(), ring.size());
  for (size_t i = 0; i < ring.size(); ++i) EXPECT_EQ(ring2[i], ring[i]);
  ASSERT_EQ(fifo2.size(), fifo.size());
  for (size_t i = 0; i < fifo.size(); ++i) EXPECT_EQ(fifo2[i], fifo[i]);
  EXPECT_TRUE(queue2 == queue);
  // Both rings go on alike (the same head: full at the same push).
  for (int i = 0; i < 10; ++i) EXPECT_EQ(ring.push_back(100 + i), ring2.push_back(100 + i));
  EXPECT_EQ(saved(ring2), saved(ring));
}

TEST(ContainerState, RowSlotsAndHeapsGoOnAlike) {
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    std::mt19937_64 rng(seed);
    auto slots = std::make_unique<RowSlots<16, 12>>();
    slots->clear();
    PendingHeap<12> heap;
    HostedPendingHeap hheap;
    auto step = [&](RowSlots<16, 12>& s, PendingHeap<12>& h, HostedPendingHeap& hh, uint64_t x) {
      std::string out;
      if (x % 3 == 0 && !h.empty()) {
        const auto it = h.pop();
        const auto hit = hh.pop();
        s.remove(it.slot);
        out += std::to_string(it.time) + "," + std::to_string(it.seq) + "," + std::to_string(hit.seq) + "-";
      } else {
        uint8_t row[16] = {};
        std::memcpy(row, &x, 8);
        const uint32_t slot = s.add(row);
        if (slot != UINT32_MAX) {
          h.push({static_cast<int64_t>(x % 5), static_cast<int64_t>(x), slot});
          hh.push({static_cast<int64_t>(x % 5), static_cast<int64_t>(x), slot});
        }
        out += std::to_string(slot) + "+";
      }
      return out;
    };
    for (int i = 0; i < 30; ++i) step(*slots, heap, hheap, rng());
    auto slots2 = std::make_unique<RowSlots<16, 12>>();
    PendingHeap<12> heap2;
    HostedPendingHeap hheap2;
    load_all(*slots2, saved(*slots), [] { return std::make_unique<RowSlots<16, 12>>(); });
    load_all(heap2, saved(heap), [] { return std::make_unique<PendingHeap<12>>(); });
    load_all(hheap2, saved(hheap), [] { return std::make_unique<HostedPendingHeap>(); });
    EXPECT_EQ(saved(*slots2), saved(*slots));
    EXPECT_EQ(saved(heap2), saved(heap));
    EXPECT_EQ(saved(hheap2), saved(hheap));
    for (int i = 0; i < 60; ++i) {
      const uint64_t x = rng();
      ASSERT_EQ(step(*slots, heap, hheap, x), step(*slots2, heap2, hheap2, x));
    }
    for (uint32_t s = 0; s < 12; ++s) EXPECT_EQ(std::memcmp(slots->row(s), slots2->row(s), 16), 0);
  }
}

/// The pending heaps against a sorted model: random pushes (few distinct times, so ties on
/// time are common) and pops, every pop the smallest (time, seq); the fixed and the growing
/// heap keep the same array (one algorithm). And a heap laid out by std::push_heap, as the
/// growing heap did before it shared the fixed one's algorithm, loads and pops in order: a
/// snapshot of that layout still restores (any binary min-heap array is one for both).
TEST(ContainerState, PendingHeapsPopInOrder) {
  constexpr size_t kCap = 2048;
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    std::mt19937_64 rng(seed);
    auto heap = std::make_unique<PendingHeap<kCap>>();
    HostedPendingHeap hheap;
    std::set<std::pair<int64_t, int64_t>> model;
    int64_t seq = 0;
    const uint64_t distinct_times = seed * 7;
    for (int i = 0; i < 40000; ++i) {
      const bool push = model.empty() || (model.size() < kCap && rng() % 100 < (i < 20000 ? 60u : 40u));
      if (push) {
        const PendingItem it{static_cast<int64_t>(rng() % distinct_times) - 3, seq++, static_cast<uint32_t>(i)};
        ASSERT_TRUE(heap->push(it));
        hheap.push(it);
        model.insert({it.time, it.seq});
        continue;
      }
      const auto want = *model.begin();
      model.erase(model.begin());
      const PendingItem a = heap->pop(), b = hheap.pop();
      ASSERT_EQ(a.time, want.first);
      ASSERT_EQ(a.seq, want.second);
      ASSERT_EQ(b.seq, want.second);
      ASSERT_EQ(b.slot, a.slot);
    }
    EXPECT_EQ(saved(*heap), saved(hheap));

    std::vector<PendingItem> old_layout;
    auto later = [](const PendingItem& x, const PendingItem& y) { return x.time != y.time ? x.time > y.time : x.seq > y.seq; };
    for (int i = 0; i < 1500; ++i) {
      old_layout.push_back({static_cast<int64_t>(rng() % distinct_times), i, static_cast<uint32_t>(i)});
      std::push_heap(old_layout.begin(), old_layout.end(), later);
      if (rng() % 4 == 0) {
        std::pop_heap(old_layout.begin(), old_layout.end(), later);
        old_layout.pop_back();
      }
    }
    std::vector<uint8_t> bytes;
    StateWriter w(&bytes);
    w.u64(old_layout.size());
    for (const PendingItem& it : old_layout) save_pending_item(w, it);
    auto loaded = std::make_unique<PendingHeap<kCap>>();
    HostedPendingHeap hloaded;
    StateReader r1(bytes.data(), bytes.size()), r2(bytes.data(), bytes.size());
    ASSERT_TRUE(loaded->load(r1));
    ASSERT_TRUE(hloaded.load(r2));
    std::sort(old_layout.begin(), old_layout.end(), [&](const PendingItem& x, const PendingItem& y) { return later(y, x); });
    for (const PendingItem& want : old_layout) {
      ASSERT_EQ(loaded->pop().seq, want.seq);
      ASSERT_EQ(hloaded.pop().seq, want.seq);
    }
    EXPECT_TRUE(loaded->empty());
    EXPECT_TRUE(hloaded.empty());
  }
}

/// An item policy for items holding a vector (as a hosted SESSION's accumulator does).
struct VectorItem {
  void save(StateWriter& w, const std::vector<int64_t>& v) const { save_items(w, v); }
  bool load(StateReader& r, std::vector<int64_t>& v) const { return load_items(r, v, UINT64_MAX); }
};

TEST(ContainerState, ListsArraysVectorsAndItems) {
  HostedLists<std::vector<int64_t>> lists, lists2;
  lists.init(3);
  lists2.init(3);
  FixedLists<int64_t, 4, 3> flists, flists2;
  flists.init(3);
  flists2.init(3);
  for (uint32_t k = 0; k < 4; ++k) {
    lists.ensure(k);
    for (int i = 0; i < static_cast<int>(k); ++i) {
      *lists.push(k) = std::vector<int64_t>(static_cast<size_t>(i) + 1, k);
      *flists.push(k) = 10 * k + static_cast<uint32_t>(i);
    }
  }
  lists.erase(3, 0);
  flists.erase(3, 1);
  load_all(lists2, saved(lists, VectorItem{}), [] {
    auto l = std::make_unique<HostedLists<std::vector<int64_t>>>();
    l->init(3);
    return l;
  }, VectorItem{});
  load_all(flists2, saved(flists), [] { return std::make_unique<FixedLists<int64_t, 4, 3>>(); });
  EXPECT_EQ(saved(lists2, VectorItem{}), saved(lists, VectorItem{}));
  EXPECT_EQ(saved(flists2), saved(flists));
  ASSERT_EQ(lists2.keys(), 4u);
  EXPECT_EQ(lists2.size(3), 2u);
  EXPECT_EQ(lists2.at(3, 0), std::vector<int64_t>(2, 3));
  EXPECT_EQ(flists2.size(3), 2u);
  EXPECT_EQ(flists2.at(3, 1), 32);
  EXPECT_EQ(lists2.push(3) != nullptr, lists.push(3) != nullptr);
  EXPECT_EQ(lists2.push(3), nullptr);  // per_key is 3

  HostedArray<int64_t> arr, arr2;
  arr.ensure(5);
  arr[4] = 9;
  FixedArray<int64_t, 5> farr{}, farr2{};
  farr[2] = 7;
  load_all(arr2, saved(arr), [] { return std::make_unique<HostedArray<int64_t>>(); });
  load_all(farr2, saved(farr), [] { return std::make_unique<FixedArray<int64_t, 5>>(); });
  EXPECT_EQ(arr2[4], 9);
  EXPECT_EQ(farr2[2], 7);

  FixedVector<int64_t, 6> vec, vec2;
  vec.clear();
  vec.push_back(4);
  vec.push_back(5);
  load_all(vec2, saved(vec), [] { return std::make_unique<FixedVector<int64_t, 6>>(); });
  ASSERT_EQ(vec2.size(), 2u);
  EXPECT_EQ(vec2[1], 5);

  HostedItems<std::vector<int64_t>> items, items2;
  items.resize(2);
  items.for_each([](size_t i, std::vector<int64_t>& v) { v.assign(i + 2, static_cast<int64_t>(i)); });
  load_all(items2, saved(items, VectorItem{}), [] { return std::make_unique<HostedItems<std::vector<int64_t>>>(); }, VectorItem{});
  EXPECT_EQ(saved(items2, VectorItem{}), saved(items, VectorItem{}));
}

template <size_t I>
struct Sized {
  int64_t v[I + 1];
};
struct Each {
  void save(StateWriter& w, const auto& x) const { w.put(x); }
  bool load(StateReader& r, auto& x) const { return r.get(&x); }
};
TEST(ContainerState, FixedItemsOfEachTypeInOrder) {
  FixedItems<Sized, 3> a{}, b{};
  a.for_each([](size_t i, auto& x) { x.v[0] = static_cast<int64_t>(i) + 1; });
  load_all(b, saved(a, Each{}), [] { return std::make_unique<FixedItems<Sized, 3>>(); }, Each{});
  EXPECT_EQ(saved(b, Each{}), saved(a, Each{}));
  std::vector<int64_t> firsts;
  b.for_each([&](size_t, auto& x) { firsts.push_back(x.v[0]); });
  EXPECT_EQ(firsts, (std::vector<int64_t>{1, 2, 3}));
}

// ---- open windows

TEST(ContainerState, OpenWindowsRestoreTheirWindowsAndGroups) {
  StringRows rows;
  const uint32_t acc_size = rows.acc.size + 8;
  HostedOpenWindows a, b;
  a.init(&rows.key, acc_size, 10, 50);
  b.init(&rows.key, acc_size, 10, 50);
  using FTable = FixedGroupTable<8, 8, 4>;
  auto fa = std::make_unique<FixedOpenWindows<FTable, 5>>();
  auto fb = std::make_unique<FixedOpenWindows<FTable, 5>>();
  fa->init(nullptr, 8, 5, 4);
  fb->init(nullptr, 8, 5, 4);
  std::mt19937_64 rng(3);
  for (int i = 0; i < 60; ++i) {
    const int64_t s = static_cast<int64_t>(rng() % 6) * 10;
    GroupTable* t = a.find(s, s + 10);
    if (!t) t = a.open(s, s + 10);
    bool ins;
    auto k = rows.make_key(rng);
    const uint32_t g = t->find_or_insert(k.data(), &ins);
    if (g != GroupTable::kNone) rows.update(*t, g, "x" + std::to_string(i));
    FTable* ft = fa->find(s, s + 10);
    if (!ft) ft = fa->open(s, s + 10);
    if (ft) {
      uint8_t fk[8] = {};
      fk[0] = static_cast<uint8_t>(rng() % 6);
      const uint32_t fg = ft->find_or_insert(fk, &ins);
      if (fg != FTable::kNone) ft->acc(fg)[0] += 1;
    }
    if (i == 30) {  // one closes: its fixed slot is reused
      int64_t st, en;
      FTable* first;
      if (fa->first(&st, &en, &first)) fa->close_first();
    }
  }
  const auto bytes = saved(a, &rows.acc);
  load_all(b, bytes, [&] {
    auto w = std::make_unique<HostedOpenWindows>();
    w->init(&rows.key, acc_size, 10, 50);
    return w;
  }, &rows.acc);
  rows.pool.clear();
  EXPECT_EQ(saved(b, &rows.acc), bytes);
  std::string da, db;
  a.for_each_in_order([&](int64_t s, int64_t e, GroupTable* t) { return da += std::to_string(s) + std::to_string(e) + rows.describe(*t), true; });
  b.for_each_in_order([&](int64_t s, int64_t e, GroupTable* t) { return db += std::to_string(s) + std::to_string(e) + rows.describe(*t), true; });
  EXPECT_EQ(da, db);
  load_all(*fb, saved(*fa), [] {
    auto w = std::make_unique<FixedOpenWindows<FTable, 5>>();
    w->init(nullptr, 8, 5, 4);
    return w;
  });
  EXPECT_EQ(saved(*fb), saved(*fa));
  // The same slot opens next, and the windows leave in the same order.
  EXPECT_EQ(fa->open(1000, 1010) != nullptr, fb->open(1000, 1010) != nullptr);
  EXPECT_EQ(saved(*fb), saved(*fa));
  int64_t sa, ea, sb, eb;
  FTable *ta, *tb;
  while (fa->first(&sa, &ea, &ta)) {
    ASSERT_TRUE(fb->first(&sb, &eb, &tb));
    EXPECT_EQ(sa, sb);
    EXPECT_EQ(saved(*ta), saved(*tb));
    fa->close_first();
    fb->close_first();
  }
  EXPECT_FALSE(fb->first(&sb, &eb, &tb));
}

}  // namespace
}  // namespace vlac::rt
