// Finds a BLAS with dlopen rather than linking one, so the addon builds without BLAS headers and
// still loads (on the fallback) where none is installed; installing OpenBLAS later needs no rebuild.
#include "blas.h"

#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>

namespace nm {
namespace {

// The CBLAS enum values, fixed by the CBLAS standard; declared here so no cblas.h is needed.
constexpr int kRowMajor = 101;
constexpr int kNoTrans = 111;
constexpr int kTrans = 112;

using SgemmFn = void (*)(int, int, int, int, int, int, float, const float*, int, const float*, int, float,
                         float*, int);
using SetThreadsFn = void (*)(int);
using ConfigFn = char* (*)();

struct Blas {
  SgemmFn sgemm = nullptr;
  SetThreadsFn setThreads = nullptr;
  std::string name = "built-in blocked sgemm (no BLAS library found)";
  int threads = 1;
};

Blas blas;
std::once_flag found;

// OpenBLAS first: it is what Debian and Ubuntu ship and what the benchmark was measured with.
// BLIS and MKL are taken when present; the reference libblas is skipped because the fallback beats it.
struct Candidate {
  const char* file;
  const char* label;
  const char* setThreads;
};
constexpr Candidate kCandidates[] = {
    {"libopenblas.so.0", "OpenBLAS", "openblas_set_num_threads"},
    {"libopenblas.so", "OpenBLAS", "openblas_set_num_threads"},
    {"libopenblasp-r0.so", "OpenBLAS", "openblas_set_num_threads"},
    {"libblis.so.4", "BLIS", "bli_thread_set_num_threads"},
    {"libmkl_rt.so.2", "MKL", "MKL_Set_Num_Threads"},
    {"libmkl_rt.so", "MKL", "MKL_Set_Num_Threads"},
};

// OpenBLAS releases before 0.3.22 take AMD's AVX-512 processors (Zen 4 and later) for Haswell and run
// their AVX2 kernels at about half the speed. When this CPU has the AVX-512 subsets of the SkylakeX
// kernels, ask for those, unless the user has chosen a core type already.
bool preferSkylakeX() {
#if defined(__x86_64__) && defined(__GNUC__)
  if (std::getenv("OPENBLAS_CORETYPE")) return false;
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512cd") &&
         __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") &&
         __builtin_cpu_supports("avx512vl");
#else
  return false;
#endif
}

void find() {
  const bool skylakeX = preferSkylakeX();
  // OpenBLAS reads the variable once, when it loads; it is removed again so children do not inherit it.
  if (skylakeX) setenv("OPENBLAS_CORETYPE", "SKYLAKEX", 0);
  for (const Candidate& c : kCandidates) {
    void* lib = dlopen(c.file, RTLD_NOW | RTLD_LOCAL);
    if (!lib) continue;
    auto fn = reinterpret_cast<SgemmFn>(dlsym(lib, "cblas_sgemm"));
    if (!fn) {
      dlclose(lib);
      continue;
    }
    blas.sgemm = fn;
    blas.setThreads = reinterpret_cast<SetThreadsFn>(dlsym(lib, c.setThreads));
    blas.name = std::string(c.label) + " (" + c.file + ")";
    if (auto config = reinterpret_cast<ConfigFn>(dlsym(lib, "openblas_get_config"))) {
      blas.name = std::string(c.label) + " (" + c.file + ": " + config() + ")";
    }
    // Until told otherwise, one thread: the loader sets the configured count right after loading.
    if (blas.setThreads) blas.setThreads(1);
    break;
  }
  if (skylakeX) unsetenv("OPENBLAS_CORETYPE");
}

}  // namespace

void initBlas() { std::call_once(found, find); }

const char* blasName() {
  initBlas();
  return blas.name.c_str();
}

void setThreads(int n) {
  initBlas();
  blas.threads = n < 1 ? 1 : n;
  if (blas.setThreads) blas.setThreads(blas.threads);
}

int threads() { return blas.threads; }

void sgemm(bool transA, bool transB, int m, int n, int k, float alpha, const float* a, int lda,
           const float* b, int ldb, float beta, float* c, int ldc) {
  if (m <= 0 || n <= 0) return;
  initBlas();
  if (blas.sgemm) {
    blas.sgemm(kRowMajor, transA ? kTrans : kNoTrans, transB ? kTrans : kNoTrans, m, n, k, alpha, a, lda, b,
               ldb, beta, c, ldc);
  } else {
    sgemmFallback(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  }
}

}  // namespace nm
