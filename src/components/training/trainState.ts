// What chapter 8's views show of its training: plain arrays, appended to as the steps come in.
import type {Progress} from "../../gpt/session.js";
import type {TrainData} from "./trainData.js";

export type Status = "ready" | "running" | "paused" | "stopped" | "finished" | "failed";

export interface Point {
  step: number;
  value: number;
}

export interface AccuracyPoint {
  step: number;
  exact: number; // fraction of held-out sums with every digit right
  digits: number[]; // fraction right per answer digit, units first
}

/** What the model wrote at a step: sums with their verdicts, or a prompt and its continuation. */
export interface Sample {
  step: number;
  lines: {text: string; prompt?: string; ok?: boolean}[];
}

export interface Speed {
  stepsPerSecond: number; // over the run so far, evaluations and samples included, pauses not
  tokensPerSecond: number; // training throughput alone
  etaSeconds: number | null;
}

export interface TrainState {
  status: Status;
  step: number; // updates applied to the model
  steps: number; // the run's target
  message: string | null;
  origin: string; // where the weights came from
  lnV: number; // the loss of a uniform guess
  train: Point[]; // training loss per step (each on its own batch)
  val: Point[]; // validation loss at each evaluation
  lr: Point[];
  gradNorm: Point[];
  accuracy: AccuracyPoint[]; // addition only
  samples: Sample[];
  speed: Speed | null;
  memory: {step: number; numTensors: number}[]; // tensors alive after each evaluation: flat when nothing leaks
  probe: number | null; // loss on one fixed validation batch, after a run or a load
}

export function emptyState(data: TrainData, origin: string): TrainState {
  return {
    ...{status: "ready", step: 0, steps: 0, message: null, origin, lnV: Math.log(data.vocab.length)},
    ...{train: [], val: [], lr: [], gradNorm: [], accuracy: [], samples: [], speed: null, memory: [], probe: null}
  };
}

/** The state's series with one more Progress of the loop. */
export function record(state: TrainState, p: Progress, speed: Speed): Partial<TrainState> {
  const fields: Partial<TrainState> = {step: p.step, speed};
  if (p.loss !== null) fields.train = [...state.train, {step: p.step, value: p.loss}];
  if (p.gradNorm !== null) fields.gradNorm = [...state.gradNorm, {step: p.step, value: p.gradNorm}];
  if (p.loss !== null) fields.lr = [...state.lr, {step: p.step, value: p.lr}];
  if (p.valLoss !== null) fields.val = [...state.val, {step: p.step, value: p.valLoss}];
  return fields;
}

/** A run's speed at a Progress: updates since the first over the seconds it has been training, and the time left. */
export function speed(p: Progress, first: number, seconds: number): Speed {
  const stepsPerSecond = seconds > 0 ? (p.step - first) / seconds : 0;
  const etaSeconds = stepsPerSecond > 0 ? (p.steps - p.step) / stepsPerSecond : null;
  return {stepsPerSecond, tokensPerSecond: p.tokensPerSecond, etaSeconds};
}

/** The status and message a run's last Progress leaves. */
export function finished(p: Progress): Partial<TrainState> {
  const {reason, message} = p.done!;
  const status = reason === "finished" ? "finished" : reason === "stopped" ? "stopped" : "failed";
  if (reason === "nonfinite") return {status, message: `The loss blew up: ${message}. Try a lower learning rate.`};
  return {status, message: `${reason === "finished" ? "Finished" : "Stopped"} at step ${p.step}.`};
}

/** The state's series cut back to a step (the model was restored from a copy taken there). */
export function upTo(state: TrainState, step: number): Partial<TrainState> {
  const keep = <T extends {step: number}>(xs: T[]) => xs.filter((x) => x.step <= step);
  const {train, val, lr, gradNorm, accuracy, samples, memory} = state;
  return {
    ...{train: keep(train), val: keep(val), lr: keep(lr), gradNorm: keep(gradNorm)},
    ...{accuracy: keep(accuracy), samples: keep(samples), memory: keep(memory)}
  };
}
