// Looking inside chapter 9's model (gpt/inside.ts) while the page's cells hold it: its tokens named by its vocabulary,
// the addition model's answer digits named by their column.
import {answerAttention as readAnswerAttention, inside as readInside, type Inside} from "../../gpt/inside.js";
import type {SumAnswer} from "../../gpt/evaluate.js";
import type {TrainedModel} from "../checkpoints/trainedModels.js";

/** One traced forward pass over the last blockSize ids, with the tokens read. */
export function inside(model: TrainedModel, ids: readonly number[]): Promise<Inside & {tokens: string[]}> {
  return model.use(async ({params, tokenizer}) => {
    const found = await readInside(params, ids);
    return {...found, tokens: found.ids.map((id) => tokenizer.vocab[id])};
  });
}

const DIGIT_LABELS = ["→ units", "→ tens", "→ hundreds", "→ thousands"];

/** Where the addition model looks while it writes each answer digit; one row label per digit. */
export function answerAttention(model: TrainedModel, sum: SumAnswer) {
  return model.use(async ({params}) => ({...(await readAnswerAttention(params, sum)), queries: DIGIT_LABELS}));
}
