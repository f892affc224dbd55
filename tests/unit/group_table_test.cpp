// The hosted group table (runtime/ops/group_table.h): keys of one to four words take a word-wise
// path (hash and compare without calls), others the general one. Checked against a std::map
// model: every key gets one group, numbered in first-appearance order, found again by value,
// and no more than the limit.
#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <set>
#include <random>
#include <vector>

#include "runtime/ops/group_table.h"
#include "runtime/parallel/key_partition.h"

namespace vlac::rt {
namespace {

/// Keys of `columns` nullable INT32 / INT64 columns (mixed, so values sit in high halves too).
RowLayout key_layout(int columns) {
  std::vector<RowLayout::ColumnSpec> cols;
  for (int c = 0; c < columns; ++c) cols.push_back({c % 2 ? FieldType::Int64 : FieldType::Int32, true, 0});
  return RowLayout::make(cols);
}

void check_against_model(int columns, uint64_t limit) {
  SCOPED_TRACE(testing::Message() << columns << " columns, limit " << limit);
  const RowLayout layout = key_layout(columns);
  GroupTable table(&layout, 8, limit);
  std::map<std::vector<uint8_t>, uint32_t> model;  // key bytes -> group
  std::mt19937_64 rng(columns * 1000 + limit);
  std::vector<uint8_t> key(layout.size);
  for (int i = 0; i < 5000; ++i) {
    std::fill(key.begin(), key.end(), 0);
    for (const Field& f : layout.fields) {
      const int64_t v = static_cast<int64_t>(rng() % 40) - 20;  // few distinct values: many repeats
      if (f.type == FieldType::Int32) put(key.data(), f, static_cast<int32_t>(v));
      else put(key.data(), f, v);
      set_null(key.data(), f, rng() % 9 == 0);
    }
    bool inserted;
    const uint32_t g = table.find_or_insert(key.data(), &inserted);
    auto it = model.find(key);
    if (it != model.end()) {
      EXPECT_FALSE(inserted);
      EXPECT_EQ(g, it->second);
    } else if (model.size() >= limit) {
      EXPECT_EQ(g, GroupTable::kNone);
    } else {
      EXPECT_TRUE(inserted);
      EXPECT_EQ(g, model.size());  // groups numbered in first-appearance order
      model.emplace(key, g);
    }
  }
  ASSERT_EQ(table.size(), model.size());
  for (const auto& [bytes, g] : model) EXPECT_EQ(std::memcmp(table.key(g), bytes.data(), bytes.size()), 0);
}

TEST(KeyRows, TwoIntColumnsInOneWordHashApart) {
  // Two NOT NULL INT32 columns share a word: (robot, joint) of 4 robots and 7 joints, the
  // suite's OVER key. A fold of the word by high ^ low gave (1,1), (2,2), ... one hash, 8 in all
  // (every such key collided in the tables, and the partitions got 22 and 6 keys).
  const RowLayout layout = RowLayout::make({{FieldType::Int32, false, 0}, {FieldType::Int32, false, 0}});
  ASSERT_EQ(layout.size, 8u);
  KeyRows rows;
  rows.init(&layout);
  std::set<uint64_t> hashes;
  std::vector<std::vector<int>> per_partition(5, std::vector<int>(5, 0));  // [partitions][p]: keys
  for (int32_t robot = 1; robot <= 4; ++robot) {
    for (int32_t joint = 1; joint <= 7; ++joint) {
      std::vector<uint8_t> key(layout.size, 0);
      put(key.data(), layout.fields[0], robot);
      put(key.data(), layout.fields[1], joint);
      const uint64_t h = rows.hash(key.data());
      hashes.insert(h);
      for (uint64_t n = 2; n <= 4; ++n) ++per_partition[n][key_partition(h, n)];
    }
  }
  EXPECT_EQ(hashes.size(), 28u);
  // Each of 2, 3 and 4 partitions takes some of the 28 keys (none is left idle).
  for (uint64_t n = 2; n <= 4; ++n)
    for (uint64_t p = 0; p < n; ++p) EXPECT_GE(per_partition[n][p], 3) << n << " partitions, partition " << p;
}

TEST(GroupTable, WordKeysAndLongerKeysMatchAMapModel) {
  for (int columns = 1; columns <= 6; ++columns) {  // 8 to 40 bytes: word paths and the general one
    check_against_model(columns, UINT64_MAX);
    check_against_model(columns, 37);
  }
}

}  // namespace
}  // namespace vlac::rt
