// gpt-tfjs's '@tensorflow/tfjs', made of the course's TF.js: the bench bundles gpt-tfjs with this module in its place
// (and tfjs-layers' '@tensorflow/tfjs-core' as '@tinygpt/tf'), so that both models run on one engine and one backend.
import * as tf from "@tinygpt/tf";

export * from "@tinygpt/tf";
export * from "@tensorflow/tfjs-layers";

// gpt-tfjs's training step calls three ops as tensor methods (kernel.read().expandDims(0).tile(…), mask.slice(…)),
// which the course's TF.js does not register (it calls ops as functions): they are added for it.
type Op = (x: tf.Tensor, ...args: unknown[]) => unknown;
const chained = {expandDims: tf.expandDims, tile: tf.tile, slice: tf.slice} as unknown as Record<string, Op>;
for (const [name, op] of Object.entries(chained))
  Object.defineProperty(tf.Tensor.prototype, name, {
    configurable: true,
    value(this: tf.Tensor, ...args: unknown[]) {
      return op(this, ...args);
    }
  });
