// Element-wise, reduction and normalisation kernels on float32 buffers.
#pragma once

#include <cstddef>
#include <cstdint>

namespace nm {

/** Binary operations; the numbering is shared with src/native/ops.ts. */
enum class BinaryOp : int {
  Add = 0, Sub, Mul, Div, SquaredDifference, Maximum, Minimum,
  Greater, GreaterEqual, Less, LessEqual, Equal, NotEqual,
};

/** Unary operations; the numbering is shared with src/native/ops.ts. */
enum class UnaryOp : int {
  Relu = 0, Relu6, LeakyRelu, Tanh, Sigmoid, Square, Sqrt, Rsqrt, Neg, Exp, Log, Abs, Step, Elu,
  Reciprocal, Identity,
};

/** Reductions; the numbering is shared with src/native/ops.ts. */
enum class ReduceOp : int { Sum = 0, Mean, Max, Min, Prod };

/**
 * out = a (op) b over an output of `rank` dims, reading a and b through per-dim strides (0 where that
 * input is broadcast). Comparisons write 0 or 1 bytes to outBytes instead of floats to out.
 */
void binary(BinaryOp op, int rank, const int* shape, const int* stridesA, const int* stridesB,
            const float* a, const float* b, float* out, uint8_t* outBytes);

/**
 * tanh as a 13/6 rational function (the approximation Eigen, and so TensorFlow and PyTorch, use): within
 * a few float ulps of std::tanh, and vectorisable, where std::tanh is a scalar libm call.
 */
float fastTanh(float x);

/** out = op(x) for n elements; alpha is LeakyRelu's slope and Step's value at or below zero. */
void unary(UnaryOp op, size_t n, const float* x, float* out, float alpha);

/** out = cond ? a : b, element by element. */
void select(size_t n, const uint8_t* cond, const float* a, const float* b, float* out);

/** Repeats x (of `rank` dims) reps[d] times along each dim d. */
void tile(int rank, const int* inShape, const int* reps, const float* x, float* out);

/** Reduces x viewed as [outer, r, inner] over its middle dim, giving [outer, inner]. */
void reduce(ReduceOp op, size_t outer, size_t r, size_t inner, const float* x, float* out);

/**
 * Batch norm over x with the last dim of size c; each parameter has c values or one (broadcast).
 * Lengths of 0 mean an absent offset (0) or scale (1).
 */
void batchNorm(size_t n, size_t c, const float* x, const float* mean, size_t meanLen, const float* variance,
               size_t varianceLen, const float* offset, size_t offsetLen, const float* scale, size_t scaleLen,
               float epsilon, float* out);

/** Adds a per-channel bias (may be null) and applies an activation in place, for fused kernels. */
void biasActivation(size_t n, size_t c, float* y, const float* bias, UnaryOp activation, bool linear,
                    float alpha);

/**
 * One Adam update in place, PyTorch's form: m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2;
 * p -= stepSize * m / (sqrt(v) * vScale + eps).
 */
void adam(size_t n, float* p, const float* g, float* m, float* v, float beta1, float beta2, float stepSize,
          float vScale, float epsilon);

}  // namespace nm

namespace nm {

/** Activation gradients; the numbering is shared with src/native/kernels/gradients.ts. */
enum class ActivationGrad : int { Relu = 0, LeakyRelu, Tanh };

/**
 * dx from dy and what the activation saved: x for (leaky) ReLU, the output y for tanh. One pass in
 * place of TF.js's two or three ops (compare, select, multiply).
 */
void activationGrad(ActivationGrad op, size_t n, const float* dy, const float* saved, float* dx, float alpha);

/**
 * The five batch-norm gradients for x of n elements with c channels and per-channel parameters
 * (scale may be null for 1): dx in one pass, and per channel dMean, dVariance, dScale, dOffset from two
 * running sums, the terms TF.js builds from about a dozen ops.
 */
void batchNormGrad(size_t n, size_t c, const float* x, const float* dy, const float* mean,
                   const float* variance, const float* scale, float epsilon, float* dx, float* dMean,
                   float* dVariance, float* dScale, float* dOffset);

}  // namespace nm
