// 2-D convolution in NHWC through im2col and sgemm: forward, and the gradients for input and filter.
#pragma once

namespace nm {

/**
 * The geometry TF.js's computeConv2DInfo produced; the TypeScript side passes it unchanged, so padding
 * and output sizes are TF.js's own. Filters are [fH, fW, inC, outC].
 */
struct ConvGeom {
  int batch, inH, inW, inC, outH, outW, outC, fH, fW, strideH, strideW, dilationH, dilationW, padTop,
      padLeft;
};

/** Number of ints a geometry takes when passed from JavaScript, in the field order above. */
constexpr int kConvGeomInts = 15;

/** y[batch, outH, outW, outC] = conv(x, w). */
void conv2d(const ConvGeom& g, const float* x, const float* w, float* y);

/** dx[batch, inH, inW, inC] from dy[batch, outH, outW, outC]; also the forward of a transposed conv. */
void conv2dBackpropInput(const ConvGeom& g, const float* dy, const float* w, float* dx);

/** dw[fH, fW, inC, outC] from x and dy. */
void conv2dBackpropFilter(const ConvGeom& g, const float* x, const float* dy, float* dw);

}  // namespace nm
