// The hosted group table (runtime/ops/group_table.h): keys of one to four words take a word-wise
// path (hash and compare without calls), others the general one. Checked against a std::map
// model: every key gets one group, numbered in first-appearance order, found again by value,
// and no more than the limit.
#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <random>
#include <vector>

#include "runtime/ops/group_table.h"

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

TEST(GroupTable, WordKeysAndLongerKeysMatchAMapModel) {
  for (int columns = 1; columns <= 6; ++columns) {  // 8 to 40 bytes: word paths and the general one
    check_against_model(columns, UINT64_MAX);
    check_against_model(columns, 37);
  }
}

}  // namespace
}  // namespace vlac::rt
