#include "runtime/io/json_text.h"

#include <cstdint>
#include <cstring>

namespace vlac::rt::json {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The four hex digits after `\u` at p (p points at the backslash; the scanner checked them).
uint32_t read_u_escape(const char* p) {
  uint32_t v = 0;
  for (int i = 2; i < 6; ++i) v = v << 4 | static_cast<uint32_t>(hex_value(p[i]));
  return v;
}

size_t put_utf8(uint32_t cp, char* out) {
  if (cp < 0x80) {
    out[0] = static_cast<char>(cp);
    return 1;
  }
  if (cp < 0x800) {
    out[0] = static_cast<char>(0xC0 | cp >> 6);
    out[1] = static_cast<char>(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = static_cast<char>(0xE0 | cp >> 12);
    out[1] = static_cast<char>(0x80 | (cp >> 6 & 0x3F));
    out[2] = static_cast<char>(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = static_cast<char>(0xF0 | cp >> 18);
  out[1] = static_cast<char>(0x80 | (cp >> 12 & 0x3F));
  out[2] = static_cast<char>(0x80 | (cp >> 6 & 0x3F));
  out[3] = static_cast<char>(0x80 | (cp & 0x3F));
  return 4;
}

const char* fail(Error* err, const char* at, const char* what) {
  err->at = at;
  err->what = what;
  return nullptr;
}

}  // namespace

const char* scan_string(const char* p, const char* e, StringToken* tok, Error* err) {
  const char* open = p++;
  tok->begin = p;
  tok->escaped = false;
  while (p < e) {
    const unsigned char c = static_cast<unsigned char>(*p);
    if (c == '"') {
      tok->end = p;
      return p + 1;
    }
    if (c == '\\') {
      tok->escaped = true;
      if (e - p < 2) break;
      switch (p[1]) {
        case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
          p += 2;
          continue;
        case 'u':
          if (e - p < 6 || hex_value(p[2]) < 0 || hex_value(p[3]) < 0 || hex_value(p[4]) < 0 || hex_value(p[5]) < 0)
            return fail(err, p, "invalid \\u escape");
          p += 6;
          continue;
        default:
          return fail(err, p, "invalid escape in a string");
      }
    }
    if (c < 0x20) return fail(err, p, "control character in a string");
    ++p;
  }
  return fail(err, open, "unterminated string");
}

size_t decode_string(const StringToken& tok, char* out) {
  const char* p = tok.begin;
  size_t n = 0;
  while (p < tok.end) {
    // Copy the run up to the next escape in one go.
    const char* bs = static_cast<const char*>(std::memchr(p, '\\', static_cast<size_t>(tok.end - p)));
    const char* run_end = bs ? bs : tok.end;
    std::memcpy(out + n, p, static_cast<size_t>(run_end - p));
    n += static_cast<size_t>(run_end - p);
    p = run_end;
    if (!bs) break;
    const char kind = p[1];
    if (kind != 'u') {
      char c = kind;  // '"', '\\', '/'
      switch (kind) {
        case 'b': c = '\b'; break;
        case 'f': c = '\f'; break;
        case 'n': c = '\n'; break;
        case 'r': c = '\r'; break;
        case 't': c = '\t'; break;
        default: break;
      }
      out[n++] = c;
      p += 2;
      continue;
    }
    uint32_t cp = read_u_escape(p);
    p += 6;
    if (cp >= 0xDC00 && cp <= 0xDFFF) return SIZE_MAX;  // a low surrogate alone
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      if (tok.end - p < 6 || p[0] != '\\' || p[1] != 'u') return SIZE_MAX;
      const uint32_t low = read_u_escape(p);
      if (low < 0xDC00 || low > 0xDFFF) return SIZE_MAX;
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
      p += 6;
    }
    n += put_utf8(cp, out + n);
  }
  return n;
}

const char* scan_number(const char* p, const char* e) {
  auto digit = [&](const char* q) { return q < e && *q >= '0' && *q <= '9'; };
  if (p < e && *p == '-') ++p;
  if (!digit(p)) return nullptr;
  if (*p == '0') {
    ++p;
  } else {
    while (digit(p)) ++p;
  }
  if (p < e && *p == '.') {
    ++p;
    if (!digit(p)) return nullptr;
    while (digit(p)) ++p;
  }
  if (p < e && (*p == 'e' || *p == 'E')) {
    ++p;
    if (p < e && (*p == '+' || *p == '-')) ++p;
    if (!digit(p)) return nullptr;
    while (digit(p)) ++p;
  }
  return p;
}

const char* match_literal(const char* p, const char* e, const char* word) {
  const size_t n = std::strlen(word);
  if (static_cast<size_t>(e - p) < n || std::memcmp(p, word, n) != 0) return nullptr;
  return p + n;
}

const char* skip_value(const char* p, const char* e, Error* err, int depth) {
  if (p >= e) return fail(err, p, "expected a value");
  switch (*p) {
    case '"': {
      StringToken tok;
      return scan_string(p, e, &tok, err);
    }
    case 't': case 'f': case 'n': {
      const char* q = match_literal(p, e, *p == 't' ? "true" : *p == 'f' ? "false" : "null");
      return q ? q : fail(err, p, "invalid literal");
    }
    case '{':
    case '[': {
      // Bounded recursion: a line of a million '[' must not overflow the stack.
      if (depth >= 64) return fail(err, p, "nesting too deep");
      const bool object = *p == '{';
      const char close = object ? '}' : ']';
      p = skip_ws(p + 1, e);
      if (p < e && *p == close) return p + 1;
      while (true) {
        if (object) {
          if (p >= e || *p != '"') return fail(err, p, "expected a field name");
          StringToken tok;
          if (!(p = scan_string(p, e, &tok, err))) return nullptr;
          p = skip_ws(p, e);
          if (p >= e || *p != ':') return fail(err, p, "expected ':'");
          p = skip_ws(p + 1, e);
        }
        if (!(p = skip_value(p, e, err, depth + 1))) return nullptr;
        p = skip_ws(p, e);
        if (p < e && *p == ',') {
          p = skip_ws(p + 1, e);
        } else if (p < e && *p == close) {
          return p + 1;
        } else {
          return fail(err, p, object ? "expected ',' or '}'" : "expected ',' or ']'");
        }
      }
    }
    default:
      if (*p == '-' || (*p >= '0' && *p <= '9')) {
        const char* q = scan_number(p, e);
        return q ? q : fail(err, p, "invalid number");
      }
      return fail(err, p, "unexpected character");
  }
}

char* write_string(char* out, const char* s, size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  *out++ = '"';
  size_t run = 0;  // start of the bytes not yet copied
  for (size_t i = 0; i < n; ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    std::memcpy(out, s + run, i - run);
    out += i - run;
    run = i + 1;
    *out++ = '\\';
    if (c == '"' || c == '\\') {
      *out++ = static_cast<char>(c);
    } else {
      const char esc[5] = {'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
      std::memcpy(out, esc, 5);
      out += 5;
    }
  }
  std::memcpy(out, s + run, n - run);
  out += n - run;
  *out++ = '"';
  return out;
}

void append_string(std::string* out, const char* s, size_t n) {
  const size_t old = out->size();
  out->resize(old + max_string_bytes(n));
  char* end = write_string(out->data() + old, s, n);
  out->resize(static_cast<size_t>(end - out->data()));
}

}  // namespace vlac::rt::json
