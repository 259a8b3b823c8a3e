// Per-channel sums are kept in double, as TF.js's JavaScript reductions are, so the moments agree with
// the stock ops to float precision even over the 130,000 pixels of a 64 px batch.
#include "layers.h"

#include <cmath>
#include <vector>

// The rest of the addon is built for the baseline x86-64; these passes over whole activations are
// memory- and FMA-bound, so each is also compiled for AVX2 and AVX-512 and picked at load.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define NM_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define NM_CLONES
#endif

namespace nm {

NM_CLONES
void biasLeakyReluGrad(size_t n, size_t c, const float* dy, const float* y, float alpha, float* dz,
                       float* db) {
  std::vector<double> sum(c, 0.0);
  for (size_t i = 0; i < n; i += c) {
    for (size_t j = 0; j < c; ++j) {
      const float g = y[i + j] > 0.0f ? dy[i + j] : dy[i + j] * alpha;
      dz[i + j] = g;
      sum[j] += g;
    }
  }
  for (size_t j = 0; j < c; ++j) db[j] = static_cast<float>(sum[j]);
}

NM_CLONES
void biasTanhGrad(size_t n, size_t c, const float* dy, const float* y, float* dz, float* db) {
  std::vector<double> sum(c, 0.0);
  for (size_t i = 0; i < n; i += c) {
    for (size_t j = 0; j < c; ++j) {
      const float g = dy[i + j] * (1.0f - y[i + j] * y[i + j]);
      dz[i + j] = g;
      sum[j] += g;
    }
  }
  for (size_t j = 0; j < c; ++j) db[j] = static_cast<float>(sum[j]);
}

NM_CLONES
void batchNormReluTrain(size_t n, size_t c, const float* x, const float* gamma, const float* beta,
                        float epsilon, float* y, float* mean, float* variance) {
  const size_t rows = c == 0 ? 0 : n / c;
  std::vector<double> acc(c, 0.0);

  // Mean, then the variance about it: two passes, as tf.moments does, rather than E[x^2] - E[x]^2.
  for (size_t i = 0; i < n; i += c) {
    for (size_t j = 0; j < c; ++j) acc[j] += x[i + j];
  }
  for (size_t j = 0; j < c; ++j) {
    mean[j] = static_cast<float>(acc[j] / static_cast<double>(rows));
    acc[j] = 0.0;
  }
  for (size_t i = 0; i < n; i += c) {
    for (size_t j = 0; j < c; ++j) {
      const float d = x[i + j] - mean[j];
      acc[j] += d * d;
    }
  }

  std::vector<float> k(c), shift(c);
  for (size_t j = 0; j < c; ++j) {
    variance[j] = static_cast<float>(acc[j] / static_cast<double>(rows));
    k[j] = gamma[j] / std::sqrt(variance[j] + epsilon);
    shift[j] = beta[j] - mean[j] * k[j];
  }
  for (size_t i = 0; i < n; i += c) {
    for (size_t j = 0; j < c; ++j) {
      const float z = x[i + j] * k[j] + shift[j];
      y[i + j] = z > 0.0f ? z : 0.0f;
    }
  }
}

NM_CLONES
void batchNormReluTrainGrad(size_t n, size_t c, const float* x, const float* y, const float* dy,
                            const float* dMean, const float* dVariance, const float* mean,
                            const float* variance, const float* gamma, float epsilon, float* dx,
                            float* dGamma, float* dBeta) {
  const double rows = c == 0 ? 1.0 : static_cast<double>(n / c);
  std::vector<float> invStd(c);
  for (size_t j = 0; j < c; ++j) invStd[j] = 1.0f / std::sqrt(variance[j] + epsilon);

  // dBeta = sum(dz), dGamma = sum(dz * xhat), where dz is dy through the ReLU.
  std::vector<double> sumDz(c, 0.0), sumDzXhat(c, 0.0);
  for (size_t i = 0; i < n; i += c) {
    for (size_t j = 0; j < c; ++j) {
      const float g = y[i + j] > 0.0f ? dy[i + j] : 0.0f;
      sumDz[j] += g;
      sumDzXhat[j] += g * ((x[i + j] - mean[j]) * invStd[j]);
    }
  }

  // dx = gamma/std (dz - dBeta/N - xhat dGamma/N) + dMean/N + 2 (x - mean) dVariance/N.
  std::vector<float> a(c), b(c), d(c), e(c);
  for (size_t j = 0; j < c; ++j) {
    dBeta[j] = static_cast<float>(sumDz[j]);
    dGamma[j] = static_cast<float>(sumDzXhat[j]);
    a[j] = gamma[j] * invStd[j];
    b[j] = static_cast<float>(sumDz[j] / rows);
    d[j] = static_cast<float>(sumDzXhat[j] / rows) * invStd[j];
    e[j] = static_cast<float>(dMean[j] / rows);
    // The centred-x coefficient: -a d from the normalisation, 2 dVariance / N from the moment.
    d[j] = -a[j] * d[j] + static_cast<float>(2.0 * dVariance[j] / rows);
  }
  for (size_t i = 0; i < n; i += c) {
    for (size_t j = 0; j < c; ++j) {
      const float g = y[i + j] > 0.0f ? dy[i + j] : 0.0f;
      dx[i + j] = a[j] * (g - b[j]) + d[j] * (x[i + j] - mean[j]) + e[j];
    }
  }
}

}  // namespace nm
