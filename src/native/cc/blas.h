// Matrix products for the kernels: an optimised BLAS found at run time, else a portable fallback.
#pragma once

namespace nm {

/** Row-major C[M,N] = alpha * op(A)[M,K] * op(B)[K,N] + beta * C, as cblas_sgemm computes it. */
void sgemm(bool transA, bool transB, int m, int n, int k, float alpha, const float* a, int lda,
           const float* b, int ldb, float beta, float* c, int ldc);

/** The portable blocked product used when no BLAS library is found (and by tests to compare). */
void sgemmFallback(bool transA, bool transB, int m, int n, int k, float alpha, const float* a, int lda,
                   const float* b, int ldb, float beta, float* c, int ldc);

/** Which product sgemm() runs where a library was found. */
enum class GemmChoice { Measured, Library, Builtin };

/** Looks for a BLAS once; later calls return at once. Safe to call from every entry point. */
void initBlas();

/**
 * The product in use and why: the library found, e.g. "OpenBLAS (libopenblas.so.0: ...)", or the built-in
 * one, with what each measured when the choice was made at this thread count.
 */
const char* blasName();

/** Threads the BLAS may use; the fallback and our own loops run on the calling thread. */
void setThreads(int n);
int threads();

/**
 * Measured (the default) times the library against the built-in product once per thread count and runs
 * the faster; Library and Builtin force one, for tests that check both against TF.js's kernels.
 */
void chooseGemm(GemmChoice choice);

/** Whether sgemm() runs the library's product now. */
bool usingLibrary();

}  // namespace nm
