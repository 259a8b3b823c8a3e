// Matrix products for the kernels: an optimised BLAS found at run time, else a portable fallback.
#pragma once

namespace nm {

/** Row-major C[M,N] = alpha * op(A)[M,K] * op(B)[K,N] + beta * C, as cblas_sgemm computes it. */
void sgemm(bool transA, bool transB, int m, int n, int k, float alpha, const float* a, int lda,
           const float* b, int ldb, float beta, float* c, int ldc);

/** The portable blocked product used when no BLAS library is found (and by tests to compare). */
void sgemmFallback(bool transA, bool transB, int m, int n, int k, float alpha, const float* a, int lda,
                   const float* b, int ldb, float beta, float* c, int ldc);

/** Looks for a BLAS once; later calls return at once. Safe to call from every entry point. */
void initBlas();

/** The library in use, e.g. "OpenBLAS 0.3.21 (libopenblas.so.0)", or the fallback's name. */
const char* blasName();

/** Threads the BLAS may use; the fallback and our own loops run on the calling thread. */
void setThreads(int n);
int threads();

}  // namespace nm
