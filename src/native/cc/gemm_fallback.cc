// A portable blocked sgemm, for machines without a BLAS library and for those where it measures faster
// than the library (blas.cc decides). It packs blocks of A and B so the inner product runs on contiguous
// memory, and is compiled for several instruction sets and picked at run time, so one binary is both
// fast where AVX-512 or AVX2 exist and safe where they do not.
#include <algorithm>
#include <cstring>
#include <vector>

#include "blas.h"

// Inlined into each instruction-set variant below, so each is compiled, and vectorised, for its own set.
#if defined(__GNUC__)
#define NM_INLINE inline __attribute__((always_inline))
#else
#define NM_INLINE inline
#endif

namespace nm {
namespace {

// C is computed in blocks of MR x NR, held in vector registers as accumulators: 8 x 32 takes 16 of
// AVX-512's 32 zmm registers; AVX2 has 16 ymm registers, so there 4 x 32 (also 16) is the most that fits.
constexpr int NR = 32;
// A KC-deep slice of B, NC columns wide, is packed once and then read for every block of rows: 256 x 256
// floats are 256 KiB, which stays in L2 while the rows stream past. The rows' slice (MR x KC) stays in L1.
constexpr int KC = 256;
constexpr int NC = 256;

// Packs B's rows p0..p0+kc and columns j0..j0+nc into panels of NR columns, zero-padded at the right
// edge, reading along B's rows or columns, whichever is contiguous.
NM_INLINE void packB(bool transB, const float* b, int ldb, int p0, int kc, int j0, int nc, float* dst) {
  for (int jp = 0; jp * NR < nc; ++jp) {
    float* panel = dst + static_cast<size_t>(jp) * KC * NR;
    const int cols = std::min(NR, nc - jp * NR);
    if (transB) {
      for (int j = 0; j < cols; ++j) {
        const float* src = b + static_cast<size_t>(j0 + jp * NR + j) * ldb + p0;
        for (int p = 0; p < kc; ++p) panel[p * NR + j] = src[p];
      }
    } else {
      for (int p = 0; p < kc; ++p) {
        const float* src = b + static_cast<size_t>(p0 + p) * ldb + j0 + jp * NR;
        for (int j = 0; j < cols; ++j) panel[p * NR + j] = src[j];
      }
    }
    if (cols < NR) {
      for (int p = 0; p < kc; ++p) {
        for (int j = cols; j < NR; ++j) panel[p * NR + j] = 0.0f;
      }
    }
  }
}

// Packs A's rows i0..i0+mr (zero-padded to MR) and columns p0..p0+kc, column by column.
template <int MR>
NM_INLINE void packA(bool transA, const float* a, int lda, int i0, int mr, int p0, int kc, float* dst) {
  if (transA) {
    for (int p = 0; p < kc; ++p) {
      const float* src = a + static_cast<size_t>(p0 + p) * lda + i0;
      for (int i = 0; i < MR; ++i) dst[p * MR + i] = i < mr ? src[i] : 0.0f;
    }
  } else {
    for (int i = 0; i < MR; ++i) {
      const float* src = a + static_cast<size_t>(i0 + i) * lda + p0;
      for (int p = 0; p < kc; ++p) dst[p * MR + i] = i < mr ? src[p] : 0.0f;
    }
  }
}

// With `overwrite`, the first KC-deep block stores into C instead of adding to it, so C needs no clearing
// pass first: for the shallow products of our convolutions (k of 48 to 256) that pass cost as much as
// the arithmetic.
template <int MR>
NM_INLINE void blockedImpl(bool transA, bool transB, int m, int n, int k, float alpha, const float* a,
                           int lda, const float* b, int ldb, float* c, int ldc, bool overwrite) {
  thread_local std::vector<float> bp(static_cast<size_t>(KC) * NC);
  float ap[KC * MR];

  for (int j0 = 0; j0 < n; j0 += NC) {
    const int nc = std::min(NC, n - j0);
    for (int p0 = 0; p0 < k; p0 += KC) {
      const int kc = std::min(KC, k - p0);
      packB(transB, b, ldb, p0, kc, j0, nc, bp.data());

      for (int i0 = 0; i0 < m; i0 += MR) {
        const int mr = std::min(MR, m - i0);
        packA<MR>(transA, a, lda, i0, mr, p0, kc, ap);
        for (int jp = 0; jp * NR < nc; ++jp) {
          const float* panel = bp.data() + static_cast<size_t>(jp) * KC * NR;
          float acc[MR][NR] = {};
          for (int p = 0; p < kc; ++p) {
            const float* row = panel + p * NR;
            for (int i = 0; i < MR; ++i) {
              const float av = ap[p * MR + i];
              for (int j = 0; j < NR; ++j) acc[i][j] += av * row[j];
            }
          }
          const int nr = std::min(NR, nc - jp * NR);
          const bool store = overwrite && p0 == 0;
          for (int i = 0; i < mr; ++i) {
            float* out = c + static_cast<size_t>(i0 + i) * ldc + j0 + jp * NR;
            if (store) {
              for (int j = 0; j < nr; ++j) out[j] = alpha * acc[i][j];
            } else {
              for (int j = 0; j < nr; ++j) out[j] += alpha * acc[i][j];
            }
          }
        }
      }
    }
  }
}

#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("arch=x86-64-v4"))) void blockedAvx512(bool transA, bool transB, int m, int n, int k,
                                                               float alpha, const float* a, int lda,
                                                               const float* b, int ldb, float* c, int ldc,
                                                               bool overwrite) {
  blockedImpl<8>(transA, transB, m, n, k, alpha, a, lda, b, ldb, c, ldc, overwrite);
}
__attribute__((target("arch=x86-64-v3"))) void blockedAvx2(bool transA, bool transB, int m, int n, int k,
                                                             float alpha, const float* a, int lda,
                                                             const float* b, int ldb, float* c, int ldc,
                                                             bool overwrite) {
  blockedImpl<4>(transA, transB, m, n, k, alpha, a, lda, b, ldb, c, ldc, overwrite);
}
#endif

void blocked(bool transA, bool transB, int m, int n, int k, float alpha, const float* a, int lda,
             const float* b, int ldb, float* c, int ldc, bool overwrite) {
#if defined(__x86_64__) && defined(__GNUC__)
  static const int level = [] {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("x86-64-v4")) return 4;
    return __builtin_cpu_supports("x86-64-v3") ? 3 : 0;
  }();
  if (level == 4) return blockedAvx512(transA, transB, m, n, k, alpha, a, lda, b, ldb, c, ldc, overwrite);
  if (level == 3) return blockedAvx2(transA, transB, m, n, k, alpha, a, lda, b, ldb, c, ldc, overwrite);
#endif
  blockedImpl<4>(transA, transB, m, n, k, alpha, a, lda, b, ldb, c, ldc, overwrite);
}

}  // namespace

void sgemmFallback(bool transA, bool transB, int m, int n, int k, float alpha, const float* a, int lda,
                   const float* b, int ldb, float beta, float* c, int ldc) {
  // beta 0 must replace C even where it holds NaN, as BLAS does: stored by the product itself, or cleared.
  if (beta == 0.0f && k > 0 && alpha != 0.0f) {
    blocked(transA, transB, m, n, k, alpha, a, lda, b, ldb, c, ldc, true);
    return;
  }
  for (int i = 0; i < m; ++i) {
    float* row = c + static_cast<size_t>(i) * ldc;
    if (beta == 0.0f) {
      std::memset(row, 0, sizeof(float) * n);
    } else if (beta != 1.0f) {
      for (int j = 0; j < n; ++j) row[j] *= beta;
    }
  }
  if (k > 0 && alpha != 0.0f) blocked(transA, transB, m, n, k, alpha, a, lda, b, ldb, c, ldc, false);
}

}  // namespace nm
