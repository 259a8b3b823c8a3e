// Fused gradients for the ops around every convolution: activations and batch norm. Sums are kept in
// double, as TF.js's JavaScript reductions are.
#include <cmath>
#include <vector>

#include "elementwise.h"

namespace nm {

void activationGrad(ActivationGrad op, size_t n, const float* dy, const float* saved, float* dx, float alpha) {
  switch (op) {
    case ActivationGrad::Relu:
      // TF.js multiplies by step(x), so a NaN input gives a NaN gradient.
      for (size_t i = 0; i < n; ++i) dx[i] = saved[i] > 0.0f ? dy[i] : (saved[i] != saved[i] ? saved[i] : 0.0f);
      return;
    case ActivationGrad::LeakyRelu:
      for (size_t i = 0; i < n; ++i) dx[i] = saved[i] > 0.0f ? dy[i] : dy[i] * alpha;
      return;
    case ActivationGrad::Tanh:
      for (size_t i = 0; i < n; ++i) dx[i] = (1.0f - saved[i] * saved[i]) * dy[i];
      return;
  }
}

void batchNormGrad(size_t n, size_t c, const float* x, const float* dy, const float* mean,
                   const float* variance, const float* scale, float epsilon, float* dx, float* dMean,
                   float* dVariance, float* dScale, float* dOffset) {
  std::vector<float> r(c), k(c);
  for (size_t j = 0; j < c; ++j) {
    r[j] = 1.0f / std::sqrt(variance[j] + epsilon);
    k[j] = (scale ? scale[j] : 1.0f) * r[j];
  }
  std::vector<double> sumDy(c, 0.0), sumCentredDy(c, 0.0);
  for (size_t i = 0; i < n; i += c) {
    for (size_t j = 0; j < c; ++j) {
      const float g = dy[i + j];
      dx[i + j] = g * k[j];
      sumDy[j] += g;
      sumCentredDy[j] += static_cast<double>(x[i + j] - mean[j]) * g;
    }
  }
  for (size_t j = 0; j < c; ++j) {
    const double s = scale ? scale[j] : 1.0;
    const double rj = r[j];
    dMean[j] = static_cast<float>(-rj * s * sumDy[j]);
    dVariance[j] = static_cast<float>(-0.5 * rj * rj * rj * s * sumCentredDy[j]);
    dScale[j] = static_cast<float>(rj * sumCentredDy[j]);
    dOffset[j] = static_cast<float>(sumDy[j]);
  }
}

}  // namespace nm
