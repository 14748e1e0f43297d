// Redis's pqsort (pqsort.c, a NetBSD quicksort that only recurses into the
// parts overlapping the wanted range), which GEORADIUS and GEOSEARCH use
// when COUNT returns fewer points than matched. Points at the same distance
// end in the order this algorithm leaves them, so mnemo repeats it step by
// step rather than calling std::partial_sort. Internal to server/commands.
#pragma once

#include <algorithm>
#include <cstddef>
#include <utility>
#include <vector>

namespace mnemo::server::commands::geo_sort {

// Sorts v so that positions [lo, hi] hold what a full sort would put there;
// cmp(a, b) < 0, 0, > 0 as qsort's comparator.
template <typename T, typename Cmp>
class PartialSort {
 public:
  PartialSort(std::vector<T>& v, Cmp cmp, std::size_t lo, std::size_t hi) : v_(v), cmp_(cmp), lo_(lo), hi_(hi) {}
  void run() { sort(0, v_.size()); }

 private:
  int cmp(std::size_t a, std::size_t b) const { return cmp_(v_[a], v_[b]); }
  void swap(std::size_t a, std::size_t b) { std::swap(v_[a], v_[b]); }
  void vecswap(std::size_t a, std::size_t b, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) swap(a + i, b + i);
  }
  std::size_t med3(std::size_t a, std::size_t b, std::size_t c) const {
    return cmp(a, b) < 0 ? (cmp(b, c) < 0 ? b : (cmp(a, c) < 0 ? c : a))
                         : (cmp(b, c) > 0 ? b : (cmp(a, c) < 0 ? a : c));
  }
  // Whether elements [s, s + n) hold part of the wanted range.
  bool wanted(std::size_t s, std::size_t n) const {
    const std::size_t e = s + n - 1;
    return !((lo_ < s && hi_ < s) || (lo_ > e && hi_ > e));
  }

  void sort(std::size_t a, std::size_t n) {
    for (;;) {
      if (n < 7) {
        for (std::size_t pm = a + 1; pm < a + n; ++pm) {
          for (std::size_t pl = pm; pl > a && cmp(pl - 1, pl) > 0; --pl) swap(pl, pl - 1);
        }
        return;
      }
      std::size_t pm = a + n / 2;
      if (n > 7) {
        std::size_t pl = a, pn = a + n - 1;
        if (n > 40) {
          const std::size_t d = n / 8;
          pl = med3(pl, pl + d, pl + 2 * d);
          pm = med3(pm - d, pm, pm + d);
          pn = med3(pn - 2 * d, pn - d, pn);
        }
        pm = med3(pl, pm, pn);
      }
      swap(a, pm);
      // Indices may step one below a, as the pointers do: keep them signed.
      long pa = static_cast<long>(a) + 1, pb = pa;
      long pc = static_cast<long>(a + n) - 1, pd = pc;
      for (;;) {
        int r = 0;
        while (pb <= pc && (r = cmp(static_cast<std::size_t>(pb), a)) <= 0) {
          if (r == 0) swap(static_cast<std::size_t>(pa++), static_cast<std::size_t>(pb));
          ++pb;
        }
        while (pb <= pc && (r = cmp(static_cast<std::size_t>(pc), a)) >= 0) {
          if (r == 0) swap(static_cast<std::size_t>(pc), static_cast<std::size_t>(pd--));
          --pc;
        }
        if (pb > pc) break;
        swap(static_cast<std::size_t>(pb++), static_cast<std::size_t>(pc--));
      }
      const long pn = static_cast<long>(a + n);
      long r = std::min(pa - static_cast<long>(a), pb - pa);
      vecswap(a, static_cast<std::size_t>(pb - r), static_cast<std::size_t>(r));
      r = std::min(pd - pc, pn - pd - 1);
      vecswap(static_cast<std::size_t>(pb), static_cast<std::size_t>(pn - r), static_cast<std::size_t>(r));
      if ((r = pb - pa) > 1 && wanted(a, static_cast<std::size_t>(r))) sort(a, static_cast<std::size_t>(r));
      if ((r = pd - pc) <= 1) return;
      a = static_cast<std::size_t>(pn - r);  // iterate rather than recurse, as Redis
      n = static_cast<std::size_t>(r);
      if (!wanted(a, n)) return;
    }
  }

  std::vector<T>& v_;
  Cmp cmp_;
  std::size_t lo_, hi_;
};

template <typename T, typename Cmp>
void partial_sort(std::vector<T>& v, Cmp cmp, std::size_t lo, std::size_t hi) {
  PartialSort<T, Cmp>(v, cmp, lo, hi).run();
}

}  // namespace mnemo::server::commands::geo_sort
