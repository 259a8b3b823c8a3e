// Reductions, tiling and batch norm: the kernels that move data along an axis rather than element-wise.
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "elementwise.h"

namespace nm {
namespace {

// Sums and means accumulate in double, as TF.js's JavaScript kernels do, so long reductions agree with
// the stock backend to float precision instead of drifting with the reduction's length.
template <ReduceOp op>
void reduceRows(size_t outer, size_t r, size_t inner, const float* x, float* out) {
  std::vector<double> acc(inner);
  for (size_t o = 0; o < outer; ++o) {
    const float* block = x + o * r * inner;
    const double start = op == ReduceOp::Max   ? -std::numeric_limits<double>::infinity()
                         : op == ReduceOp::Min ? std::numeric_limits<double>::infinity()
                         : op == ReduceOp::Prod ? 1.0
                                                : 0.0;
    std::fill(acc.begin(), acc.end(), start);
    for (size_t i = 0; i < r; ++i) {
      const float* row = block + i * inner;
      for (size_t j = 0; j < inner; ++j) {
        const double v = row[j];
        if constexpr (op == ReduceOp::Sum || op == ReduceOp::Mean) acc[j] += v;
        if constexpr (op == ReduceOp::Prod) acc[j] *= v;
        // NaN wins, as in TF.js.
        if constexpr (op == ReduceOp::Max) acc[j] = (v > acc[j] || v != v) ? v : acc[j];
        if constexpr (op == ReduceOp::Min) acc[j] = (v < acc[j] || v != v) ? v : acc[j];
      }
    }
    for (size_t j = 0; j < inner; ++j) {
      if constexpr (op == ReduceOp::Mean) {
        // TF.js divides the float32 sum by the float32 count.
        out[o * inner + j] = static_cast<float>(acc[j]) / static_cast<float>(r);
      } else {
        out[o * inner + j] = static_cast<float>(acc[j]);
      }
    }
  }
}

// Reducing the innermost dim: one running total per output, summed in four lanes so it vectorises.
template <ReduceOp op>
void reduceLast(size_t outer, size_t r, const float* x, float* out) {
  for (size_t o = 0; o < outer; ++o) {
    const float* row = x + o * r;
    if constexpr (op == ReduceOp::Sum || op == ReduceOp::Mean) {
      double lanes[4] = {0, 0, 0, 0};
      size_t i = 0;
      for (; i + 4 <= r; i += 4) {
        for (int l = 0; l < 4; ++l) lanes[l] += row[i + l];
      }
      double total = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
      for (; i < r; ++i) total += row[i];
      out[o] = op == ReduceOp::Mean ? static_cast<float>(total) / static_cast<float>(r)
                                    : static_cast<float>(total);
    } else {
      reduceRows<op>(1, r, 1, row, out + o);
    }
  }
}

template <ReduceOp op>
void reduceAny(size_t outer, size_t r, size_t inner, const float* x, float* out) {
  if (inner == 1) {
    reduceLast<op>(outer, r, x, out);
  } else {
    reduceRows<op>(outer, r, inner, x, out);
  }
}

// Fills one copy of the tiled block at dim d, then repeats it reps[d] times with memcpy.
void tileDim(int d, int rank, const int* inShape, const int* reps, const size_t* inBlock,
             const size_t* outBlock, const float* x, float* out) {
  if (d == rank - 1) {
    const size_t n = inShape[d];
    for (int r = 0; r < reps[d]; ++r) std::memcpy(out + r * n, x, sizeof(float) * n);
    return;
  }
  for (int i = 0; i < inShape[d]; ++i) {
    tileDim(d + 1, rank, inShape, reps, inBlock, outBlock, x + i * inBlock[d + 1],
            out + i * outBlock[d + 1]);
  }
  const size_t once = static_cast<size_t>(inShape[d]) * outBlock[d + 1];
  for (int r = 1; r < reps[d]; ++r) std::memcpy(out + r * once, out, sizeof(float) * once);
}

}  // namespace

void reduce(ReduceOp op, size_t outer, size_t r, size_t inner, const float* x, float* out) {
  switch (op) {
    case ReduceOp::Sum: return reduceAny<ReduceOp::Sum>(outer, r, inner, x, out);
    case ReduceOp::Mean: return reduceAny<ReduceOp::Mean>(outer, r, inner, x, out);
    case ReduceOp::Max: return reduceAny<ReduceOp::Max>(outer, r, inner, x, out);
    case ReduceOp::Min: return reduceAny<ReduceOp::Min>(outer, r, inner, x, out);
    case ReduceOp::Prod: return reduceAny<ReduceOp::Prod>(outer, r, inner, x, out);
  }
}

void tile(int rank, const int* inShape, const int* reps, const float* x, float* out) {
  if (rank == 0) {
    out[0] = x[0];
    return;
  }
  // inBlock[d] / outBlock[d]: elements in one step of dim d-1, i.e. the product of dims d.. onwards.
  std::vector<size_t> inBlock(rank + 1, 1), outBlock(rank + 1, 1);
  for (int d = rank - 1; d >= 0; --d) {
    inBlock[d] = inBlock[d + 1] * inShape[d];
    outBlock[d] = outBlock[d + 1] * inShape[d] * reps[d];
  }
  tileDim(0, rank, inShape, reps, inBlock.data(), outBlock.data(), x, out);
}

void batchNorm(size_t n, size_t c, const float* x, const float* mean, size_t meanLen, const float* variance,
               size_t varianceLen, const float* offset, size_t offsetLen, const float* scale, size_t scaleLen,
               float epsilon, float* out) {
  // Folded into y = x * k + d per channel, so the pass over x is one multiply-add.
  std::vector<float> k(c), d(c);
  for (size_t j = 0; j < c; ++j) {
    const float s = scaleLen ? scale[scaleLen == 1 ? 0 : j] : 1.0f;
    const float o = offsetLen ? offset[offsetLen == 1 ? 0 : j] : 0.0f;
    const float mu = mean[meanLen == 1 ? 0 : j];
    const float var = variance[varianceLen == 1 ? 0 : j];
    k[j] = s / std::sqrt(var + epsilon);
    d[j] = o - mu * k[j];
  }
  for (size_t i = 0; i < n; i += c) {
    for (size_t j = 0; j < c; ++j) out[i + j] = x[i + j] * k[j] + d[j];
  }
}

}  // namespace nm
