// The Node-API surface: thin wrappers that check argument types, take pointers into the caller's typed
// arrays (no copies) and call the kernels. Shapes are already validated by the TypeScript side, which
// owns TF.js's semantics; here a wrong type throws rather than reading out of bounds.
#include <node_api.h>

#if defined(__GLIBC__) || defined(__linux__)
#include <malloc.h>
#endif

#include <cstdint>
#include <string>

#include "blas.h"
#include "conv.h"
#include "elementwise.h"
#include "layers.h"

namespace {

constexpr size_t kMaxArgs = 12;

// The arguments of one call, with typed accessors that record the first failure as a pending exception.
class Args {
 public:
  Args(napi_env env, napi_callback_info info) : env_(env) {
    napi_get_cb_info(env, info, &count_, values_, nullptr, nullptr);
  }

  bool ok() const { return ok_; }
  napi_env env() const { return env_; }

  template <typename T>
  T* array(size_t i, napi_typedarray_type want, size_t* length = nullptr, bool optional = false) {
    napi_value v = i < count_ ? values_[i] : nullptr;
    napi_valuetype kind = napi_undefined;
    if (v) napi_typeof(env_, v, &kind);
    if (optional && (kind == napi_null || kind == napi_undefined)) {
      if (length) *length = 0;
      return nullptr;
    }
    bool isTyped = false;
    if (v) napi_is_typedarray(env_, v, &isTyped);
    napi_typedarray_type type;
    size_t n = 0;
    void* data = nullptr;
    if (!isTyped || napi_get_typedarray_info(env_, v, &type, &n, &data, nullptr, nullptr) != napi_ok ||
        type != want) {
      fail("argument " + std::to_string(i) + " has the wrong type of typed array");
      return nullptr;
    }
    if (length) *length = n;
    return static_cast<T*>(data);
  }

  float* floats(size_t i, size_t* length = nullptr) { return array<float>(i, napi_float32_array, length); }
  float* optionalFloats(size_t i, size_t* length) {
    return array<float>(i, napi_float32_array, length, true);
  }
  int32_t* ints(size_t i, size_t* length = nullptr) { return array<int32_t>(i, napi_int32_array, length); }
  uint8_t* bytes(size_t i, size_t* length = nullptr) { return array<uint8_t>(i, napi_uint8_array, length); }

  double number(size_t i) {
    double d = 0;
    if (i >= count_ || napi_get_value_double(env_, values_[i], &d) != napi_ok) {
      fail("argument " + std::to_string(i) + " should be a number");
    }
    return d;
  }
  int integer(size_t i) { return static_cast<int>(number(i)); }
  bool flag(size_t i) {
    bool b = false;
    if (i >= count_ || napi_get_value_bool(env_, values_[i], &b) != napi_ok) {
      fail("argument " + std::to_string(i) + " should be a boolean");
    }
    return b;
  }
  bool isFloatArray(size_t i) {
    bool isTyped = false;
    napi_typedarray_type type;
    if (i >= count_ || napi_is_typedarray(env_, values_[i], &isTyped) != napi_ok || !isTyped) return false;
    napi_get_typedarray_info(env_, values_[i], &type, nullptr, nullptr, nullptr, nullptr);
    return type == napi_float32_array;
  }

  void fail(const std::string& message) {
    if (ok_) napi_throw_type_error(env_, nullptr, message.c_str());
    ok_ = false;
  }

 private:
  napi_env env_;
  size_t count_ = kMaxArgs;
  napi_value values_[kMaxArgs] = {};
  bool ok_ = true;
};

napi_value undefined(napi_env env) {
  napi_value v;
  napi_get_undefined(env, &v);
  return v;
}

// (a, b, out, batch, m, n, k, transA, transB, batchStrideA, batchStrideB, portable)
napi_value Matmul(napi_env env, napi_callback_info info) {
  Args args(env, info);
  const float* a = args.floats(0);
  const float* b = args.floats(1);
  float* out = args.floats(2);
  const int batch = args.integer(3), m = args.integer(4), n = args.integer(5), k = args.integer(6);
  const bool ta = args.flag(7), tb = args.flag(8);
  const size_t strideA = args.integer(9), strideB = args.integer(10);
  const bool portable = args.flag(11);
  if (!args.ok()) return nullptr;
  const int lda = ta ? m : k, ldb = tb ? k : n;
  for (int i = 0; i < batch; ++i) {
    const float* ai = a + i * strideA;
    const float* bi = b + i * strideB;
    float* ci = out + static_cast<size_t>(i) * m * n;
    if (portable) {
      nm::sgemmFallback(ta, tb, m, n, k, 1.0f, ai, lda, bi, ldb, 0.0f, ci, n);
    } else {
      nm::sgemm(ta, tb, m, n, k, 1.0f, ai, lda, bi, ldb, 0.0f, ci, n);
    }
  }
  return undefined(env);
}

bool readGeom(Args& args, size_t i, nm::ConvGeom* g) {
  size_t n = 0;
  const int32_t* v = args.ints(i, &n);
  if (!args.ok()) return false;
  if (n != nm::kConvGeomInts) {
    args.fail("the convolution geometry must have 15 numbers");
    return false;
  }
  *g = {v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13], v[14]};
  return true;
}

// (input, filter, output, geometry) for all three convolution kernels.
template <void (*kernel)(const nm::ConvGeom&, const float*, const float*, float*)>
napi_value Conv(napi_env env, napi_callback_info info) {
  Args args(env, info);
  const float* first = args.floats(0);
  const float* second = args.floats(1);
  float* out = args.floats(2);
  nm::ConvGeom g;
  if (!args.ok() || !readGeom(args, 3, &g)) return nullptr;
  kernel(g, first, second, out);
  return undefined(env);
}

// (y, bias | null, channels, activation (-1: linear), alpha)
napi_value BiasActivation(napi_env env, napi_callback_info info) {
  Args args(env, info);
  size_t n = 0, biasLen = 0;
  float* y = args.floats(0, &n);
  const float* bias = args.optionalFloats(1, &biasLen);
  const int c = args.integer(2), act = args.integer(3);
  const float alpha = static_cast<float>(args.number(4));
  if (!args.ok()) return nullptr;
  if (c <= 0 || n % c != 0 || (bias && biasLen != static_cast<size_t>(c))) {
    args.fail("bias must have one value per channel");
    return nullptr;
  }
  nm::biasActivation(n, c, y, bias, static_cast<nm::UnaryOp>(act < 0 ? 0 : act), act < 0, alpha);
  return undefined(env);
}

// (op, a, b, out: Float32Array | Uint8Array, shape, stridesA, stridesB)
napi_value Binary(napi_env env, napi_callback_info info) {
  Args args(env, info);
  const int op = args.integer(0);
  const float* a = args.floats(1);
  const float* b = args.floats(2);
  const bool toFloats = args.isFloatArray(3);
  float* out = toFloats ? args.floats(3) : nullptr;
  uint8_t* outBytes = toFloats ? nullptr : args.bytes(3);
  size_t rank = 0;
  const int32_t* shape = args.ints(4, &rank);
  const int32_t* sa = args.ints(5);
  const int32_t* sb = args.ints(6);
  if (!args.ok()) return nullptr;
  if (rank > 8) {
    args.fail("binary ops take at most 8 dims");
    return nullptr;
  }
  nm::binary(static_cast<nm::BinaryOp>(op), static_cast<int>(rank), shape, sa, sb, a, b, out, outBytes);
  return undefined(env);
}

// (op, x, out, alpha)
napi_value Unary(napi_env env, napi_callback_info info) {
  Args args(env, info);
  const int op = args.integer(0);
  size_t n = 0;
  const float* x = args.floats(1, &n);
  float* out = args.floats(2);
  const float alpha = static_cast<float>(args.number(3));
  if (!args.ok()) return nullptr;
  nm::unary(static_cast<nm::UnaryOp>(op), n, x, out, alpha);
  return undefined(env);
}

// (cond: Uint8Array, a, b, out)
napi_value Select(napi_env env, napi_callback_info info) {
  Args args(env, info);
  size_t n = 0;
  const uint8_t* cond = args.bytes(0, &n);
  const float* a = args.floats(1);
  const float* b = args.floats(2);
  float* out = args.floats(3);
  if (!args.ok()) return nullptr;
  nm::select(n, cond, a, b, out);
  return undefined(env);
}

// (x, out, inShape, reps)
napi_value Tile(napi_env env, napi_callback_info info) {
  Args args(env, info);
  const float* x = args.floats(0);
  float* out = args.floats(1);
  size_t rank = 0;
  const int32_t* shape = args.ints(2, &rank);
  const int32_t* reps = args.ints(3);
  if (!args.ok()) return nullptr;
  nm::tile(static_cast<int>(rank), shape, reps, x, out);
  return undefined(env);
}

// (op, x, out, outer, r, inner)
napi_value Reduce(napi_env env, napi_callback_info info) {
  Args args(env, info);
  const int op = args.integer(0);
  const float* x = args.floats(1);
  float* out = args.floats(2);
  const double outer = args.number(3), r = args.number(4), inner = args.number(5);
  if (!args.ok()) return nullptr;
  nm::reduce(static_cast<nm::ReduceOp>(op), static_cast<size_t>(outer), static_cast<size_t>(r),
             static_cast<size_t>(inner), x, out);
  return undefined(env);
}

// (x, mean, variance, offset | null, scale | null, out, channels, epsilon)
napi_value BatchNorm(napi_env env, napi_callback_info info) {
  Args args(env, info);
  size_t n = 0, meanLen = 0, varLen = 0, offLen = 0, scaleLen = 0;
  const float* x = args.floats(0, &n);
  const float* mean = args.floats(1, &meanLen);
  const float* variance = args.floats(2, &varLen);
  const float* offset = args.optionalFloats(3, &offLen);
  const float* scale = args.optionalFloats(4, &scaleLen);
  float* out = args.floats(5);
  const int c = args.integer(6);
  const float epsilon = static_cast<float>(args.number(7));
  if (!args.ok()) return nullptr;
  nm::batchNorm(n, c, x, mean, meanLen, variance, varLen, offset, offLen, scale, scaleLen, epsilon, out);
  return undefined(env);
}

// (p, g, m, v, beta1, beta2, stepSize, vScale, epsilon): updates p, m and v in place.
napi_value Adam(napi_env env, napi_callback_info info) {
  Args args(env, info);
  size_t n = 0;
  float* p = args.floats(0, &n);
  const float* g = args.floats(1);
  float* m = args.floats(2);
  float* v = args.floats(3);
  const float b1 = args.number(4), b2 = args.number(5), step = args.number(6), vScale = args.number(7),
              eps = args.number(8);
  if (!args.ok()) return nullptr;
  nm::adam(n, p, g, m, v, b1, b2, step, vScale, eps);
  return undefined(env);
}

// (op, dy, saved, dx, alpha)
napi_value ActivationGrad(napi_env env, napi_callback_info info) {
  Args args(env, info);
  const int op = args.integer(0);
  size_t n = 0, savedLen = 0, dxLen = 0;
  const float* dy = args.floats(1, &n);
  const float* saved = args.floats(2, &savedLen);
  float* dx = args.floats(3, &dxLen);
  const float alpha = static_cast<float>(args.number(4));
  if (!args.ok()) return nullptr;
  if (savedLen != n || dxLen != n) {
    args.fail("activation gradients need dy, the saved tensor and dx of one size");
    return nullptr;
  }
  nm::activationGrad(static_cast<nm::ActivationGrad>(op), n, dy, saved, dx, alpha);
  return undefined(env);
}

// (x, dy, mean, variance, scale | null, epsilon, dx, dMean, dVariance, dScale, dOffset)
napi_value BatchNormGrad(napi_env env, napi_callback_info info) {
  Args args(env, info);
  size_t n = 0, c = 0, scaleLen = 0;
  const float* x = args.floats(0, &n);
  const float* dy = args.floats(1);
  const float* mean = args.floats(2, &c);
  const float* variance = args.floats(3);
  const float* scale = args.optionalFloats(4, &scaleLen);
  const float epsilon = static_cast<float>(args.number(5));
  float* dx = args.floats(6);
  float* dMean = args.floats(7);
  float* dVariance = args.floats(8);
  float* dScale = args.floats(9);
  float* dOffset = args.floats(10);
  if (!args.ok()) return nullptr;
  if (c == 0 || n % c != 0 || (scale && scaleLen != c)) {
    args.fail("batch-norm gradients need per-channel parameters");
    return nullptr;
  }
  nm::batchNormGrad(n, c, x, dy, mean, variance, scale, epsilon, dx, dMean, dVariance, dScale, dOffset);
  return undefined(env);
}

// (dy, y, alpha, dz, db)
napi_value BiasLeakyReluGrad(napi_env env, napi_callback_info info) {
  Args args(env, info);
  size_t n = 0, yLen = 0, dzLen = 0, c = 0;
  const float* dy = args.floats(0, &n);
  const float* y = args.floats(1, &yLen);
  const float alpha = static_cast<float>(args.number(2));
  float* dz = args.floats(3, &dzLen);
  float* db = args.floats(4, &c);
  if (!args.ok()) return nullptr;
  if (c == 0 || n % c != 0 || yLen != n || dzLen != n) {
    args.fail("bias and leaky ReLU gradients need dy, y and dz of one size, a multiple of the channels");
    return nullptr;
  }
  nm::biasLeakyReluGrad(n, c, dy, y, alpha, dz, db);
  return undefined(env);
}

// (dy, y, dz, db)
napi_value BiasTanhGrad(napi_env env, napi_callback_info info) {
  Args args(env, info);
  size_t n = 0, yLen = 0, dzLen = 0, c = 0;
  const float* dy = args.floats(0, &n);
  const float* y = args.floats(1, &yLen);
  float* dz = args.floats(2, &dzLen);
  float* db = args.floats(3, &c);
  if (!args.ok()) return nullptr;
  if (c == 0 || n % c != 0 || yLen != n || dzLen != n) {
    args.fail("bias and tanh gradients need dy, y and dz of one size, a multiple of the channels");
    return nullptr;
  }
  nm::biasTanhGrad(n, c, dy, y, dz, db);
  return undefined(env);
}

// (x, gamma, beta, epsilon, y, mean, variance)
napi_value BatchNormReluTrain(napi_env env, napi_callback_info info) {
  Args args(env, info);
  size_t n = 0, c = 0, betaLen = 0, yLen = 0, meanLen = 0, varLen = 0;
  const float* x = args.floats(0, &n);
  const float* gamma = args.floats(1, &c);
  const float* beta = args.floats(2, &betaLen);
  const float epsilon = static_cast<float>(args.number(3));
  float* y = args.floats(4, &yLen);
  float* mean = args.floats(5, &meanLen);
  float* variance = args.floats(6, &varLen);
  if (!args.ok()) return nullptr;
  if (c == 0 || n % c != 0 || yLen != n || betaLen != c || meanLen != c || varLen != c) {
    args.fail("batch norm with ReLU needs x and y of one size and c values for each parameter and moment");
    return nullptr;
  }
  nm::batchNormReluTrain(n, c, x, gamma, beta, epsilon, y, mean, variance);
  return undefined(env);
}

// (x, y, dy, dMean, dVariance, mean, variance, gamma, epsilon, dx, dGamma, dBeta)
napi_value BatchNormReluTrainGrad(napi_env env, napi_callback_info info) {
  Args args(env, info);
  size_t n = 0, c = 0, yLen = 0, dyLen = 0, dxLen = 0;
  size_t cs[7] = {};
  const float* x = args.floats(0, &n);
  const float* y = args.floats(1, &yLen);
  const float* dy = args.floats(2, &dyLen);
  const float* dMean = args.floats(3, &cs[0]);
  const float* dVariance = args.floats(4, &cs[1]);
  const float* mean = args.floats(5, &cs[2]);
  const float* variance = args.floats(6, &cs[3]);
  const float* gamma = args.floats(7, &c);
  const float epsilon = static_cast<float>(args.number(8));
  float* dx = args.floats(9, &dxLen);
  float* dGamma = args.floats(10, &cs[4]);
  float* dBeta = args.floats(11, &cs[5]);
  if (!args.ok()) return nullptr;
  bool perChannel = c > 0 && n % c == 0 && yLen == n && dyLen == n && dxLen == n;
  for (int i = 0; i < 6; ++i) perChannel = perChannel && cs[i] == c;
  if (!perChannel) {
    args.fail("batch norm with ReLU gradients need x, y, dy and dx of one size and c values per parameter");
    return nullptr;
  }
  nm::batchNormReluTrainGrad(n, c, x, y, dy, dMean, dVariance, mean, variance, gamma, epsilon, dx, dGamma,
                             dBeta);
  return undefined(env);
}

// (threads)
napi_value SetThreads(napi_env env, napi_callback_info info) {
  Args args(env, info);
  const int n = args.integer(0);
  if (!args.ok()) return nullptr;
  nm::setThreads(n);
  return undefined(env);
}

// (choice: 0 measured, 1 the library, 2 the built-in product)
napi_value ChooseGemm(napi_env env, napi_callback_info info) {
  Args args(env, info);
  const int choice = args.integer(0);
  if (!args.ok()) return nullptr;
  if (choice < 0 || choice > 2) {
    args.fail("the product choice must be 0 (measured), 1 (library) or 2 (built-in)");
    return nullptr;
  }
  nm::chooseGemm(static_cast<nm::GemmChoice>(choice));
  return undefined(env);
}

// A training step frees and allocates the same few dozen activation-sized buffers (up to tens of MiB)
// every step. glibc serves blocks that large with fresh mmap()s, or trims them off the heap when freed,
// so each step page-faults them all in again: about a fifth of the CPU time at 32 px. Keeping the memory
// in the heap lets the next step reuse it; resident memory then stays at the step's peak instead of
// returning to the system between steps. Returns whether the allocator took the settings.
napi_value RetainFreedMemory(napi_env env, napi_callback_info) {
  bool ok = false;
#if defined(__GLIBC__)
  constexpr int kMmapThreshold = 512 << 20;  // glibc caps it at 32 MiB unless set explicitly
  constexpr int kTrimThreshold = 1 << 30;
  ok = mallopt(M_MMAP_THRESHOLD, kMmapThreshold) == 1 && mallopt(M_TRIM_THRESHOLD, kTrimThreshold) == 1;
#endif
  napi_value result;
  napi_get_boolean(env, ok, &result);
  return result;
}

napi_value Info(napi_env env, napi_callback_info) {
  napi_value result, blas, threads, library;
  napi_create_object(env, &result);
  napi_create_string_utf8(env, nm::blasName(), NAPI_AUTO_LENGTH, &blas);
  napi_create_int32(env, nm::threads(), &threads);
  napi_get_boolean(env, nm::usingLibrary(), &library);
  napi_set_named_property(env, result, "blas", blas);
  napi_set_named_property(env, result, "threads", threads);
  napi_set_named_property(env, result, "library", library);
  return result;
}

napi_value Init(napi_env env, napi_value exports) {
  const napi_property_descriptor methods[] = {
      {"matmul", nullptr, Matmul, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"conv2d", nullptr, Conv<nm::conv2d>, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"conv2dBackpropInput", nullptr, Conv<nm::conv2dBackpropInput>, nullptr, nullptr, nullptr,
       napi_default, nullptr},
      {"conv2dBackpropFilter", nullptr, Conv<nm::conv2dBackpropFilter>, nullptr, nullptr, nullptr,
       napi_default, nullptr},
      {"biasActivation", nullptr, BiasActivation, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"binary", nullptr, Binary, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"unary", nullptr, Unary, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"select", nullptr, Select, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"tile", nullptr, Tile, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"reduce", nullptr, Reduce, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"batchNorm", nullptr, BatchNorm, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"activationGrad", nullptr, ActivationGrad, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"batchNormGrad", nullptr, BatchNormGrad, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"biasLeakyReluGrad", nullptr, BiasLeakyReluGrad, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"biasTanhGrad", nullptr, BiasTanhGrad, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"batchNormReluTrain", nullptr, BatchNormReluTrain, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"batchNormReluTrainGrad", nullptr, BatchNormReluTrainGrad, nullptr, nullptr, nullptr, napi_default,
       nullptr},
      {"adam", nullptr, Adam, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"setThreads", nullptr, SetThreads, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"retainFreedMemory", nullptr, RetainFreedMemory, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"chooseGemm", nullptr, ChooseGemm, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"info", nullptr, Info, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof(methods) / sizeof(methods[0]), methods);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
