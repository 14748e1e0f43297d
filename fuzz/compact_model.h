// Drives the packed collection values (server/pack.h, hash_value.h,
// set_value.h, list_value.h, zset_value.h) with operations read from bytes
// and checks them against plain models (a vector of pairs in insertion
// order, a std::set, a std::deque, a std::set of (score, member) pairs)
// after every step: contents, order where the value defines one, lookups,
// ranks, sizes, and a copy. The first bytes choose small compact limits
// (compact_limits.h), so conversions to hash tables and list node splits
// happen within a short input. Shared by fuzz/compact_fuzz.cpp and
// tests/server/compact_test.cpp.
//
// Threads: one call at a time (it sets the process-wide compact limits).
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/compact_limits.h"
#include "server/hash_value.h"
#include "server/list_value.h"
#include "server/set_value.h"
#include "server/zset_value.h"

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

// A score from a few values (so members tie and move), now and then any double.
inline double zset_score(Bytes& in) {
  static constexpr double kScores[] = {0, 1, -1, 2.5, -0.0, 1e300, -1e300, 3, 9007199254740992.0, -7};
  const std::uint8_t b = in.next();
  if (b < 240) return kScores[b % 10];
  std::uint64_t bits = 0;
  for (int k = 0; k < 8; ++k) bits = bits << 8 | in.next();
  const double d = std::bit_cast<double>(bits);
  return d != d ? 0.5 : d;  // no NaN: the commands never store one
}

// Whether the set's entries, both ways and through a copy, and its lookups match the model.
inline bool zset_matches(const server::ZSet& z, const std::set<std::pair<double, std::string>>& model) {
  if (z.size() != model.size()) return false;
  const server::ZSet copy(z);
  auto m = model.begin();
  for (auto it = copy.begin(); it != copy.end(); ++it, ++m) {
    const server::ZSet::Entry e = *it;
    if (m == model.end() || e.member != m->second || e.score != m->first) return false;
  }
  if (m != model.end()) return false;
  auto r = model.rbegin();
  for (auto it = z.end(); it != z.begin(); ++r) {
    const server::ZSet::Entry e = *--it;
    if (e.member != r->second || e.score != r->first) return false;
  }
  return true;
}

// Runs one sorted-set scenario; false at the first mismatch.
inline bool check_zset(Bytes& in) {
  server::ZSet z;
  std::set<std::pair<double, std::string>> model;
  std::map<std::string, double> scores;
  while (in.more()) {
    const std::uint8_t op = in.next() % 5;
    const std::string m = in.str();
    auto it = scores.find(m);
    const bool had = it != scores.end();
    if (op == 0 || op == 1) {
      const double sc = zset_score(in);
      if (z.set(m, sc) != !had) return false;
      if (had) model.erase({it->second, m});
      model.emplace(sc, m);
      scores[m] = sc;
    } else if (op == 2) {
      if (z.erase(m) != had) return false;
      if (had) model.erase({it->second, m}), scores.erase(it);
    } else if (op == 3) {
      const auto got = z.score(m);
      const auto rank = z.rank(m);
      if (got.has_value() != had || rank.has_value() != had) return false;
      if (had && (*got != it->second ||
                  *rank != static_cast<std::size_t>(std::distance(model.begin(), model.find({it->second, m}))))) {
        return false;
      }
    } else {
      const double sc = zset_score(in);
      const auto lo = z.lower_bound(sc, m), hi = z.upper_bound(sc, m);
      const auto mlo = model.lower_bound({sc, m}), mhi = model.upper_bound({sc, m});
      if ((lo == z.end()) != (mlo == model.end()) || (hi == z.end()) != (mhi == model.end())) return false;
      if (lo != z.end() && (*lo).member != mlo->second) return false;
      if (hi != z.end() && (*hi).member != mhi->second) return false;
      if (!model.empty()) {
        const std::size_t rank = in.next() % model.size();
        if ((*z.at_rank(rank)).member != std::next(model.begin(), static_cast<std::ptrdiff_t>(rank))->second) return false;
      }
    }
    if (!zset_matches(z, model)) return false;
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
  const std::uint8_t which = in.next() % 4;
  if (which == 3) {
    lim.zset_entries = in.next() % 12;
    lim.zset_value = in.next() % 12;
  }
  const bool ok = which == 0   ? check_hash(in)
                  : which == 1 ? check_set(in)
                  : which == 2 ? check_list(in)
                               : check_zset(in);
  lim = saved;
  return ok;
}

}  // namespace mnemo::compact_model
