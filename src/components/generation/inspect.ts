// Looking inside a trained model: its attention over a prompt, the keys and values a KV cache would hold, and
// which prompt digits the addition model reads while it writes each answer digit.
import * as tf from "@tinygpt/tf";
import {PROMPT_LENGTH, ANSWER_LENGTH} from "../../gpt/data/addition.js";
import {disposeTrace, forwardTraced} from "../../gpt/model.js";
import {readTensors} from "../../gpt/readback.js";
import type {TrainedModel} from "./generationModels.js";
import type {SumAnswer} from "../../gpt/evaluate.js";

export interface Inside {
  ids: number[]; // the positions read: the last blockSize ids
  tokens: string[];
  att: number[][][][]; // [layer][head][query][key]
  k: number[][][][]; // [layer][head][position][headSize]: what a KV cache holds after reading these ids
  v: number[][][][];
}

/** One traced forward pass over the last blockSize ids: every layer's attention, keys and values (batch row 0). */
export async function inside(model: TrainedModel, ids: readonly number[]): Promise<Inside> {
  return model.use(async ({params, config, tokenizer}) => {
    const read = ids.slice(-config.blockSize);
    const idx = tf.tensor2d([read], [1, read.length], "int32");
    const {trace} = forwardTraced(params, idx, {checkIds: false});
    idx.dispose();
    const picked = tf.tidy(() =>
      trace.h.map((layer) => ({
        att: tf.squeeze(layer.att, [0]), // (nh, T, T)
        k: tf.squeeze(layer.k, [0]), // (nh, T, hs)
        v: tf.squeeze(layer.v, [0])
      }))
    );
    disposeTrace(trace);
    try {
      const layers = (await readTensors(picked)) as {att: number[][][]; k: number[][][]; v: number[][][]}[];
      const tokens = read.map((id) => tokenizer.vocab[id]);
      return {ids: read, tokens, att: layers.map((l) => l.att), k: layers.map((l) => l.k), v: layers.map((l) => l.v)};
    } finally {
      tf.dispose(picked.flatMap(({att, k, v}) => [att, k, v]));
    }
  });
}

export interface AnswerAttention {
  keys: string[]; // the tokens the answer digits can read: the prompt and the digits already written
  queries: string[]; // one label per answer digit
  maps: number[][][][]; // [layer][head][answer digit][key]
}

const DIGIT_LABELS = ["→ units", "→ tens", "→ hundreds", "→ thousands"];

/**
 * Where the addition model looks while it writes each answer digit: digit k is predicted at position 7 + k (the
 * "=" for the units, then each digit it wrote), so its attention row there says which earlier tokens it reads.
 */
export async function answerAttention(model: TrainedModel, sum: SumAnswer): Promise<AnswerAttention> {
  const text = sum.prompt + sum.written.slice(0, ANSWER_LENGTH - 1); // the 11 tokens the model reads
  const {att, tokens} = await inside(model, model.tokenizer.encode(text));
  const rows = Array.from({length: ANSWER_LENGTH}, (_, k) => PROMPT_LENGTH - 1 + k);
  const maps = att.map((layer) => layer.map((head) => rows.map((q) => head[q])));
  return {keys: tokens, queries: DIGIT_LABELS, maps};
}
