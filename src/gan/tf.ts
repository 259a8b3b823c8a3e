/**
 * The one TF.js namespace the project uses. It comes from the union package because that is the
 * build that registers every gradient when Node loads it; `@tensorflow/tfjs-core` alone registers none,
 * and its ES-module files cannot be loaded by Node directly. Importing it here, and only here, keeps
 * every module on the same engine, so that a backend registered later serves them all.
 */
import * as tf from '@tensorflow/tfjs';

export { tf };
export type Tensor = tf.Tensor;
export type Variable = tf.Variable;
