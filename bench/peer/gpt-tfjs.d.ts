// What the bench uses of gpt-tfjs 0.0.5 (CommonJS, no types of its own): its model and its gradient clipping.
declare module "gpt-tfjs/src/model.js" {
  import type {Tensor} from "@tinygpt/tf";
  export interface GPTConfig {
    vocabSize: number;
    blockSize: number;
    nLayer: number;
    nHead: number;
    nEmbd: number;
    dropout: number;
    embdDrop: number;
    residDrop: number;
    bias: boolean;
  }
  /** A tf.LayersModel: ids (B, T) → logits (B, T, vocabSize). */
  export interface LayersModel {
    apply(x: Tensor): Tensor;
    countParams(): number;
    dispose(): unknown;
  }
  export function GPT(config: GPTConfig): LayersModel;
}

declare module "gpt-tfjs/src/optimizers.js" {
  import type {NamedTensorMap} from "@tinygpt/tf";
  export function clipByGlobalNormObj(grads: NamedTensorMap, clipNorm: number): NamedTensorMap;
}
