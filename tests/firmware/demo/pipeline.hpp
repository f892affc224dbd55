// pipeline.hpp - demo "pipeline" for the firmware harness self-test.
//
// A fixed-capacity per-key running sum: every pushed (key, value) row
// updates the key's running sum and count and emits (key, sum, count) to
// the Sink given as a template parameter; flush() emits each key's final
// sum and mean (as double) in first-seen order.  No heap, no exceptions,
// no RTTI: storage is a fixed array inside the object.
#pragma once

#include <cstddef>
#include <cstdint>

namespace demo {

template <typename Key, typename Value, std::size_t Capacity, typename Sink>
class KeyedRunningSum {
public:
    // Returns false (and counts the row as dropped) if `key` is new and the
    // table is full.
    bool push(Key key, Value value)
    {
        Slot *slot = find(key);
        if (slot == nullptr) {
            if (used_ == Capacity) {
                ++dropped_;
                return false;
            }
            slot = &slots_[used_++];
            slot->key = key;
            slot->sum = Value{};
            slot->count = 0;
        }
        slot->sum += value;
        ++slot->count;
        Sink::on_row(key, slot->sum, slot->count);
        return true;
    }

    void flush() const
    {
        for (std::size_t i = 0; i < used_; ++i) {
            const Slot &s = slots_[i];
            Sink::on_final(s.key, s.sum, static_cast<double>(s.sum) / static_cast<double>(s.count));
        }
    }

    std::size_t size() const { return used_; }
    std::uint32_t dropped() const { return dropped_; }

private:
    struct Slot {
        Key key;
        Value sum;
        std::uint32_t count;
    };

    Slot *find(Key key)
    {
        for (std::size_t i = 0; i < used_; ++i)
            if (slots_[i].key == key) return &slots_[i];
        return nullptr;
    }

    Slot slots_[Capacity] = {};
    std::size_t used_ = 0;
    std::uint32_t dropped_ = 0;
};

} // namespace demo

// ---- interface between the checked pipeline object and the harness -------
// Implemented by the harness (main.cpp), which may use printf:
void harness_on_row(std::int32_t key, float sum, std::uint32_t count);
void harness_on_final(std::int32_t key, float sum, double mean);

// Implemented by the checked object (pipeline.cpp):
bool pipeline_push(std::int32_t key, float value);
void pipeline_flush();
std::uint32_t pipeline_dropped();
