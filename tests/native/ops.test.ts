import { afterAll, describe, it } from 'vitest';
import { tf } from '../../src/gan/tf.js';
import { disableNativeKernels } from '../../src/native/register.js';
import { expectClose, Shapes, skipNative, stockAndNative } from './native-support.js';

afterAll(() => disableNativeKernels());

// TF.js takes a seed of 0 as no seed at all, so seeds are offset to stay reproducible.
const normal = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, 'float32', seed + 1000);

/** A random shape of rank 1 to 4, and a second one that broadcasts against it. */
function broadcastPair(shapes: Shapes): [number[], number[]] {
  const rank = shapes.int(1, 4);
  const a = Array.from({ length: rank }, () => shapes.int(1, 6));
  // Drop some leading dims and set some others to 1, as NumPy broadcasting allows.
  const b = a.slice(shapes.int(0, rank - 1)).map((d) => (shapes.next() < 0.4 ? 1 : d));
  return shapes.next() < 0.5 ? [a, b] : [b, a];
}

describe.skipIf(skipNative)('native matrix products against the stock ones', () => {
  it('given plain, transposed and batched products with broadcast batches, then they agree within 1e-4', async () => {
    const shapes = new Shapes(21);
    for (let i = 0; i < 30; i++) {
      const [m, n, k] = [shapes.int(1, 40), shapes.int(1, 40), shapes.int(1, 40)];
      const ta = shapes.next() < 0.5;
      const tb = shapes.next() < 0.5;
      const batch = shapes.pick([[], [3], [2, 2]]);
      const aBatch = shapes.next() < 0.3 ? [] : batch;
      const bBatch = aBatch.length === 0 || shapes.next() < 0.3 ? batch : aBatch;
      const result = await stockAndNative(() =>
        tf.matMul(
          normal([...aBatch, ...(ta ? [k, m] : [m, k])], i),
          normal([...bBatch, ...(tb ? [n, k] : [k, n])], i + 100),
          ta,
          tb,
        ),
      );
      expectClose(result, 'BatchMatMul', 1e-4, JSON.stringify({ m, n, k, ta, tb, aBatch, bBatch }));
    }
  });

  it('given a bias and an activation, then the fused product and its gradients agree within 1e-4', async () => {
    for (const activation of ['linear', 'relu', 'leakyrelu', 'sigmoid'] as const) {
      const result = await stockAndNative(() => {
        const a = normal([7, 13], 1);
        const b = normal([13, 5], 2);
        const bias = normal([5], 3);
        const f = (x: tf.Tensor, y: tf.Tensor, z: tf.Tensor) =>
          tf.sum(tf.fused.matMul({ a: x as tf.Tensor2D, b: y as tf.Tensor2D, bias: z, activation }));
        return [tf.fused.matMul({ a, b, bias, activation }), ...tf.grads(f)([a, b, bias])];
      });
      expectClose(result, '_FusedMatMul', 1e-4, activation);
    }
  });
});

describe.skipIf(skipNative)('native element-wise kernels against the stock ones', () => {
  const binary: Array<[string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor]> = [
    ['Add', tf.add],
    ['Sub', tf.sub],
    ['Multiply', tf.mul],
    ['RealDiv', tf.div],
    ['SquaredDifference', tf.squaredDifference],
    ['Maximum', tf.maximum],
    ['Minimum', tf.minimum],
    ['Greater', (a, b) => tf.cast(tf.greater(a, b), 'float32')],
    ['LessEqual', (a, b) => tf.cast(tf.lessEqual(a, b), 'float32')],
    ['Equal', (a, b) => tf.cast(tf.equal(tf.round(a), tf.round(b)), 'float32')],
  ];
  it('given random broadcasting shapes, then every binary op agrees within 1e-4', async () => {
    const shapes = new Shapes(31);
    for (const [kernel, op] of binary) {
      for (let i = 0; i < 8; i++) {
        const [sa, sb] = broadcastPair(shapes);
        const result = await stockAndNative(() => op(normal(sa, i), normal(sb, i + 50)));
        expectClose(result, kernel, 1e-4, `${JSON.stringify(sa)} ${JSON.stringify(sb)}`);
      }
    }
  });

  it('given a scalar on either side, then the ops agree', async () => {
    const result = await stockAndNative(() => [
      tf.sub(1, normal([4, 5], 1)),
      tf.mul(normal([4, 5], 2), 0.3),
      tf.add(tf.scalar(2), tf.scalar(3)),
    ]);
    expectClose(result, 'Sub');
    expectClose(result, 'Multiply');
  });

  const unary: Array<[string, (x: tf.Tensor) => tf.Tensor]> = [
    ['Relu', tf.relu],
    ['Relu6', tf.relu6],
    ['LeakyRelu', (x) => tf.leakyRelu(x, 0.2)],
    ['Tanh', tf.tanh],
    ['Sigmoid', tf.sigmoid],
    ['Square', tf.square],
    ['Sqrt', (x) => tf.sqrt(tf.abs(x))],
    ['Rsqrt', (x) => tf.rsqrt(tf.add(tf.abs(x), 0.1))],
    ['Neg', tf.neg],
    ['Exp', tf.exp],
    ['Log', (x) => tf.log(tf.add(tf.abs(x), 0.1))],
    ['Abs', tf.abs],
    ['Step', (x) => tf.step(x, 0.1)],
    ['Elu', tf.elu],
    ['Reciprocal', (x) => tf.reciprocal(tf.add(tf.abs(x), 0.5))],
  ];
  it('given each unary op and its gradient, then they agree within 1e-4', async () => {
    for (const [kernel, op] of unary) {
      const result = await stockAndNative(() => {
        const x = normal([3, 7, 5], 4);
        return [op(x), tf.grad((t: tf.Tensor) => tf.sum(op(t)))(x)];
      });
      expectClose(result, kernel, 1e-4);
    }
  });

  it('given a condition, then select picks the same elements', async () => {
    const result = await stockAndNative(() => {
      const a = normal([4, 6, 3], 5);
      return tf.where(tf.greater(a, 0), a, tf.mul(a, 0.2));
    });
    expectClose(result, 'Select');
  });
});

describe.skipIf(skipNative)('native reductions, tiling and batch norm against the stock ones', () => {
  it('given contiguous and scattered axes, with and without keepDims, then reductions agree within 1e-4', async () => {
    const shape = [3, 4, 5, 6];
    const cases: Array<number | number[] | undefined> = [undefined, 0, 3, [0, 1, 2], [1, 2], [0, 2], -1];
    for (const [kernel, op] of [
      ['Sum', tf.sum],
      ['Mean', tf.mean],
      ['Max', tf.max],
      ['Min', tf.min],
      [
        'Prod',
        (x: tf.Tensor, axis?: number | number[], keep?: boolean) =>
          tf.prod(tf.add(tf.mul(x, 0.05), 1), axis, keep),
      ],
    ] as const) {
      for (const axis of cases) {
        for (const keep of [false, true]) {
          const result = await stockAndNative(() => op(normal(shape, 6), axis, keep));
          const runs = axis === undefined ? true : !(Array.isArray(axis) && axis.join() === '0,2');
          if (runs) expectClose(result, kernel, 1e-4, `${JSON.stringify(axis)} ${keep}`);
        }
      }
    }
  });

  it('given a large batch-norm sized sum, then it agrees to float precision', async () => {
    const result = await stockAndNative(() => tf.sum(tf.add(normal([32, 32, 32, 64], 7), 3), [0, 1, 2]));
    expectClose(result, 'Sum', 1e-6);
  });

  it('given random reps, then tile agrees', async () => {
    const shapes = new Shapes(41);
    for (let i = 0; i < 10; i++) {
      const shape = Array.from({ length: shapes.int(1, 4) }, () => shapes.int(1, 4));
      const reps = shape.map(() => shapes.int(1, 3));
      const result = await stockAndNative(() => tf.tile(normal(shape, i), reps));
      expectClose(result, 'Tile', 0, JSON.stringify({ shape, reps }));
    }
  });

  it('given batch moments and per-channel or scalar parameters, then batch norm and its gradients agree', async () => {
    for (const paramShape of [[5], [1]]) {
      const result = await stockAndNative(() => {
        const x = normal([4, 3, 3, 5], 8);
        const gamma = tf.add(normal(paramShape, 9), 1);
        const beta = normal(paramShape, 10);
        const weights = normal([4, 3, 3, 5], 11);
        const f = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
          const { mean, variance } = tf.moments(a, [0, 1, 2]);
          // A weighted sum: the plain sum of squares of a normalised batch does not depend on x.
          return tf.sum(tf.mul(tf.batchNorm(a, mean, variance, b, g, 1e-5), weights));
        };
        const { mean, variance } = tf.moments(x, [0, 1, 2]);
        const y = tf.batchNorm(x, mean, variance, beta, gamma, 1e-5);
        // TF.js's batch-norm gradient cannot broadcast a one-value scale on any backend.
        return paramShape[0] === 1 ? [y] : [y, ...tf.grads(f)([x, gamma, beta])];
      });
      expectClose(result, 'FusedBatchNorm', 1e-4, JSON.stringify(paramShape));
    }
  });
});
