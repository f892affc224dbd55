#pragma once
// ROUND(x, digits) for floats (LANGUAGE.md §2, §4): half away from zero on the value's shortest
// decimal form, so ROUND(2.675, 2) = 2.68 although the double nearest 2.675 is slightly below
// it. Header-only and firmware-clean (<cstdint>, <cmath>): the firmware runtime has no
// std::to_chars/from_chars, so this file also has exact, heap-free versions of the two
// conversions ROUND needs (shortest digits: Burger & Dybvig's free-format algorithm; nearest
// binary value of a decimal: an estimate corrected by exact comparisons), on a small fixed
// bignum. math_functions.h runs the one rounding rule, round_decimal_with(), on the
// <charconv> conversions in the hosted runtime and on these on firmware;
// tests/unit/decimal_round_test.cpp checks that both give the same digits and results.

#include <cmath>
#include <cstdint>

namespace vlac::rt {

/// A finite non-zero number as ±d1.d2…dn × 10^exp10 (n ≤ 17 significant digits, d1 ≠ 0).
struct DecimalForm {
  char digits[24];
  int n;
  int exp10;
  bool negative;
};

namespace decimal_detail {

/// Unsigned integers of up to 1536 bits, enough for every double's and float's exact scaling.
class Big {
 public:
  static constexpr int kWords = 48;
  explicit Big(uint64_t v = 0) {
    w_[0] = static_cast<uint32_t>(v);
    w_[1] = static_cast<uint32_t>(v >> 32);
    n_ = w_[1] ? 2 : w_[0] ? 1 : 0;
  }
  void mul_small(uint32_t m) {
    uint64_t carry = 0;
    for (int i = 0; i < n_; ++i) {
      uint64_t t = static_cast<uint64_t>(w_[i]) * m + carry;
      w_[i] = static_cast<uint32_t>(t);
      carry = t >> 32;
    }
    if (carry && n_ < kWords) w_[n_++] = static_cast<uint32_t>(carry);
  }
  void mul_pow10(int k) {
    for (; k >= 9; k -= 9) mul_small(1000000000u);
    static constexpr uint32_t kPow[9] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000};
    if (k > 0) mul_small(kPow[k]);
  }
  void shl(int bits) {
    if (n_ == 0 || bits <= 0) return;
    const int words = bits / 32, rest = bits % 32;
    int n = n_ + words + 1;
    if (n > kWords) n = kWords;
    for (int i = n - 1; i >= 0; --i) {
      const int src = i - words;
      uint32_t hi = src >= 0 && src < n_ ? w_[src] : 0;
      uint32_t lo = src - 1 >= 0 && src - 1 < n_ ? w_[src - 1] : 0;
      w_[i] = rest ? (hi << rest) | (lo >> (32 - rest)) : hi;
    }
    n_ = n;
    trim();
  }
  void add(const Big& b) {
    uint64_t carry = 0;
    const int n = n_ > b.n_ ? n_ : b.n_;
    for (int i = 0; i < n; ++i) {
      uint64_t t = carry + (i < n_ ? w_[i] : 0) + (i < b.n_ ? b.w_[i] : 0);
      w_[i] = static_cast<uint32_t>(t);
      carry = t >> 32;
    }
    n_ = n;
    if (carry && n_ < kWords) w_[n_++] = static_cast<uint32_t>(carry);
  }
  /// *this -= b, with *this >= b.
  void sub(const Big& b) {
    int64_t borrow = 0;
    for (int i = 0; i < n_; ++i) {
      int64_t t = static_cast<int64_t>(w_[i]) - (i < b.n_ ? b.w_[i] : 0) - borrow;
      borrow = t < 0;
      w_[i] = static_cast<uint32_t>(t + (borrow << 32));
    }
    trim();
  }
  static int cmp(const Big& a, const Big& b) {
    if (a.n_ != b.n_) return a.n_ < b.n_ ? -1 : 1;
    for (int i = a.n_ - 1; i >= 0; --i)
      if (a.w_[i] != b.w_[i]) return a.w_[i] < b.w_[i] ? -1 : 1;
    return 0;
  }
  bool is_zero() const { return n_ == 0; }

 private:
  void trim() {
    while (n_ > 0 && w_[n_ - 1] == 0) --n_;
  }
  uint32_t w_[kWords] = {};
  int n_ = 0;
};

/// A binary floating-point format: p significant bits, exponents of the last bit in [min_q, max_q].
struct Format {
  int p, min_q, max_q;
};
constexpr Format kDouble{53, -1074, 971};
constexpr Format kFloat{24, -149, 104};

/// Positive finite v as m × 2^q (m < 2^p; m ≥ 2^(p-1) unless q = min_q).
inline void decompose(double v, const Format& f, uint64_t* m, int* q) {
  int e;
  double frac = std::frexp(v, &e);  // v = frac × 2^e, frac in [0.5, 1)
  *q = e - f.p;
  if (*q < f.min_q) *q = f.min_q;
  *m = static_cast<uint64_t>(std::ldexp(v, -*q));
  (void)frac;
}

}  // namespace decimal_detail

/// The shortest decimal digits that read back as x (a double, or a float when is_float32), the
/// closest to x among them (ties to an even last digit), as std::to_chars gives. x finite, ≠ 0.
inline void shortest_decimal(double x, bool is_float32, DecimalForm* out) {
  using decimal_detail::Big;
  const decimal_detail::Format& fmt = is_float32 ? decimal_detail::kFloat : decimal_detail::kDouble;
  out->negative = std::signbit(x);
  uint64_t f;
  int e;
  decimal_detail::decompose(std::fabs(x), fmt, &f, &e);
  const bool even = f % 2 == 0;
  const bool unequal = f == (uint64_t{1} << (fmt.p - 1)) && e > fmt.min_q;  // the gap below is half
  // v = r / s; the rounding interval is (v - mm/s, v + mp/s), its ends included when f is even.
  Big r(f), s(1), mp(1), mm(1);
  if (e >= 0) {
    r.shl(e + (unequal ? 2 : 1));
    s = Big(unequal ? 4 : 2);
    mp.shl(e + (unequal ? 1 : 0));
    mm.shl(e);
  } else {
    r.shl(unequal ? 2 : 1);
    s.shl(-e + (unequal ? 2 : 1));
    if (unequal) mp = Big(2);
  }
  int bits = 0;
  for (uint64_t t = f; t; t >>= 1) ++bits;
  int k = static_cast<int>(std::ceil((e + bits - 1) * 0.30102999566398114 - 1e-9));
  if (k >= 0) {
    s.mul_pow10(k);
  } else {
    r.mul_pow10(-k);
    mp.mul_pow10(-k);
    mm.mul_pow10(-k);
  }
  auto high_reaches = [&](const Big& rr, const Big& mpp, const Big& ss) {  // (r + m+) / s ≥ 1 (> 1 when odd)
    Big h = rr;
    h.add(mpp);
    int c = Big::cmp(h, ss);
    return even ? c >= 0 : c > 0;
  };
  while (high_reaches(r, mp, s)) {  // the estimate was low: the first digit would be ≥ 10
    s.mul_small(10);
    ++k;
  }
  for (;;) {  // the estimate was high: the first digit would be 0 with more to come
    Big r10 = r, mp10 = mp;
    r10.mul_small(10);
    mp10.mul_small(10);
    if (high_reaches(r10, mp10, s)) break;
    r = r10;
    mp = mp10;
    mm.mul_small(10);
    --k;
  }
  int n = 0;
  for (;;) {
    r.mul_small(10);
    mp.mul_small(10);
    mm.mul_small(10);
    int d = 0;
    while (Big::cmp(r, s) >= 0) {
      r.sub(s);
      ++d;
    }
    const int low_cmp = Big::cmp(r, mm);
    const bool low = even ? low_cmp <= 0 : low_cmp < 0;
    const bool high = high_reaches(r, mp, s);
    if (!low && !high && n < 20) {
      out->digits[n++] = static_cast<char>('0' + d);
      continue;
    }
    if (high && (!low || [&] {
          Big r2 = r;
          r2.add(r);
          int c = Big::cmp(r2, s);
          return c > 0 || (c == 0 && d % 2 == 1);
        }()))
      ++d;
    out->digits[n++] = static_cast<char>('0' + d);
    break;
  }
  // A final digit of 10 carries (not expected from the algorithm; kept exact if it happens).
  for (int i = n - 1; i > 0 && out->digits[i] > '9'; --i) {
    out->digits[i] = '0';
    ++out->digits[i - 1];
  }
  if (out->digits[0] > '9') {
    out->digits[0] = '1';
    for (int i = 1; i < n; ++i) out->digits[i] = '0';
    ++k;
  }
  while (n > 1 && out->digits[n - 1] == '0') --n;
  out->n = n;
  out->exp10 = k - 1;
}

/// The double (or float, when is_float32) nearest to ±mantissa × 10^exp10, ties to even, ±inf
/// beyond the largest finite value.
inline double nearest_binary(bool negative, uint64_t mantissa, int exp10, bool is_float32) {
  using decimal_detail::Big;
  const decimal_detail::Format& fmt = is_float32 ? decimal_detail::kFloat : decimal_detail::kDouble;
  const double sign = negative ? -1.0 : 1.0;
  if (mantissa == 0) return sign * 0.0;
  // An estimate within a few units in the last place.
  double est = static_cast<double>(mantissa);
  for (int e = exp10; e > 0; e -= 22) est *= std::pow(10.0, e > 22 ? 22 : e);
  for (int e = exp10; e < 0; e += 22) est /= std::pow(10.0, e < -22 ? 22 : -e);
  const double largest = is_float32 ? 3.4028234663852886e38 : 1.7976931348623157e308;
  if (!(est <= largest)) est = largest;
  if (is_float32) est = static_cast<double>(static_cast<float>(est));
  uint64_t m;
  int q;
  if (est == 0) {
    m = 0;
    q = fmt.min_q;
  } else {
    decimal_detail::decompose(est, fmt, &m, &q);
  }
  const uint64_t top = uint64_t{1} << fmt.p, half = top >> 1;
  // 2 × decimal vs a + b for adjacent candidates a = ma·2^qa, b = mb·2^qb: the sign of
  // decimal − midpoint, exactly.
  auto vs_mid = [&](uint64_t ma, int qa, uint64_t mb, int qb) {
    const int qmin = qa < qb ? qa : qb;
    Big left(mantissa), ra(ma), rb(mb);
    left.shl(1);
    if (exp10 > 0) left.mul_pow10(exp10);
    if (qmin < 0) left.shl(-qmin);
    ra.shl(qa - qmin);
    rb.shl(qb - qmin);
    ra.add(rb);
    if (qmin > 0) ra.shl(qmin);
    if (exp10 < 0) ra.mul_pow10(-exp10);
    return Big::cmp(left, ra);
  };
  for (int guard = 0; guard < 4000; ++guard) {
    uint64_t um = m + 1;
    int uq = q;
    if (um == top) {
      um = half;
      ++uq;
    }
    int c = vs_mid(m, q, um, uq);
    if (c > 0 || (c == 0 && m % 2 == 1)) {
      m = um;
      q = uq;
      if (q > fmt.max_q) return sign * HUGE_VAL;
      continue;
    }
    if (m == 0) break;
    uint64_t dm = m - 1;
    int dq = q;
    if (m == half && q > fmt.min_q) {
      dm = top - 1;
      --dq;
    }
    c = vs_mid(dm, dq, m, q);
    if (c < 0 || (c == 0 && m % 2 == 1)) {
      m = dm;
      q = dq;
      continue;
    }
    break;
  }
  return sign * std::ldexp(static_cast<double>(m), q);
}

/// The rounding rule on decimal digits: rounds ±d1.d2…dn × 10^exp10 to `digits` decimals, half
/// away from zero. Returns false when the value is already short enough (unchanged); otherwise
/// the result is ±*mantissa × 10^*exp10 (*mantissa = 0: a zero of x's sign).
inline bool round_decimal_form(const DecimalForm& v, int32_t digits, uint64_t* mantissa, int* exp10) {
  // Beyond ±400 digits every double or float is either unchanged or rounds to zero; clamping
  // first keeps the position arithmetic far from overflow.
  const int d = digits > 400 ? 400 : digits < -400 ? -400 : static_cast<int>(digits);
  const int keep = v.exp10 + 1 + d;  // significant digits kept
  if (keep >= v.n) return false;
  if (keep < 0) {
    *mantissa = 0;
    *exp10 = 0;
    return true;
  }
  uint64_t m = 0;
  for (int i = 0; i < keep; ++i) m = m * 10 + static_cast<uint64_t>(v.digits[i] - '0');
  if (v.digits[keep] >= '5') ++m;  // at most 10^17: no overflow
  *mantissa = m;
  *exp10 = v.exp10 + 1 - keep;
  return true;
}

/// ROUND(x, digits) for floats with the given conversions: Shortest(x, is_float32, DecimalForm*)
/// and Nearest(negative, mantissa, exp10, is_float32) -> double.
template <class Shortest, class Nearest>
inline double round_decimal_with(double x, int32_t digits, bool is_float32, Shortest shortest, Nearest nearest) {
  if (!std::isfinite(x) || x == 0) return x;
  DecimalForm v;
  shortest(x, is_float32, &v);
  uint64_t m;
  int e;
  if (!round_decimal_form(v, digits, &m, &e)) return x;
  if (m == 0) return v.negative ? -0.0 : 0.0;
  return nearest(v.negative, m, e, is_float32);
}

}  // namespace vlac::rt
