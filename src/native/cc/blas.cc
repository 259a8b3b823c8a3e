// Finds a BLAS with dlopen rather than linking one, so the addon builds without BLAS headers and
// still loads (on the fallback) where none is installed; installing OpenBLAS later needs no rebuild.
#include "blas.h"

#include <dlfcn.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <string>
#include <vector>

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

constexpr const char* kBuiltinName = "built-in blocked sgemm";

struct Blas {
  SgemmFn sgemm = nullptr;
  SetThreadsFn setThreads = nullptr;
  std::string library;  // the library found, described; empty when none
  std::string name = std::string(kBuiltinName) + " (no BLAS library found)";
  int threads = 1;
  // Which product sgemm() runs: the library's when it measured faster at this thread count.
  bool useLibrary = false;
  GemmChoice forced = GemmChoice::Measured;
  std::map<int, bool> measured;  // thread count -> library faster
  std::map<int, std::string> verdicts;
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
    blas.library = std::string(c.label) + " (" + c.file + ")";
    if (auto config = reinterpret_cast<ConfigFn>(dlsym(lib, "openblas_get_config"))) {
      blas.library = std::string(c.label) + " (" + c.file + ": " + config() + ")";
    }
    // Until told otherwise, one thread: the loader sets the configured count right after loading.
    if (blas.setThreads) blas.setThreads(1);
    break;
  }
  if (skylakeX) unsetenv("OPENBLAS_CORETYPE");
}

// Seconds for the best of a few runs of the products a convolution layer of our networks makes: the
// forward, C[m, n] = A[m, k] B[k, n], and the input gradient, C[m, k] = A[m, n] B[k, n]^T.
constexpr int kM = 1024, kN = 256, kK = 1024;
constexpr double kCalibrationFlops = 2.0 * 2 * kM * kN * kK;

double timeProducts(bool library) {
  static std::vector<float> a(static_cast<size_t>(kM) * kK, 0.5f), b(static_cast<size_t>(kK) * kN, 0.25f),
      c(static_cast<size_t>(kM) * kK);
  const auto product = [&](bool transB, int n, int k, int lda, int ldc) {
    if (library) {
      blas.sgemm(kRowMajor, kNoTrans, transB ? kTrans : kNoTrans, kM, n, k, 1.0f, a.data(), lda, b.data(), kN,
                 0.0f, c.data(), ldc);
    } else {
      sgemmFallback(false, transB, kM, n, k, 1.0f, a.data(), lda, b.data(), kN, 0.0f, c.data(), ldc);
    }
  };
  double best = 1e9;
  for (int rep = 0; rep < 3; ++rep) {
    const auto start = std::chrono::steady_clock::now();
    product(false, kN, kK, kK, kN);
    product(true, kK, kN, kN, kK);
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return best;
}

// Chooses between the library and the built-in product for the current thread count, once per count.
// Some installations pin OpenBLAS to older kernels than the CPU has (OPENBLAS_CORETYPE), and the built-in
// product uses only the calling thread, so neither wins everywhere; a few milliseconds of measuring does.
void choose() {
  if (!blas.sgemm) return;
  if (blas.forced != GemmChoice::Measured) {
    blas.useLibrary = blas.forced == GemmChoice::Library;
    blas.name = std::string(blas.useLibrary ? blas.library : kBuiltinName) + " (chosen by the caller)";
    return;
  }
  auto known = blas.measured.find(blas.threads);
  if (known == blas.measured.end()) {
    // Interleaved, so a burst of load from other processes falls on both rather than one.
    double lib = 1e9, own = 1e9;
    for (int round = 0; round < 2; ++round) {
      lib = std::min(lib, timeProducts(true));
      own = std::min(own, timeProducts(false));
    }
    char verdict[160];
    std::snprintf(verdict, sizeof verdict, "%.0f GFLOP/s against %.0f for the %s at %d thread%s",
                  kCalibrationFlops / std::min(lib, own) / 1e9, kCalibrationFlops / std::max(lib, own) / 1e9,
                  lib <= own ? "built-in sgemm" : "library", blas.threads, blas.threads == 1 ? "" : "s");
    known = blas.measured.emplace(blas.threads, lib <= own).first;
    blas.verdicts[blas.threads] = verdict;
  }
  blas.useLibrary = known->second;
  blas.name = (blas.useLibrary ? blas.library : std::string(kBuiltinName) + ", beside " + blas.library) +
              ", measured faster: " + blas.verdicts[blas.threads];
}

}  // namespace

void initBlas() {
  std::call_once(found, [] {
    find();
    choose();
  });
}

const char* blasName() {
  initBlas();
  return blas.name.c_str();
}

void setThreads(int n) {
  initBlas();
  blas.threads = n < 1 ? 1 : n;
  if (blas.setThreads) blas.setThreads(blas.threads);
  choose();
}

void chooseGemm(GemmChoice choice) {
  initBlas();
  blas.forced = choice;
  choose();
}

bool usingLibrary() {
  initBlas();
  return blas.sgemm && blas.useLibrary;
}

int threads() { return blas.threads; }

void sgemm(bool transA, bool transB, int m, int n, int k, float alpha, const float* a, int lda,
           const float* b, int ldb, float beta, float* c, int ldc) {
  if (m <= 0 || n <= 0) return;
  initBlas();
  if (blas.sgemm && blas.useLibrary) {
    blas.sgemm(kRowMajor, transA ? kTrans : kNoTrans, transB ? kTrans : kNoTrans, m, n, k, alpha, a, lda, b,
               ldb, beta, c, ldc);
  } else {
    sgemmFallback(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  }
}

}  // namespace nm
