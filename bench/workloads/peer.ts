// The peer: gpt-tfjs 0.0.5's training step and ours on one config (the baby model at batch 16), on one engine and one
// backend, each kept alive between calls so that bench/sections/peer.ts can interleave their steps. Only the peer's
// bundles import this module (bench/peer/): gpt-tfjs needs '@tensorflow/tfjs' mapped onto the course's TF.js.
import * as tf from "@tinygpt/tf";
import {GPT} from "gpt-tfjs/src/model.js";
import {clipByGlobalNormObj} from "gpt-tfjs/src/optimizers.js";
import {initParams} from "../../src/gpt/params.js";
import {TrainingSession} from "../../src/gpt/session.js";
import {BABY, PEER_BATCH, benchSettings, dataFor, now} from "./common.js";

export type Impl = "ours" | "gpt-tfjs";

interface Trainer {
  step(): Promise<number>; // the loss, read back
  dispose(): void;
}

/** Ours: TrainingSession.step() (forward, loss, backward, clipping to 1.0, the NaN guard, AdamW). */
function ours(): Trainer {
  const data = dataFor("baby");
  const session = new TrainingSession({
    params: initParams(BABY, 0),
    data,
    settings: benchSettings(PEER_BATCH),
    seed: 0
  });
  return {step: async () => (await session.step()).loss, dispose: () => session.dispose()};
}

/** gpt-tfjs's step as its train() takes it: its GPT, softmax cross-entropy, Adam at 6e-4, clipping to norm 1.0. */
function gptTfjs(): Trainer {
  const {vocabSize, blockSize, nLayer, nHead, nEmbd} = BABY;
  const model = GPT({vocabSize, blockSize, nLayer, nHead, nEmbd, dropout: 0, embdDrop: 0, residDrop: 0, bias: false});
  const optimizer: tf.Optimizer = tf.train.adam(6e-4);
  const data = dataFor("baby");
  let index = 0;
  return {
    async step() {
      const {x, y, B, T} = data.batch("train", index++, PEER_BATCH);
      const ids = tf.tensor2d(x, [B, T], "int32"); // (B, T)
      const targets = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor2d(y, [B, T], "int32"), vocabSize), "float32")); // (B, T, V)
      let loss: tf.Scalar | null = null;
      try {
        tf.tidy(() => {
          const {grads} = optimizer.computeGradients(() => {
            loss = tf.keep(tf.losses.softmaxCrossEntropy(targets, model.apply(ids)));
            return loss;
          });
          optimizer.applyGradients(clipByGlobalNormObj(grads, 1));
        });
        return (await (loss as tf.Scalar | null)!.data())[0];
      } finally {
        tf.dispose([ids, targets, ...(loss ? [loss] : [])]);
      }
    },
    dispose() {
      model.dispose();
      optimizer.dispose();
    }
  };
}

const running = new Map<Impl, Trainer>();

export interface PeerStart {
  firstStepMs: number;
  error: string | null; // the first step's error: this implementation cannot train here
}

/** Makes impl's model and runs its first step (timed: it compiles shaders, sizes buffers). */
export async function peerStart(impl: Impl): Promise<PeerStart> {
  let trainer: Trainer | null = null;
  try {
    trainer = impl === "ours" ? ours() : gptTfjs();
    const t0 = now();
    await trainer.step();
    running.set(impl, trainer);
    return {firstStepMs: now() - t0, error: null};
  } catch (error) {
    trainer?.dispose();
    return {firstStepMs: NaN, error: String((error as Error).message ?? error)};
  }
}

/** One more step of impl, synced on its loss; tensorsGrowth: the tensors it left behind (0: none). */
export async function peerStep(impl: Impl): Promise<{ms: number; loss: number; tensorsGrowth: number}> {
  const before = tf.memory().numTensors;
  const t0 = now();
  const loss = await running.get(impl)!.step();
  return {ms: now() - t0, loss, tensorsGrowth: tf.memory().numTensors - before};
}

/** Frees impl's model. */
export function peerStop(impl: Impl): void {
  running.get(impl)?.dispose();
  running.delete(impl);
}
