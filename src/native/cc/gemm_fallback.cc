// A portable blocked sgemm for machines without a BLAS library. It packs panels of A and B so the inner
// product runs on contiguous memory, and is compiled for several instruction sets and picked at run time,
// so one binary is both fast where AVX-512 or AVX2 exist and safe where they do not.
#include <algorithm>
#include <cstring>
#include <vector>

#include "blas.h"

#if defined(__x86_64__) && defined(__GNUC__)
#define NM_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define NM_CLONES
#endif

namespace nm {
namespace {

// A 4 x 32 block of C fits the vector registers of AVX2 (16 ymm) and AVX-512 (8 zmm) as accumulators.
constexpr int MR = 4;
constexpr int NR = 32;
constexpr int KC = 256;

inline float at(const float* m, int ld, bool trans, int row, int col) {
  return trans ? m[static_cast<size_t>(col) * ld + row] : m[static_cast<size_t>(row) * ld + col];
}

NM_CLONES
void blocked(bool transA, bool transB, int m, int n, int k, float alpha, const float* a, int lda,
             const float* b, int ldb, float* c, int ldc) {
  const int panels = (n + NR - 1) / NR;
  std::vector<float> bp(static_cast<size_t>(panels) * KC * NR);
  float ap[KC * MR];

  for (int p0 = 0; p0 < k; p0 += KC) {
    const int kc = std::min(KC, k - p0);

    // B's rows p0..p0+kc, cut into panels of NR columns, zero-padded at the right edge.
    for (int jp = 0; jp < panels; ++jp) {
      float* dst = bp.data() + static_cast<size_t>(jp) * KC * NR;
      for (int p = 0; p < kc; ++p) {
        for (int j = 0; j < NR; ++j) {
          const int col = jp * NR + j;
          dst[p * NR + j] = col < n ? at(b, ldb, transB, p0 + p, col) : 0.0f;
        }
      }
    }

    for (int i0 = 0; i0 < m; i0 += MR) {
      const int mr = std::min(MR, m - i0);
      for (int p = 0; p < kc; ++p) {
        for (int i = 0; i < MR; ++i) ap[p * MR + i] = i < mr ? at(a, lda, transA, i0 + i, p0 + p) : 0.0f;
      }
      for (int jp = 0; jp < panels; ++jp) {
        const float* panel = bp.data() + static_cast<size_t>(jp) * KC * NR;
        float acc[MR][NR] = {};
        for (int p = 0; p < kc; ++p) {
          const float* row = panel + p * NR;
          for (int i = 0; i < MR; ++i) {
            const float av = ap[p * MR + i];
            for (int j = 0; j < NR; ++j) acc[i][j] += av * row[j];
          }
        }
        const int nr = std::min(NR, n - jp * NR);
        for (int i = 0; i < mr; ++i) {
          float* out = c + static_cast<size_t>(i0 + i) * ldc + jp * NR;
          for (int j = 0; j < nr; ++j) out[j] += alpha * acc[i][j];
        }
      }
    }
  }
}

}  // namespace

void sgemmFallback(bool transA, bool transB, int m, int n, int k, float alpha, const float* a, int lda,
                   const float* b, int ldb, float beta, float* c, int ldc) {
  // beta 0 must clear C even where it holds NaN, as BLAS does.
  for (int i = 0; i < m; ++i) {
    float* row = c + static_cast<size_t>(i) * ldc;
    if (beta == 0.0f) {
      std::memset(row, 0, sizeof(float) * n);
    } else if (beta != 1.0f) {
      for (int j = 0; j < n; ++j) row[j] *= beta;
    }
  }
  if (k > 0 && alpha != 0.0f) blocked(transA, transB, m, n, k, alpha, a, lda, b, ldb, c, ldc);
}

}  // namespace nm
