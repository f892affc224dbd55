#pragma once
// Integer arithmetic that wraps (two's complement, LANGUAGE.md §2) without signed overflow in
// C++: computed on the unsigned type and converted back. Used by the runtime's time arithmetic
// and by the C++ backend's generated code. Header-only, firmware-clean.

#include <cstdint>

namespace vlac::rt {

template <typename T>
struct Unsigned;
template <>
struct Unsigned<int32_t> {
  using type = uint32_t;
};
template <>
struct Unsigned<int64_t> {
  using type = uint64_t;
};
/// Keeps the second argument out of template deduction: wrap_sub(t, 1) is an int64_t subtraction.
template <typename T>
struct Same {
  using type = T;
};

template <typename T>
inline T wrap_add(T a, typename Same<T>::type b) {
  using U = typename Unsigned<T>::type;
  return static_cast<T>(static_cast<U>(a) + static_cast<U>(b));
}
template <typename T>
inline T wrap_sub(T a, typename Same<T>::type b) {
  using U = typename Unsigned<T>::type;
  return static_cast<T>(static_cast<U>(a) - static_cast<U>(b));
}
template <typename T>
inline T wrap_mul(T a, typename Same<T>::type b) {
  using U = typename Unsigned<T>::type;
  return static_cast<T>(static_cast<U>(a) * static_cast<U>(b));
}
template <typename T>
inline T wrap_neg(T a) {
  using U = typename Unsigned<T>::type;
  return static_cast<T>(U{0} - static_cast<U>(a));
}

}  // namespace vlac::rt
