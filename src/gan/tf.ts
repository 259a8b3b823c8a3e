/**
 * The one TF.js namespace the project uses. Importing the core and the `cpu` backend here, and only
 * here, keeps every module on the same engine instance, so that a backend registered later (tfjs-node-gpu,
 * native kernels) serves them all.
 */
import '@tensorflow/tfjs-backend-cpu';
// Core alone registers no gradients; training needs all of them.
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import * as tf from '@tensorflow/tfjs-core';

export { tf };
export type Tensor = tf.Tensor;
export type Variable = tf.Variable;
