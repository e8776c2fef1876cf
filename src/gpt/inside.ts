// Looking inside a trained model: its attention over a text, the keys and values a KV cache holds after reading it,
// and where the addition model looks while it writes each answer digit. Plain arrays, read back in one transfer.
import * as tf from "@tinygpt/tf";
import {ADDITION_VOCAB, ANSWER_LENGTH, PROMPT_LENGTH} from "./data/addition.js";
import type {SumAnswer} from "./evaluate.js";
import {disposeTrace, forwardTraced} from "./model.js";
import type {Params} from "./params.js";
import {readTensors} from "./readback.js";

export interface Inside {
  ids: number[]; // the positions read: the last blockSize ids
  att: number[][][][]; // [layer][head][query][key]
  k: number[][][][]; // [layer][head][position][headSize]: what a KV cache holds after reading these ids
  v: number[][][][];
}

/** One traced forward pass over the last blockSize ids: every layer's attention, keys and values (batch row 0). */
export async function inside(params: Params, ids: readonly number[]): Promise<Inside> {
  const read = ids.slice(-params.config.blockSize);
  const idx = tf.tensor2d([read], [1, read.length], "int32"); // (1, T)
  const {trace} = forwardTraced(params, idx, {checkIds: false});
  idx.dispose();
  const picked = tf.tidy(() =>
    trace.h.map((layer) => ({
      att: tf.squeeze(layer.att, [0]), // (nh, T, T)
      k: tf.squeeze(layer.k, [0]), // (nh, T, hs)
      v: tf.squeeze(layer.v, [0]) // (nh, T, hs)
    }))
  );
  disposeTrace(trace);
  try {
    const layers = (await readTensors(picked)) as {att: number[][][]; k: number[][][]; v: number[][][]}[];
    return {ids: read, att: layers.map((l) => l.att), k: layers.map((l) => l.k), v: layers.map((l) => l.v)};
  } finally {
    tf.dispose(picked.flatMap(({att, k, v}) => [att, k, v]));
  }
}

export interface AnswerAttention {
  keys: string[]; // the tokens the answer digits can read: the prompt and the digits already written
  maps: number[][][][]; // [layer][head][answer digit, units first][key]
  means: number[][][]; // [layer][answer digit][key]: the mean over the layer's heads
}

/** The element-wise mean of equally shaped matrices. */
const mean = (matrices: number[][][]): number[][] =>
  matrices[0].map((row, i) => row.map((_, j) => matrices.reduce((s, m) => s + m[i][j], 0) / matrices.length));

/**
 * Where the addition model looks while it writes each answer digit: digit k is predicted at position 7 + k (the
 * "=" for the units, then each digit it wrote), so its attention row there says which earlier tokens it reads.
 */
export async function answerAttention(params: Params, sum: SumAnswer): Promise<AnswerAttention> {
  const keys = [...sum.prompt, ...sum.written.slice(0, ANSWER_LENGTH - 1)]; // the 11 tokens the model reads
  const {att} = await inside(
    params,
    keys.map((c) => ADDITION_VOCAB.indexOf(c))
  );
  const rows = Array.from({length: ANSWER_LENGTH}, (_, k) => PROMPT_LENGTH - 1 + k);
  const maps = att.map((layer) => layer.map((head) => rows.map((q) => head[q])));
  return {keys, maps, means: maps.map(mean)};
}
