// Which model chapter 8 trains: a preset shape, or the reader's own model from chapters 1–7; the vocabulary and the
// window always come from the data.
import {makeConfig, type GPTConfig} from "../../gpt/config.js";
import {EXAMPLE_LENGTH} from "../../gpt/data/addition.js";
import {PRESETS} from "../../gpt/presets.js";
import {localStore} from "../page/localStore.js";
import {loadModel, STORAGE_KEY} from "../reader/modelStorage.js";
import type {TrainData} from "./trainData.js";

type Shape = Pick<GPTConfig, "nLayer" | "nHead" | "nEmbd" | "dFF" | "blockSize"> & Partial<GPTConfig>;

const NO_BIAS = {qkvBias: false, projBias: false, mlpBias: false, lnBias: false};
const {nLayer, nHead, nEmbd, dFF} = PRESETS.addition;

/** The models this page trains, by the name the reader picks; blockSize is the longest window on text. */
const MODELS: Readonly<Record<string, Shape | null>> = Object.freeze({
  "tiny · 1 layer × 32": {nLayer: 1, nHead: 2, nEmbd: 32, dFF: 128, blockSize: 32},
  "small · 2 layers × 64": {nLayer: 2, nHead: 4, nEmbd: 64, dFF: 256, blockSize: 64},
  "addition · 4 layers × 64": {nLayer, nHead, nEmbd, dFF, blockSize: 64},
  "shakespeare · 4 layers × 128": {nLayer: 4, nHead: 4, nEmbd: 128, dFF: 512, blockSize: 64, ...NO_BIAS},
  "yours, from chapters 1–7": null
});
export const MODEL_CHOICES = Object.keys(MODELS);
export const DEFAULT_MODEL_CHOICE = MODEL_CHOICES[2];

/** The shape (layers, heads, widths, blockSize) of a model choice; "yours" is the reader's model as they left it. */
export function modelShape(choice: string): Shape {
  const shape = MODELS[choice];
  if (shape === undefined) throw new Error(`unknown model ${JSON.stringify(choice)}`);
  if (shape) return shape;
  const reader = loadModel(location.search, localStore()?.getItem(STORAGE_KEY) ?? null).model;
  const {nLayer, nHead, nEmbd, dFF, blockSize, positional, activation, norm} = reader;
  return {nLayer, nHead, nEmbd, dFF, blockSize, positional, activation, norm};
}

/** The config to train on some data: the vocabulary and window come from the data (addition: 12 positions). */
export function trainConfig(shape: Shape, data: TrainData, dropout: number): GPTConfig {
  const {nLayer, nHead, nEmbd, dFF, positional, activation, norm, qkvBias, projBias, mlpBias, lnBias} = shape;
  const given = {positional, activation, norm, qkvBias, projBias, mlpBias, lnBias};
  const extra = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
  const blockSize = data.addition ? EXAMPLE_LENGTH : data.T;
  return makeConfig({vocabSize: data.vocab.length, blockSize, nLayer, nHead, nEmbd, dFF, dropout, ...extra});
}
