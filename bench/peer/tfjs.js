// gpt-tfjs's '@tensorflow/tfjs', made of the course's TF.js: the bench bundles gpt-tfjs with this module in its place
// (and tfjs-layers' '@tensorflow/tfjs-core' as '@tinygpt/tf'), so that both models run on one engine and one backend.
// JavaScript, not TypeScript: only esbuild reads it, so a checkout without the dev dependencies still type-checks.
import * as tf from "@tinygpt/tf";

export * from "@tinygpt/tf";
export * from "@tensorflow/tfjs-layers";

// gpt-tfjs's training step calls three ops as tensor methods (kernel.read().expandDims(0).tile(…), mask.slice(…)),
// which the course's TF.js does not register (it calls ops as functions): they are added for it.
for (const [name, op] of Object.entries({expandDims: tf.expandDims, tile: tf.tile, slice: tf.slice}))
  Object.defineProperty(tf.Tensor.prototype, name, {
    configurable: true,
    value(...args) {
      return op(this, ...args);
    }
  });
