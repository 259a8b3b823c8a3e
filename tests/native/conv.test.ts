import { afterAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/gan/tf.js';
import { disableNativeKernels } from '../../src/native/register.js';
import { addon, expectClose, Shapes, skipNative, stockAndNative } from './native-support.js';

afterAll(() => {
  if (addon.ok) addon.addon.chooseGemm(0);
  disableNativeKernels();
});

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];

/** A random NHWC convolution problem: sizes, stride, dilation and one of the three padding modes. */
function convCase(shapes: Shapes) {
  const batch = shapes.int(1, 3);
  const inC = shapes.int(1, 9);
  const outC = shapes.int(1, 9);
  const fh = shapes.int(1, 4);
  const fw = shapes.int(1, 4);
  const stride = shapes.pick([1, 2, 3] as const);
  const dilation = stride === 1 ? shapes.pick([1, 2] as const) : 1;
  const h = shapes.int(fh * dilation, 11);
  const w = shapes.int(fw * dilation, 11);
  const padMode = shapes.pick(['same', 'valid', 'explicit'] as const);
  const pad: Pad =
    padMode === 'explicit'
      ? [
          [0, 0],
          [shapes.int(0, 2), shapes.int(0, 2)],
          [shapes.int(0, 2), shapes.int(0, 2)],
          [0, 0],
        ]
      : padMode;
  const seed = shapes.int(1, 1e6);
  const x = () => tf.randomNormal([batch, h, w, inC], 0, 1, 'float32', seed) as tf.Tensor4D;
  const filter = () => tf.randomNormal([fh, fw, inC, outC], 0, 1, 'float32', seed + 1) as tf.Tensor4D;
  const label = JSON.stringify({ batch, h, w, inC, outC, fh, fw, stride, dilation, pad });
  return { x, filter, stride, dilation, pad, label, seed, outC };
}

describe.skipIf(skipNative)('native convolution kernels against the stock ones', () => {
  it('given random shapes, strides, dilations and padding modes, then conv2d agrees within 1e-4', async () => {
    const shapes = new Shapes(11);
    for (let i = 0; i < 40; i++) {
      const c = convCase(shapes);
      const result = await stockAndNative(() =>
        tf.conv2d(c.x(), c.filter(), c.stride, c.pad, 'NHWC', c.dilation),
      );
      expectClose(result, 'Conv2D', 1e-4, c.label);
    }
  });

  it('given random shapes, then both gradients of conv2d agree within 1e-4', async () => {
    const shapes = new Shapes(12);
    for (let i = 0; i < 30; i++) {
      const c = convCase(shapes);
      // TF.js's conv2d gradient refuses dilations above 1, on every backend.
      if (c.dilation !== 1) continue;
      const result = await stockAndNative(() => {
        const x = c.x();
        const filter = c.filter();
        const f = (a: tf.Tensor, b: tf.Tensor) =>
          tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad)));
        return tf.grads(f)([x, filter]);
      });
      expectClose(result, 'Conv2DBackpropInput', 1e-4, c.label);
      expectClose(result, 'Conv2DBackpropFilter', 1e-4, c.label);
    }
  });

  it('given the generator and discriminator geometry, then conv2dTranspose with stride 2 agrees', async () => {
    for (const [size, inC, outC] of [
      [4, 16, 8],
      [8, 8, 3],
      [5, 3, 4],
    ] as const) {
      const result = await stockAndNative(() => {
        const x = tf.randomNormal([2, size, size, inC], 0, 1, 'float32', size + 1) as tf.Tensor4D;
        const k = tf.randomNormal([4, 4, outC, inC], 0, 1, 'float32', inC) as tf.Tensor4D;
        return tf.conv2dTranspose(x, k, [2, size * 2, size * 2, outC], 2, 'same');
      });
      expectClose(result, 'Conv2DBackpropInput', 1e-4, `transpose ${size} ${inC}->${outC}`);
    }
  });

  it('given the library product and then the built-in one, then a layer of our size and its gradients agree', async () => {
    if (!addon.ok) return;
    // 4x4 windows of 40 channels make k = 640, more than one of the built-in product's 256-deep blocks.
    const x = () => tf.randomNormal([3, 12, 12, 40], 0, 1, 'float32', 5) as tf.Tensor4D;
    const filter = () => tf.randomNormal([4, 4, 40, 37], 0, 1, 'float32', 6) as tf.Tensor4D;
    const f = (a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same')));
    const hasLibrary = !addon.addon.info().blas.includes('no BLAS library found');
    for (const [choice, label] of [
      [1, 'library'],
      [2, 'built-in'],
    ] as const) {
      addon.addon.chooseGemm(choice);
      expect(addon.addon.info().library).toBe(choice === 1 && hasLibrary);
      const result = await stockAndNative(() => [
        tf.conv2d(x(), filter(), 2, 'same'),
        ...tf.grads(f)([x(), filter()]),
      ]);
      expectClose(result, 'Conv2D', 1e-4, label);
      expectClose(result, 'Conv2DBackpropInput', 1e-4, label);
      expectClose(result, 'Conv2DBackpropFilter', 1e-4, label);

      // Wider and deeper than one of the built-in product's 256 x 256 blocks of B, in every orientation.
      for (const [ta, tb] of [
        [false, false],
        [true, false],
        [false, true],
        [true, true],
      ] as const) {
        const products = await stockAndNative(() => {
          const a = tf.randomNormal(ta ? [300, 37] : [37, 300], 0, 1, 'float32', 7) as tf.Tensor2D;
          const b = tf.randomNormal(tb ? [290, 300] : [300, 290], 0, 1, 'float32', 8) as tf.Tensor2D;
          return tf.matMul(a, b, ta, tb);
        });
        expectClose(products, 'BatchMatMul', 1e-4, `${label} ${ta} ${tb}`);
      }
    }
    addon.addon.chooseGemm(0);
  });

  it('given a bias and each activation, then the fused convolution agrees within 1e-4', async () => {
    const shapes = new Shapes(13);
    for (const activation of ['linear', 'relu', 'relu6', 'leakyrelu', 'sigmoid', 'elu'] as const) {
      const c = convCase(shapes);
      const result = await stockAndNative(() =>
        tf.fused.conv2d({
          x: c.x(),
          filter: c.filter(),
          strides: c.stride,
          pad: c.pad,
          dilations: c.dilation,
          bias: tf.randomNormal([c.outC], 0, 1, 'float32', c.seed + 2),
          activation,
          leakyreluAlpha: 0.3,
        }),
      );
      expectClose(result, 'FusedConv2D', 1e-4, `${activation} ${c.label}`);
    }
  });
});
