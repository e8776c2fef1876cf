// The parameter count of a config, from the formula alone: no tensors are made.
import type {GPTConfig} from "./config.js";

/** Parameters of one transformer block, by sublayer. */
export interface BlockCount {
  attention: number; // c_attn + c_proj, weights and biases
  mlp: number; // c_fc + c_proj, weights and biases
  layerNorms: number; // ln_1 + ln_2
  total: number;
}

export interface ParamCount {
  /** Every trainable number; a tied head is counted once (as the token embedding). */
  total: number;
  /** total minus the learned position table (nanoGPT's get_num_params() convention). */
  excludingPositions: number;
  /** The six components sum to total; perBlock is one block's share of attention, mlp and layerNorms. */
  breakdown: {
    tokenEmbedding: number; // wte: vocabSize × nEmbd
    positionEmbedding: number; // wpe: blockSize × nEmbd; 0 when sinusoidal
    attention: number; // all blocks
    mlp: number; // all blocks
    layerNorms: number; // ln_1 and ln_2 of all blocks, plus ln_f
    head: number; // lm_head weight and bias; 0 when tied
    perBlock: BlockCount;
  };
}

/** The parameter count of a config, from the formula alone (no tensors are made). */
export function countParams(config: GPTConfig): ParamCount {
  const {vocabSize: V, blockSize: T, nEmbd: C, dFF, nLayer} = config;
  const b = (on: boolean, n: number) => (on ? n : 0);
  const layerNorm = C + b(config.lnBias, C);
  const attention = C * 3 * C + b(config.qkvBias, 3 * C) + C * C + b(config.projBias, C);
  const mlp = C * dFF + dFF * C + b(config.mlpBias, dFF + C);
  const perBlock = {attention, mlp, layerNorms: 2 * layerNorm, total: attention + mlp + 2 * layerNorm};
  const breakdown = {
    tokenEmbedding: V * C,
    positionEmbedding: config.positional === "learned" ? T * C : 0,
    attention: nLayer * attention,
    mlp: nLayer * mlp,
    layerNorms: nLayer * 2 * layerNorm + b(config.finalNorm, layerNorm),
    head: config.tieWeights ? 0 : C * V + b(config.headBias, V),
    perBlock
  };
  const {tokenEmbedding, positionEmbedding, head} = breakdown;
  const total = tokenEmbedding + positionEmbedding + breakdown.attention + breakdown.mlp + breakdown.layerNorms + head;
  return {total, excludingPositions: total - positionEmbedding, breakdown};
}
