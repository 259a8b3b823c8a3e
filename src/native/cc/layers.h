// Whole layers of our networks as one kernel each, forward and backward, where TF.js would run a chain
// of full-size element-wise ops: the discriminator's bias and leaky ReLU after each convolution, and the
// generator's training-mode batch norm (moments included) and ReLU.
#pragma once

#include <cstddef>

namespace nm {

/**
 * From dy and the output y of leakyRelu(conv + bias) with alpha > 0 (so y > 0 exactly where its input
 * was): dz = dy * (y > 0 ? 1 : alpha), the gradient at the convolution's output, and db, its sum per
 * channel, the bias gradient. n elements, c channels last.
 */
void biasLeakyReluGrad(size_t n, size_t c, const float* dy, const float* y, float alpha, float* dz,
                       float* db);

/** The same for tanh(conv + bias): dz = dy * (1 - y^2), db its sum per channel. */
void biasTanhGrad(size_t n, size_t c, const float* dy, const float* y, float* dz, float* db);

/**
 * y = relu(gamma (x - mean) / sqrt(variance + epsilon) + beta) with the batch's own moments over all
 * but the last dim (variance biased, as tf.moments gives it), which are written to mean and variance.
 */
void batchNormReluTrain(size_t n, size_t c, const float* x, const float* gamma, const float* beta,
                        float epsilon, float* y, float* mean, float* variance);

/**
 * The gradients of batchNormReluTrain: dx (through the moments too), dGamma and dBeta, from dy at y and
 * dMean, dVariance at the moments (zero unless something differentiates them).
 */
void batchNormReluTrainGrad(size_t n, size_t c, const float* x, const float* y, const float* dy,
                            const float* dMean, const float* dVariance, const float* mean,
                            const float* variance, const float* gamma, float epsilon, float* dx,
                            float* dGamma, float* dBeta);

}  // namespace nm
