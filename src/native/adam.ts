import type { FusedAdamStep } from '../gan/adam.js';
import { tf } from '../gan/tf.js';
import type { NativeAddon } from './addon.js';

/** The cpu backend's bookkeeping the update needs besides the values: who else holds a buffer. */
interface CpuStore {
  data: { get(dataId: tf.DataId): { values?: unknown } };
  refCount(dataId: tf.DataId): number;
}

/**
 * The one-pass Adam update on the cpu backend. A buffer that only its variable holds is updated in place;
 * one that is shared (a variable fresh from `assign`, or whose initial tensor is still alive) must not
 * change under its other holders, so it gets a fresh copy, assigned, and the next step is in place.
 */
export function nativeAdamStep(addon: NativeAddon): FusedAdamStep {
  return (p, g, m, v, c) => {
    if (tf.getBackend() !== 'cpu' || p.dtype !== 'float32' || g.dtype !== 'float32') return false;
    const store = tf.backend() as unknown as CpuStore;
    const buffers = [p, g, m, v].map((t) => store.data.get(t.dataId).values);
    if (!buffers.every((b): b is Float32Array => b instanceof Float32Array && b.length === p.size)) {
      return false;
    }
    const [pv, gv, mv, vv] = buffers as [Float32Array, Float32Array, Float32Array, Float32Array];
    const owned = (t: tf.Variable, values: Float32Array) =>
      store.refCount(t.dataId) === 1 &&
      values.byteOffset === 0 &&
      values.buffer.byteLength === values.byteLength;
    const targets: Array<[tf.Variable, Float32Array]> = [
      [p, pv],
      [m, mv],
      [v, vv],
    ];
    const writable = targets.map(([t, values]) => (owned(t, values) ? values : values.slice()));
    const [pw, mw, vw] = writable as [Float32Array, Float32Array, Float32Array];
    addon.adam(pw, gv, mw, vw, c.beta1, c.beta2, c.stepSize, c.vScale, c.epsilon);
    targets.forEach(([t, values], i) => {
      const fresh = writable[i] as Float32Array;
      if (fresh !== values) t.assign(tf.tensor(fresh, t.shape, 'float32'));
    });
    return true;
  };
}
