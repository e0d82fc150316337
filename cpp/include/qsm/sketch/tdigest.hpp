// The merging t-digest (Dunning & Ertl, "Computing extremely accurate quantiles
// using t-digests", 2019): a sorted list of centroids (mean, weight) whose sizes
// are bounded by a scale function k(q): a centroid covering the quantile range
// [q_left, q_right] must satisfy k(q_right) - k(q_left) <= 1. Near q = 0 and 1
// the scale functions are steep, so centroids there are small (often singletons),
// which is what makes the extreme quantiles accurate.
//
// Update: the batch is converted to order-preserving integer keys, radix-sorted
// (stable, so ties keep input order and the result is a pure function of the
// input), then merged in one sequential pass with the existing centroids. Large
// batches are processed in fixed blocks of kBlock values, never split by thread
// count, so the digest does not depend on `threads`.
//
// Determinism: everything is sequential floating-point arithmetic in a fixed
// order; the same sequence of calls gives the same digest bit for bit. merge()
// orders the union of centroids by (mean, weight), so a.merge(b) and b.merge(a)
// are bit-identical; merging is not associative bit for bit (it re-clusters), only
// within the error bound.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <vector>

#include "qsm/core/config.hpp"
#include "qsm/core/parallel.hpp"

namespace qsm::tdigest {

// Scale functions of the paper, section 2.1 (delta = compression):
//   k1(q) = delta / (2 pi) * asin(2q - 1)
//   k2(q) = delta / Z(n) * log(q / (1 - q))
//   k3(q) = delta / Z(n) * log(2q) (q <= 1/2), -log(2(1 - q)) (q > 1/2)
// with Z(n) = 4 log(n / delta) + 24 (k2) or + 21 (k3), the normalisation of
// Dunning's reference implementation that keeps the number of centroids near delta.
enum Scale : uint32_t { kK1 = 1, kK2 = 2, kK3 = 3 };

QSM_HD inline double scale_norm(uint32_t scale, double delta, double n) {
  constexpr double kTwoPi = 6.283185307179586;
  if (scale == kK1) return delta / kTwoPi;
  const double r = n > delta ? n / delta : 1.0;
  return delta / (4.0 * std::log(r) + (scale == kK2 ? 24.0 : 21.0));
}

// k(q) for q in [0, 1] (clamped away from the poles of k2/k3).
QSM_HD inline double scale_k(uint32_t scale, double q, double norm) {
  constexpr double kEps = 1e-15;
  q = q < kEps ? kEps : (q > 1.0 - kEps ? 1.0 - kEps : q);
  if (scale == kK1) return norm * std::asin(2.0 * q - 1.0);
  if (scale == kK2) return norm * std::log(q / (1.0 - q));
  return q <= 0.5 ? norm * std::log(2.0 * q) : -norm * std::log(2.0 * (1.0 - q));
}

// The inverse q(k).
QSM_HD inline double scale_q(uint32_t scale, double k, double norm) {
  const double x = k / norm;
  if (scale == kK1) {
    constexpr double kHalfPi = 1.5707963267948966;
    if (x >= kHalfPi) return 1.0;
    if (x <= -kHalfPi) return 0.0;
    return 0.5 * (std::sin(x) + 1.0);
  }
  if (scale == kK2) {
    const double e = std::exp(-std::fabs(x));  // stable logistic
    return x >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
  }
  return x <= 0 ? 0.5 * std::exp(x) : 1.0 - 0.5 * std::exp(-x);
}

// The largest cumulative fraction a centroid starting at q_left may reach.
QSM_HD inline double q_limit(uint32_t scale, double q_left, double norm) {
  return scale_q(scale, scale_k(scale, q_left, norm) + 1.0, norm);
}

// Order-preserving map double -> uint64 (for radix sorting; -0.0 is mapped as 0.0
// by the caller, NaN never reaches here).
QSM_HD inline uint64_t key_of(double x) {
  uint64_t u;
  std::memcpy(&u, &x, sizeof u);
  return (u & 0x8000000000000000ULL) ? ~u : (u | 0x8000000000000000ULL);
}

QSM_HD inline double value_of(uint64_t k) {
  const uint64_t u = (k & 0x8000000000000000ULL) ? (k & 0x7FFFFFFFFFFFFFFFULL) : ~k;
  double x;
  std::memcpy(&x, &u, sizeof x);
  return x;
}

struct Centroid {
  double mean;
  double weight;
};

// Stable LSD radix sort of keys (and, when w != nullptr, weights along with them),
// 11 bits per pass; passes in which every key has the same digit are skipped.
inline void radix_sort(std::vector<uint64_t>& keys, std::vector<double>* w) {
  const size_t n = keys.size();
  if (n < 2) return;
  if (n <= 256 && w == nullptr) {
    std::sort(keys.begin(), keys.end());
    return;
  }
  constexpr int kBits = 11, kPasses = 6;
  constexpr size_t kBuckets = size_t{1} << kBits;
  std::vector<uint32_t> hist(kPasses * kBuckets, 0);
  for (uint64_t k : keys)
    for (int p = 0; p < kPasses; ++p) ++hist[p * kBuckets + ((k >> (p * kBits)) & (kBuckets - 1))];
  std::vector<uint64_t> tmp(n);
  std::vector<double> wtmp(w ? n : 0);
  for (int p = 0; p < kPasses; ++p) {
    uint32_t* h = &hist[p * kBuckets];
    const uint64_t first = (keys[0] >> (p * kBits)) & (kBuckets - 1);
    if (h[first] == n) continue;  // every key has this digit: the pass is the identity
    uint32_t sum = 0;
    for (size_t b = 0; b < kBuckets; ++b) {
      const uint32_t c = h[b];
      h[b] = sum;
      sum += c;
    }
    if (w) {
      for (size_t i = 0; i < n; ++i) {
        const uint32_t pos = h[(keys[i] >> (p * kBits)) & (kBuckets - 1)]++;
        tmp[pos] = keys[i];
        wtmp[pos] = (*w)[i];
      }
      w->swap(wtmp);
    } else {
      for (size_t i = 0; i < n; ++i) tmp[h[(keys[i] >> (p * kBits)) & (kBuckets - 1)]++] = keys[i];
    }
    keys.swap(tmp);
  }
}

class TDigest {
 public:
  // Values per sort-and-merge block: bounds the scratch memory (16 bytes per value,
  // 32 with weights) while keeping blocks large enough that re-clustering between
  // blocks costs nothing measurable in accuracy.
  static constexpr size_t kBlock = size_t{1} << 22;

  TDigest(double compression, uint32_t scale) : delta_(compression), scale_(scale) {}

  double compression() const { return delta_; }
  uint32_t scale() const { return scale_; }
  double count() const { return total_; }
  double min() const { return min_; }
  double max() const { return max_; }
  const std::vector<Centroid>& centroids() const { return c_; }

  // Restores a state read from bytes; the caller (TDigest.from_bytes) has validated it.
  void assign(std::vector<Centroid> c, double total, double mn, double mx) {
    c_ = std::move(c);
    total_ = total;
    min_ = mn;
    max_ = mx;
  }

  // Adds n values (weights w[i] > 0 finite, or all 1 when w == nullptr). Values
  // must be finite (checked by the caller); -0.0 is treated as 0.0.
  template <class T>
  void update(const T* x, const double* w, size_t n, int threads) {
    for (size_t start = 0; start < n; start += kBlock) {
      const size_t m = std::min(kBlock, n - start);
      std::vector<uint64_t> keys(m);
      // Key conversion writes keys[i] from x[i] only: any chunking gives the same keys.
      parallel_for(m, 1 << 16, threads, [&](uint64_t b, uint64_t e) {
        for (uint64_t i = b; i < e; ++i) {
          const double v = static_cast<double>(x[start + i]);
          keys[i] = key_of(v == 0.0 ? 0.0 : v);
        }
      });
      if (w == nullptr) {
        radix_sort(keys, nullptr);
        merge_sorted(keys, nullptr);
      } else {
        std::vector<double> ws(w + start, w + start + m);
        radix_sort(keys, &ws);
        merge_sorted(keys, &ws);
      }
    }
  }

  // Folds another digest (same compression and scale, checked by the caller).
  // Always re-clusters the union, even when one side is empty, so that
  // a.merge(b) and b.merge(a) are bit-identical.
  void merge(const TDigest& o) {
    if (o.c_.empty() && c_.empty()) return;
    std::vector<Centroid> all;
    all.reserve(c_.size() + o.c_.size());
    all.insert(all.end(), c_.begin(), c_.end());
    all.insert(all.end(), o.c_.begin(), o.c_.end());
    // (mean, weight) order makes the union, hence the result, symmetric in a and b.
    std::sort(all.begin(), all.end(), [](const Centroid& a, const Centroid& b) {
      return a.mean < b.mean || (a.mean == b.mean && a.weight < b.weight);
    });
    const double total = total_ + o.total_;
    // An empty side's min/max are placeholders: take the other side's.
    const bool mine = !c_.empty(), theirs = !o.c_.empty();
    const double mn = mine && theirs ? std::min(min_, o.min_) : (mine ? min_ : o.min_);
    const double mx = mine && theirs ? std::max(max_, o.max_) : (mine ? max_ : o.max_);
    c_.clear();
    size_t i = 0;
    compress(
        [&](Centroid& out) {
          if (i == all.size()) return false;
          out = all[i++];
          return true;
        },
        total);
    min_ = mn;
    max_ = mx;
  }

  // Quantile at q in [0, 1] (section 2.3 of the paper: piecewise-linear
  // interpolation between centroid centres, with exact min/max at the ends and
  // singleton centroids treated as exact points).
  double quantile(double q) const {
    const size_t m = c_.size();
    if (m == 0) return std::numeric_limits<double>::quiet_NaN();
    if (q <= 0.0) return min_;
    if (q >= 1.0) return max_;
    const double t = q * total_;  // target rank
    // Left tail: between min (rank 0.5 of the first point) and the first centroid.
    const Centroid& f = c_[0];
    if (t < 1.0) return min_;
    if (f.weight > 1.0 && t < f.weight / 2.0) {
      // The first unit of weight is min itself; the rest spreads up to the mean.
      return min_ + (t - 1.0) / (f.weight / 2.0 - 1.0) * (f.mean - min_);
    }
    const Centroid& l = c_[m - 1];
    if (t > total_ - 1.0) return max_;
    // Strict: at weight 2 the interpolation below would divide 0 by 0.
    if (l.weight > 1.0 && total_ - t < l.weight / 2.0) {
      return max_ - (total_ - t - 1.0) / (l.weight / 2.0 - 1.0) * (max_ - l.mean);
    }
    double cum = f.weight / 2.0;  // rank of the centre of centroid i
    for (size_t i = 0; i + 1 < m; ++i) {
      const Centroid& a = c_[i];
      const Centroid& b = c_[i + 1];
      const double gap = (a.weight + b.weight) / 2.0;
      if (t < cum + gap) {
        double lo = cum, hi = cum + gap;
        // A singleton is an exact point: it owns the half unit of rank on each side.
        if (a.weight == 1.0) {
          if (t < cum + 0.5) return a.mean;
          lo = cum + 0.5;
        }
        if (b.weight == 1.0) {
          if (t >= hi - 0.5) return b.mean;
          hi -= 0.5;
        }
        if (hi <= lo) return b.mean;
        const double z = (t - lo) / (hi - lo);
        return a.mean + z * (b.mean - a.mean);
      }
      cum += gap;
    }
    return l.mean;
  }

  // Fraction of the weight at or below x (ties split in half, as in the paper).
  double cdf(double x) const {
    const size_t m = c_.size();
    if (m == 0) return std::numeric_limits<double>::quiet_NaN();
    if (x < min_) return 0.0;
    if (x > max_) return 1.0;
    if (m == 1) {
      if (max_ == min_) return 0.5;
      if (x == min_) return 0.5 / total_;
      if (x == max_) return 1.0 - 0.5 / total_;
      return (x - min_) / (max_ - min_);
    }
    // The first and last unit of weight are min and max themselves.
    if (x == min_ && x < c_[0].mean) return 0.5 / total_;
    if (x == max_ && x > c_[m - 1].mean) return 1.0 - 0.5 / total_;
    const Centroid& f = c_[0];
    const Centroid& l = c_[m - 1];
    if (x < f.mean) {
      if (f.mean - min_ <= 0.0) return 0.0;
      const double r = 1.0 + (x - min_) / (f.mean - min_) * (f.weight / 2.0 - 1.0);
      return std::max(0.0, std::min(r, f.weight / 2.0)) / total_;
    }
    if (x > l.mean) {
      if (max_ - l.mean <= 0.0) return 1.0;
      const double r = 1.0 + (max_ - x) / (max_ - l.mean) * (l.weight / 2.0 - 1.0);
      return 1.0 - std::max(0.0, std::min(r, l.weight / 2.0)) / total_;
    }
    double cum = f.weight / 2.0;
    for (size_t i = 0; i + 1 < m; ++i) {
      const Centroid& a = c_[i];
      const Centroid& b = c_[i + 1];
      const double gap = (a.weight + b.weight) / 2.0;
      if (x == a.mean) {
        // All centroids sharing this mean count half their weight (ties split).
        double w = 0.0;
        size_t j = i;
        while (j < m && c_[j].mean == x) w += c_[j++].weight;
        return (cum - a.weight / 2.0 + w / 2.0) / total_;
      }
      if (x < b.mean) {
        double lo = cum, hi = cum + gap;
        if (a.weight == 1.0) lo += 0.5;
        if (b.weight == 1.0) hi -= 0.5;
        const double z = (x - a.mean) / (b.mean - a.mean);
        return (lo + z * (hi - lo)) / total_;
      }
      cum += gap;
    }
    return (total_ - l.weight / 2.0) / total_;
  }

 private:
  // One greedy pass of the merging digest over centroids in mean order (next(c)
  // yields them; it returns false at the end): consecutive items join the open
  // centroid while its cumulative fraction stays below the scale-function limit.
  template <class Next>
  void compress(Next&& next, double total) {
    // The scale functions are normalised so that their range is about delta / 2,
    // and a greedy pass makes about one centroid per unit of k. Using 2 delta
    // here makes `compression` mean what it means to fastdigest (max_centroids)
    // and datasketches (k): about delta centroids are kept.
    const double norm = scale_norm(scale_, 2.0 * delta_, total);
    Centroid cur{};
    if (!next(cur)) return;
    double before = 0.0;  // weight left of the open centroid
    double limit = q_limit(scale_, 0.0, norm) * total;
    Centroid item{};
    while (next(item)) {
      const double w = cur.weight + item.weight;
      if (before + w <= limit) {
        cur.mean += (item.mean - cur.mean) * (item.weight / w);
        cur.weight = w;
      } else {
        c_.push_back(cur);
        before += cur.weight;
        limit = q_limit(scale_, before / total, norm) * total;
        cur = item;
      }
    }
    c_.push_back(cur);
    total_ = total;
  }

  void merge_sorted(const std::vector<uint64_t>& keys, const std::vector<double>* ws) {
    const size_t n = keys.size();
    if (n == 0) return;
    double added = 0.0;
    if (ws) {
      for (double v : *ws) added += v;
    } else {
      added = static_cast<double>(n);
    }
    const double lo = value_of(keys.front()), hi = value_of(keys.back());
    const bool empty = c_.empty();
    min_ = empty ? lo : std::min(min_, lo);
    max_ = empty ? hi : std::max(max_, hi);
    std::vector<Centroid> old;
    old.swap(c_);
    c_.reserve(old.size() + 64);
    size_t i = 0, j = 0;
    // Two-way merge of the old centroids and the sorted batch; on equal means the
    // old centroid comes first.
    compress(
        [&](Centroid& out) {
          if (i < old.size() && (j == n || old[i].mean <= value_of(keys[j]))) {
            out = old[i++];
            return true;
          }
          if (j < n) {
            out = Centroid{value_of(keys[j]), ws ? (*ws)[j] : 1.0};
            ++j;
            return true;
          }
          return false;
        },
        total_ + added);
  }

  double delta_;
  uint32_t scale_;
  double total_ = 0.0;
  double min_ = 0.0;
  double max_ = 0.0;
  std::vector<Centroid> c_;
};

}  // namespace qsm::tdigest
