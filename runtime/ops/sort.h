#pragma once
// An in-place heap sort: O(n log n), no allocation and no <algorithm>, so that operators sort
// the same way under every storage policy (firmware included). Not stable: callers sort by a
// total order.

#include <cstddef>

namespace vlac::rt {

template <class T, class Less>
void heap_sort(T* items, size_t n, Less less) {
  auto sift_down = [&](size_t i, size_t end) {
    while (true) {
      size_t l = 2 * i + 1, r = l + 1, m = i;
      if (l < end && less(items[m], items[l])) m = l;
      if (r < end && less(items[m], items[r])) m = r;
      if (m == i) return;
      T t = items[i];
      items[i] = items[m];
      items[m] = t;
      i = m;
    }
  };
  for (size_t i = n / 2; i-- > 0;) sift_down(i, n);
  for (size_t end = n; end > 1; --end) {
    T t = items[0];
    items[0] = items[end - 1];
    items[end - 1] = t;
    sift_down(0, end - 1);
  }
}

}  // namespace vlac::rt
