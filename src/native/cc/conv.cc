// im2col turns each output pixel's receptive field into one row, so a convolution becomes one matrix
// product that the BLAS runs near peak. Rows are handled in chunks so the column buffer stays a few MiB
// whatever the batch, and the buffer is reused between calls instead of allocated per call.
#include "conv.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "blas.h"

namespace nm {
namespace {

// About 8 MiB of columns per chunk: big enough for the BLAS to block well, small enough to stay in L3.
constexpr size_t kChunkFloats = size_t{1} << 21;

std::vector<float>& scratch(size_t floats) {
  thread_local std::vector<float> buffer;
  if (buffer.size() < floats) buffer.resize(floats);
  return buffer;
}

int chunkRows(const ConvGeom& g) {
  const size_t k = static_cast<size_t>(g.fH) * g.fW * g.inC;
  const int total = g.batch * g.outH * g.outW;
  return static_cast<int>(std::clamp<size_t>(kChunkFloats / std::max<size_t>(k, 1), 64, total));
}

// A 1x1 kernel with stride 1 and no padding reads x as the column matrix itself.
bool isPointwise(const ConvGeom& g) {
  return g.fH == 1 && g.fW == 1 && g.strideH == 1 && g.strideW == 1 && g.padTop == 0 && g.padLeft == 0 &&
         g.inH == g.outH && g.inW == g.outW;
}

// Rows m0..m0+rows of the column matrix: row m holds output pixel m's window, ordered (ky, kx, c) like w.
void im2col(const ConvGeom& g, const float* x, int m0, int rows, float* cols) {
  const size_t c = g.inC;
  for (int r = 0; r < rows; ++r) {
    const int m = m0 + r;
    const int ox = m % g.outW;
    const int oy = (m / g.outW) % g.outH;
    const int b = m / (g.outW * g.outH);
    const float* image = x + static_cast<size_t>(b) * g.inH * g.inW * c;
    float* dst = cols + static_cast<size_t>(r) * g.fH * g.fW * c;
    for (int ky = 0; ky < g.fH; ++ky) {
      const int iy = oy * g.strideH + ky * g.dilationH - g.padTop;
      if (iy < 0 || iy >= g.inH) {
        std::memset(dst, 0, sizeof(float) * g.fW * c);
        dst += g.fW * c;
        continue;
      }
      for (int kx = 0; kx < g.fW; ++kx, dst += c) {
        const int ix = ox * g.strideW + kx * g.dilationW - g.padLeft;
        if (ix < 0 || ix >= g.inW) {
          std::memset(dst, 0, sizeof(float) * c);
        } else {
          std::memcpy(dst, image + (static_cast<size_t>(iy) * g.inW + ix) * c, sizeof(float) * c);
        }
      }
    }
  }
}

// The adjoint of im2col: adds each row's window back onto the pixels it was read from.
void col2imAdd(const ConvGeom& g, const float* cols, int m0, int rows, float* dx) {
  const size_t c = g.inC;
  for (int r = 0; r < rows; ++r) {
    const int m = m0 + r;
    const int ox = m % g.outW;
    const int oy = (m / g.outW) % g.outH;
    const int b = m / (g.outW * g.outH);
    float* image = dx + static_cast<size_t>(b) * g.inH * g.inW * c;
    const float* src = cols + static_cast<size_t>(r) * g.fH * g.fW * c;
    for (int ky = 0; ky < g.fH; ++ky) {
      const int iy = oy * g.strideH + ky * g.dilationH - g.padTop;
      if (iy < 0 || iy >= g.inH) {
        src += g.fW * c;
        continue;
      }
      for (int kx = 0; kx < g.fW; ++kx, src += c) {
        const int ix = ox * g.strideW + kx * g.dilationW - g.padLeft;
        if (ix < 0 || ix >= g.inW) continue;
        float* dst = image + (static_cast<size_t>(iy) * g.inW + ix) * c;
        for (size_t i = 0; i < c; ++i) dst[i] += src[i];
      }
    }
  }
}

}  // namespace

void conv2d(const ConvGeom& g, const float* x, const float* w, float* y) {
  const int k = g.fH * g.fW * g.inC;
  const int total = g.batch * g.outH * g.outW;
  if (isPointwise(g)) {
    sgemm(false, false, total, g.outC, k, 1.0f, x, k, w, g.outC, 0.0f, y, g.outC);
    return;
  }
  const int chunk = chunkRows(g);
  float* cols = scratch(static_cast<size_t>(chunk) * k).data();
  for (int m0 = 0; m0 < total; m0 += chunk) {
    const int rows = std::min(chunk, total - m0);
    im2col(g, x, m0, rows, cols);
    sgemm(false, false, rows, g.outC, k, 1.0f, cols, k, w, g.outC, 0.0f,
          y + static_cast<size_t>(m0) * g.outC, g.outC);
  }
}

void conv2dBackpropInput(const ConvGeom& g, const float* dy, const float* w, float* dx) {
  const int k = g.fH * g.fW * g.inC;
  const int total = g.batch * g.outH * g.outW;
  if (isPointwise(g)) {
    sgemm(false, true, total, k, g.outC, 1.0f, dy, g.outC, w, g.outC, 0.0f, dx, k);
    return;
  }
  std::memset(dx, 0, sizeof(float) * g.batch * g.inH * g.inW * g.inC);
  const int chunk = chunkRows(g);
  float* cols = scratch(static_cast<size_t>(chunk) * k).data();
  for (int m0 = 0; m0 < total; m0 += chunk) {
    const int rows = std::min(chunk, total - m0);
    sgemm(false, true, rows, k, g.outC, 1.0f, dy + static_cast<size_t>(m0) * g.outC, g.outC, w, g.outC,
          0.0f, cols, k);
    col2imAdd(g, cols, m0, rows, dx);
  }
}

void conv2dBackpropFilter(const ConvGeom& g, const float* x, const float* dy, float* dw) {
  const int k = g.fH * g.fW * g.inC;
  const int total = g.batch * g.outH * g.outW;
  if (isPointwise(g)) {
    sgemm(true, false, k, g.outC, total, 1.0f, x, k, dy, g.outC, 0.0f, dw, g.outC);
    return;
  }
  const int chunk = chunkRows(g);
  float* cols = scratch(static_cast<size_t>(chunk) * k).data();
  for (int m0 = 0; m0 < total; m0 += chunk) {
    const int rows = std::min(chunk, total - m0);
    im2col(g, x, m0, rows, cols);
    sgemm(true, false, k, g.outC, rows, 1.0f, cols, k, dy + static_cast<size_t>(m0) * g.outC, g.outC,
          m0 == 0 ? 0.0f : 1.0f, dw, g.outC);
  }
  if (total == 0) std::memset(dw, 0, sizeof(float) * k * g.outC);
}

}  // namespace nm
