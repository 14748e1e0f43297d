// The sparse HLL encoding's edits (hll.h): raising one register, and the
// conversion to dense. Each follows Redis 7.0's hllSparseSet and
// hllSparseToDense step by step, since the opcodes they leave are what GET
// shows: the same adds must leave the same bytes.
#include <vector>

#include "server/hll.h"
#include "server/hll_detail.h"

namespace mnemo::server::hll::detail {

namespace {

constexpr int kValMaxValue = 32;
constexpr int kValMaxLen = 4;
constexpr int kZeroMaxLen = 64;

char val_op(int value, int len) { return static_cast<char>(0x80 | ((value - 1) << 2) | (len - 1)); }

// A run of `len` zero registers as ZERO or XZERO.
void zero_run(std::string& out, int len) {
  if (len > kZeroMaxLen) {
    out.push_back(static_cast<char>(((len - 1) >> 8) | 0x40));
    out.push_back(static_cast<char>((len - 1) & 0xff));
  } else {
    out.push_back(static_cast<char>(len - 1));
  }
}

// The opcode covering a register: where it starts, which registers it covers.
struct Found {
  std::size_t p = 0;
  std::size_t prev = 0;  // the opcode before (0: none)
  long first = 0;
  long span = 0;
};

bool find_opcode(std::string_view v, long index, Found& f) {
  f.p = kHeaderBytes;
  while (f.p < v.size()) {
    const std::uint8_t b = byte_at(v, f.p);
    std::size_t oplen = 1;
    if (is_zero(b)) {
      f.span = zero_len(b);
    } else if (is_val(b)) {
      f.span = val_len(b);
    } else {
      f.span = xzero_len(b, byte_at(v, f.p + 1));
      oplen = 2;
    }
    if (index <= f.first + f.span - 1) break;
    f.prev = f.p;
    f.p += oplen;
    f.first += f.span;
  }
  return f.span != 0 && f.p < v.size();
}

// Adjacent VAL opcodes of one value merge when their lengths fit, over up to
// five opcodes from the one before the change (Redis's step 4).
void merge_values(std::string& v, std::size_t from) {
  std::size_t p = from;
  int scan = 5;
  while (p < v.size() && scan-- > 0) {
    const std::uint8_t b = byte_at(v, p);
    if (is_xzero(b)) {
      p += 2;
      continue;
    }
    if (is_zero(b)) {
      ++p;
      continue;
    }
    if (p + 1 < v.size() && is_val(byte_at(v, p + 1))) {
      const std::uint8_t n = byte_at(v, p + 1);
      const int len = val_len(b) + val_len(n);
      if (val_value(b) == val_value(n) && len <= kValMaxLen) {
        v[p + 1] = val_op(val_value(b), len);
        v.erase(p, 1);
        continue;
      }
    }
    ++p;
  }
}

// The opcodes replacing opcode b (found at f) once register `index` holds
// `count`: at worst XZERO-VAL-XZERO.
std::string split(std::uint8_t b, const Found& f, long index, std::uint8_t count) {
  std::string seq;
  const long last = f.first + f.span - 1;
  if (!is_val(b)) {
    if (index != f.first) zero_run(seq, static_cast<int>(index - f.first));
    seq.push_back(val_op(count, 1));
    if (index != last) zero_run(seq, static_cast<int>(last - index));
  } else {
    const int cur = val_value(b);
    if (index != f.first) seq.push_back(val_op(cur, static_cast<int>(index - f.first)));
    seq.push_back(val_op(count, 1));
    if (index != last) seq.push_back(val_op(cur, static_cast<int>(last - index)));
  }
  return seq;
}

int promote(std::string& v, std::size_t reg, std::uint8_t count) {
  if (!to_dense(v)) return -1;
  dense_raise(v, reg, count);
  return 1;
}

}  // namespace

int sparse_set(std::string& v, std::size_t reg, std::uint8_t count) {
  if (count > kValMaxValue) return promote(v, reg, count);
  const auto index = static_cast<long>(reg);
  Found f;
  if (!find_opcode(v, index, f)) return -1;
  const std::uint8_t b = byte_at(v, f.p);
  const bool zero = is_zero(b), xzero = is_xzero(b);
  const long runlen = zero ? zero_len(b) : xzero ? xzero_len(b, byte_at(v, f.p + 1)) : val_len(b);
  const std::size_t from = f.prev != 0 ? f.prev : kHeaderBytes;
  if (!zero && !xzero) {
    if (val_value(b) >= count) return 0;
    if (runlen == 1) {
      v[f.p] = val_op(count, 1);
      merge_values(v, from);
      invalidate_count(v);
      return 1;
    }
  }
  if (zero && runlen == 1) {
    v[f.p] = val_op(count, 1);
    merge_values(v, from);
    invalidate_count(v);
    return 1;
  }
  const std::string seq = split(b, f, index, count);
  const std::size_t oldlen = xzero ? 2 : 1;
  const long delta = static_cast<long>(seq.size()) - static_cast<long>(oldlen);
  if (delta > 0 && v.size() + static_cast<std::size_t>(delta) > kSparseMaxBytes) return promote(v, reg, count);
  // Redis moves what follows the opcode by delta and then sets the length,
  // so an XZERO cut short by the end of a corrupt value leaves this length.
  const std::size_t new_size = static_cast<std::size_t>(static_cast<long>(v.size()) + delta);
  std::string out = v.substr(0, f.p);
  out += seq;
  if (f.p + oldlen < v.size()) out.append(v, f.p + oldlen, std::string::npos);
  out.resize(new_size, '\0');
  v = std::move(out);
  merge_values(v, from);
  invalidate_count(v);
  return 1;
}

bool to_dense(std::string& v) {
  if (static_cast<std::uint8_t>(v[4]) == 0) return true;
  std::string dense(kDenseBytes, '\0');
  dense.replace(0, kHeaderBytes, v, 0, kHeaderBytes);  // the magic and the cached cardinality
  dense[4] = 0;
  std::size_t idx = 0;
  for (std::size_t p = kHeaderBytes; p < v.size();) {
    const std::uint8_t b = byte_at(v, p);
    if (is_zero(b)) {
      idx += static_cast<std::size_t>(zero_len(b));
      ++p;
    } else if (is_xzero(b)) {
      idx += static_cast<std::size_t>(xzero_len(b, byte_at(v, p + 1)));
      p += 2;
    } else {
      const auto len = static_cast<std::size_t>(val_len(b));
      if (idx + len > kRegisters) break;
      for (std::size_t k = 0; k < len; ++k) dense_set(dense, idx++, static_cast<std::uint8_t>(val_value(b)));
      ++p;
    }
  }
  if (idx != kRegisters) return false;
  v = std::move(dense);
  return true;
}

}  // namespace mnemo::server::hll::detail
