// Drives the packed collection values (server/pack.h, hash_value.h,
// set_value.h, list_value.h) with operations read from bytes and checks them
// against plain models (a vector of pairs in insertion order, a std::set, a
// std::deque) after every step: contents, order where the value defines one,
// lookups, sizes, and a copy. The first bytes choose small compact limits
// (compact_limits.h), so conversions to hash tables and list node splits
// happen within a short input. Shared by fuzz/compact_fuzz.cpp and
// tests/server/compact_test.cpp.
//
// Threads: one call at a time (it sets the process-wide compact limits).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/compact_limits.h"
#include "server/hash_value.h"
#include "server/list_value.h"
#include "server/set_value.h"

namespace mnemo::compact_model {

class Bytes {
 public:
  Bytes(const std::uint8_t* d, std::size_t n) : d_(d), n_(n) {}
  bool more() const { return i_ < n_; }
  std::uint8_t next() { return i_ < n_ ? d_[i_++] : 0; }
  // A short string from a small alphabet (so operations meet the same ones), now and then a long one.
  std::string str() {
    const std::uint8_t b = next();
    if (b >= 250) return std::string(40 + b % 100, static_cast<char>('a' + b % 3));
    std::string s(b % 5, 'a');
    for (char& c : s) c = static_cast<char>('a' + next() % 3);
    if (b % 7 == 6) s = std::to_string(static_cast<int>(next()) - 100);  // integers, for the intset rule
    return s;
  }

 private:
  const std::uint8_t* d_;
  std::size_t n_;
  std::size_t i_ = 0;
};

inline std::vector<std::string> hash_items(const server::Hash& h) {
  std::vector<std::string> out;
  for (const auto& [f, v] : h) out.push_back(std::string(f) + '=' + std::string(v));
  return out;
}

// Runs one hash scenario; false at the first mismatch.
inline bool check_hash(Bytes& in) {
  server::Hash h;
  std::vector<std::pair<std::string, std::string>> model;
  while (in.more()) {
    const std::uint8_t op = in.next() % 3;
    const std::string f = in.str();
    auto it = std::find_if(model.begin(), model.end(), [&](const auto& kv) { return kv.first == f; });
    if (op == 0) {
      const std::string v = in.str();
      if (h.set(f, v) != (it == model.end())) return false;
      if (it == model.end()) model.emplace_back(f, v);
      else it->second = v;
    } else if (op == 1) {
      if (h.erase(f) != (it != model.end())) return false;
      if (it != model.end()) model.erase(it);
    } else {
      const auto got = h.find(f);
      if (got.has_value() != (it != model.end()) || (got && *got != it->second)) return false;
    }
    std::vector<std::string> want;
    for (const auto& [k, v] : model) want.push_back(k + '=' + v);
    std::vector<std::string> got = hash_items(h);
    std::vector<std::string> copied = hash_items(server::Hash(h));
    if (!h.listpack()) {  // a hash table's order is unspecified (a copy's too)
      std::sort(want.begin(), want.end());
      std::sort(got.begin(), got.end());
      std::sort(copied.begin(), copied.end());
    }
    if (got != want || copied != want || h.size() != model.size()) return false;
  }
  return true;
}

// Runs one set scenario; false at the first mismatch.
inline bool check_set(Bytes& in) {
  server::Set s;
  std::set<std::string> model;
  while (in.more()) {
    const std::uint8_t op = in.next() % 3;
    const std::string m = in.str();
    const bool had = model.count(m) > 0;
    if (op == 0 && s.insert(m) != !had) return false;
    if (op == 1 && s.erase(m) != had) return false;
    if (op == 2 && s.contains(m) != had) return false;
    if (op == 0) model.insert(m);
    if (op == 1) model.erase(m);
    const server::Set copy(s);
    std::set<std::string> got;
    for (std::string_view x : copy) {
      if (!got.emplace(x).second) return false;  // a member twice
    }
    if (got != model || s.size() != model.size()) return false;
  }
  return true;
}

// Runs one list scenario; false at the first mismatch.
inline bool check_list(Bytes& in) {
  server::List l;
  std::deque<std::string> model;
  while (in.more()) {
    const std::uint8_t op = in.next() % 9;
    const std::size_t i = model.empty() ? 0 : in.next() % model.size();
    if (op == 0) l.push_front(model.emplace_front(in.str()));
    if (op == 1) l.push_back(model.emplace_back(in.str()));
    if (op == 2 && !model.empty()) l.pop_front(), model.pop_front();
    if (op == 3 && !model.empty()) l.pop_back(), model.pop_back();
    if (op == 4 && !model.empty()) l.set(i, model[i] = in.str());
    if (op == 5) {
      const std::size_t at = model.empty() ? 0 : i + in.next() % 2;  // up to size(): append
      const std::string e = in.str();
      l.insert(at, e);
      model.insert(model.begin() + static_cast<std::ptrdiff_t>(at), e);
    }
    if (op == 6 && !model.empty()) l.erase(i), model.erase(model.begin() + static_cast<std::ptrdiff_t>(i));
    if (op == 7 && !model.empty()) {
      const std::size_t count = in.next() % (model.size() - i + 1);
      l.trim(i, count);
      model = std::deque<std::string>(model.begin() + static_cast<std::ptrdiff_t>(i),
                                      model.begin() + static_cast<std::ptrdiff_t>(i + count));
    }
    if (op == 8 && !model.empty() && (l[i] != model[i] || l.front() != model.front() || l.back() != model.back())) {
      return false;
    }
    const server::List copy(l);
    if (l.size() != model.size() || !std::equal(copy.begin(), copy.end(), model.begin(), model.end())) return false;
  }
  return true;
}

// Sets small limits from the first bytes, then runs the scenario the next byte picks.
inline bool check(const std::uint8_t* data, std::size_t size) {
  Bytes in(data, size);
  server::CompactLimits& lim = server::compact_limits();
  const server::CompactLimits saved = lim;
  lim.hash_entries = in.next() % 12;
  lim.hash_value = in.next() % 12;
  lim.set_entries = in.next() % 12;
  lim.set_value = in.next() % 12;
  lim.set_intset_entries = in.next() % 16;
  lim.list_node_bytes = in.next() % 64;
  const std::uint8_t which = in.next() % 3;
  const bool ok = which == 0 ? check_hash(in) : which == 1 ? check_set(in) : check_list(in);
  lim = saved;
  return ok;
}

}  // namespace mnemo::compact_model
