// Looking inside a trained adapter: one adapted weight W, its change ΔW = (α/r)·A·B as plain arrays, and the
// singular values of both (ΔW has at most r that are not zero; W, a full-rank matrix, has as many as its size).
import {deltaWeight, type Adapter} from "../../gpt/lora.js";
import {toMatrix} from "../../gpt/readback.js";
import {singularValues} from "../../gpt/singular.js";
import type {SideBySide} from "./sideBySide.js";

export interface Inside {
  name: string; // transformer.h.0.attn.c_attn
  r: number;
  w: number[][]; // (in, out), as stored here: PyTorch's W is its transpose
  delta: number[][]; // (in, out)
  wValues: number[]; // singular values of W, largest first
  deltaValues: number[]; // of ΔW
}

/** The adapted weights' names, for a picker. */
export const moduleNames = (adapter: Adapter): string[] => adapter.modules.map(({name}) => name);

/** W, ΔW and their singular values, for the run's adapted weight called name (the first when there is none). */
export const insideRun = (run: SideBySide, name: string | undefined): Promise<Inside> =>
  run.use(() => inside(run.adapter, name));

async function inside(adapter: Adapter, name: string | undefined): Promise<Inside> {
  const module = adapter.modules.find((m) => m.name === name) ?? adapter.modules[0];
  const change = deltaWeight(module.lora);
  const [w, delta] = await Promise.all([toMatrix(module.linear.weight), toMatrix(change)]);
  change.dispose();
  const {r} = adapter.config;
  return {name: module.name, r, w, delta, wValues: singularValues(w), deltaValues: singularValues(delta)};
}
