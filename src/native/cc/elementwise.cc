// Element-wise kernels. Each loop is written so the compiler vectorises it: the operation is a template
// parameter, and the innermost dimension is contiguous or broadcast, never strided.
#include "elementwise.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <initializer_list>

namespace nm {
namespace {

template <BinaryOp op>
inline float apply(float a, float b) {
  if constexpr (op == BinaryOp::Add) return a + b;
  if constexpr (op == BinaryOp::Sub) return a - b;
  if constexpr (op == BinaryOp::Mul) return a * b;
  if constexpr (op == BinaryOp::Div) return a / b;
  if constexpr (op == BinaryOp::SquaredDifference) return (a - b) * (a - b);
  // TF.js returns NaN when either side is NaN; std::max would return the other one.
  if constexpr (op == BinaryOp::Maximum) return (a != a || b != b) ? NAN : (a > b ? a : b);
  if constexpr (op == BinaryOp::Minimum) return (a != a || b != b) ? NAN : (a < b ? a : b);
  if constexpr (op == BinaryOp::Greater) return a > b;
  if constexpr (op == BinaryOp::GreaterEqual) return a >= b;
  if constexpr (op == BinaryOp::Less) return a < b;
  if constexpr (op == BinaryOp::LessEqual) return a <= b;
  if constexpr (op == BinaryOp::Equal) return a == b;
  if constexpr (op == BinaryOp::NotEqual) return a != b;
  return 0.0f;
}

// The innermost run, specialised on whether each side moves (stride 1) or stays (stride 0).
template <BinaryOp op, typename Out>
inline void run(int n, const float* a, int sa, const float* b, int sb, Out* out) {
  if (sa == 1 && sb == 1) {
    for (int i = 0; i < n; ++i) out[i] = static_cast<Out>(apply<op>(a[i], b[i]));
  } else if (sa == 1 && sb == 0) {
    const float bv = *b;
    for (int i = 0; i < n; ++i) out[i] = static_cast<Out>(apply<op>(a[i], bv));
  } else if (sa == 0 && sb == 1) {
    const float av = *a;
    for (int i = 0; i < n; ++i) out[i] = static_cast<Out>(apply<op>(av, b[i]));
  } else {
    for (int i = 0; i < n; ++i) out[i] = static_cast<Out>(apply<op>(a[i * sa], b[i * sb]));
  }
}

template <BinaryOp op, typename Out>
void broadcast(int rank, const int* shape, const int* sa, const int* sb, const float* a, const float* b,
               Out* out) {
  if (rank == 0) {
    out[0] = static_cast<Out>(apply<op>(a[0], b[0]));
    return;
  }
  const int inner = shape[rank - 1];
  size_t outer = 1;
  for (int d = 0; d < rank - 1; ++d) outer *= shape[d];
  int index[8] = {};
  size_t offA = 0, offB = 0;
  for (size_t o = 0; o < outer; ++o) {
    run<op>(inner, a + offA, sa[rank - 1], b + offB, sb[rank - 1], out + o * inner);
    // Odometer over the outer dims, keeping both input offsets in step.
    for (int d = rank - 2; d >= 0; --d) {
      offA += sa[d];
      offB += sb[d];
      if (++index[d] < shape[d]) break;
      offA -= static_cast<size_t>(sa[d]) * shape[d];
      offB -= static_cast<size_t>(sb[d]) * shape[d];
      index[d] = 0;
    }
  }
}

}  // namespace

float fastTanh(float x) {
  // Beyond 9, tanh is 1 in float; clamping keeps the polynomials in their range (and passes NaN on).
  const float c = x > 9.0f ? 9.0f : (x < -9.0f ? -9.0f : x);
  const float x2 = c * c;
  float p = -2.76076847742355e-16f;
  for (const float a : {2.00018790482477e-13f, -8.60467152213735e-11f, 5.12229709037114e-08f,
                        1.48572235717979e-05f, 6.37261928875436e-04f, 4.89352455891786e-03f}) {
    p = p * x2 + a;
  }
  p *= c;
  const float q = ((1.19825839466702e-06f * x2 + 1.18534705686654e-04f) * x2 + 2.26843463243900e-03f) * x2 +
                  4.89352518554385e-03f;
  // Near zero the quotient loses the last bits that x itself has.
  return (x < 0.0004f && x > -0.0004f) ? x : p / q;
}

namespace {

template <UnaryOp op>
inline float apply1(float x, float alpha) {
  if constexpr (op == UnaryOp::Relu) return x < 0.0f ? 0.0f : x;
  if constexpr (op == UnaryOp::Relu6) return x < 0.0f ? 0.0f : (x > 6.0f ? 6.0f : x);
  if constexpr (op == UnaryOp::LeakyRelu) return x < 0.0f ? alpha * x : x;
  if constexpr (op == UnaryOp::Tanh) return fastTanh(x);
  if constexpr (op == UnaryOp::Sigmoid) return 1.0f / (1.0f + std::exp(-x));
  if constexpr (op == UnaryOp::Square) return x * x;
  if constexpr (op == UnaryOp::Sqrt) return std::sqrt(x);
  if constexpr (op == UnaryOp::Rsqrt) return 1.0f / std::sqrt(x);
  if constexpr (op == UnaryOp::Neg) return -x;
  if constexpr (op == UnaryOp::Exp) return std::exp(x);
  if constexpr (op == UnaryOp::Log) return std::log(x);
  if constexpr (op == UnaryOp::Abs) return std::fabs(x);
  if constexpr (op == UnaryOp::Step) return x != x ? x : (x > 0.0f ? 1.0f : alpha);
  if constexpr (op == UnaryOp::Elu) return x >= 0.0f ? x : std::expm1(x);
  if constexpr (op == UnaryOp::Reciprocal) return 1.0f / x;
  return x;
}

template <UnaryOp op>
void map(size_t n, const float* x, float* out, float alpha) {
  for (size_t i = 0; i < n; ++i) out[i] = apply1<op>(x[i], alpha);
}

template <typename Out>
void binaryTo(BinaryOp op, int rank, const int* shape, const int* sa, const int* sb, const float* a,
              const float* b, Out* out) {
  switch (op) {
#define NM_CASE(name) \
  case BinaryOp::name: \
    return broadcast<BinaryOp::name>(rank, shape, sa, sb, a, b, out);
    NM_CASE(Add) NM_CASE(Sub) NM_CASE(Mul) NM_CASE(Div) NM_CASE(SquaredDifference) NM_CASE(Maximum)
    NM_CASE(Minimum) NM_CASE(Greater) NM_CASE(GreaterEqual) NM_CASE(Less) NM_CASE(LessEqual)
    NM_CASE(Equal) NM_CASE(NotEqual)
#undef NM_CASE
  }
}

}  // namespace

void binary(BinaryOp op, int rank, const int* shape, const int* stridesA, const int* stridesB,
            const float* a, const float* b, float* out, uint8_t* outBytes) {
  if (outBytes) {
    binaryTo(op, rank, shape, stridesA, stridesB, a, b, outBytes);
  } else {
    binaryTo(op, rank, shape, stridesA, stridesB, a, b, out);
  }
}

void unary(UnaryOp op, size_t n, const float* x, float* out, float alpha) {
  switch (op) {
#define NM_CASE(name) \
  case UnaryOp::name: \
    return map<UnaryOp::name>(n, x, out, alpha);
    NM_CASE(Relu) NM_CASE(Relu6) NM_CASE(LeakyRelu) NM_CASE(Tanh) NM_CASE(Sigmoid) NM_CASE(Square)
    NM_CASE(Sqrt) NM_CASE(Rsqrt) NM_CASE(Neg) NM_CASE(Exp) NM_CASE(Log) NM_CASE(Abs) NM_CASE(Step)
    NM_CASE(Elu) NM_CASE(Reciprocal) NM_CASE(Identity)
#undef NM_CASE
  }
}

void select(size_t n, const uint8_t* cond, const float* a, const float* b, float* out) {
  for (size_t i = 0; i < n; ++i) out[i] = cond[i] ? a[i] : b[i];
}

void biasActivation(size_t n, size_t c, float* y, const float* bias, UnaryOp activation, bool linear,
                    float alpha) {
  if (bias) {
    for (size_t i = 0; i < n; i += c) {
      for (size_t j = 0; j < c; ++j) y[i + j] += bias[j];
    }
  }
  if (!linear) unary(activation, n, y, y, alpha);
}

void adam(size_t n, float* p, const float* g, float* m, float* v, float beta1, float beta2, float stepSize,
          float vScale, float epsilon) {
  const float g1 = 1.0f - beta1;
  const float g2 = 1.0f - beta2;
  for (size_t i = 0; i < n; ++i) {
    const float mi = beta1 * m[i] + g1 * g[i];
    const float vi = beta2 * v[i] + g2 * (g[i] * g[i]);
    m[i] = mi;
    v[i] = vi;
    p[i] -= stepSize * (mi / (std::sqrt(vi) * vScale + epsilon));
  }
}

}  // namespace nm
