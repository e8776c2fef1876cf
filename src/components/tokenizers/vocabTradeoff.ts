// Chapter 10's trade-off: as BPE learns merges on a corpus, bytes per token rise and the model's token table and head
// grow. One training run gives every vocabulary size at once (the sequence length after each merge).
import {makeConfig, type GPTConfig} from "../../gpt/config.js";
import {countParams} from "../../gpt/count.js";
import {CORPORA, fables} from "../../gpt/data/corpora.js";
import {BYTES, trainBpe, type Pattern} from "../../gpt/tokenizer.js";

export const TRADEOFF_CORPORA = ["your sample text", "toy sentences", "fables (110 KB)"] as const;
export type TradeoffCorpus = (typeof TRADEOFF_CORPORA)[number];

export const corpusText = (choice: TradeoffCorpus, sample: string): string =>
  choice === "your sample text" ? sample : choice === "toy sentences" ? CORPORA.toy() : fables(0, 200);

export interface VocabRow {
  vocabSize: number;
  tokens: number;
  bytesPerToken: number;
  /** The token embedding and the head: the parameters that grow with the vocabulary (a tied head adds none). */
  vocabParams: number;
  /** Every other parameter of the model. */
  otherParams: number;
}

/** One row per vocabulary size from 256 (bytes alone) to maxVocab (or as far as the corpus has pairs). */
export function vocabTradeoff(text: string, pattern: Pattern, config: GPTConfig, maxVocab = 1024): VocabRow[] {
  const bytes = new TextEncoder().encode(text).length;
  const lengths = [bytes];
  trainBpe(text, {vocabSize: maxVocab, pattern, allowFewer: true, onMerge: ({tokens}) => lengths.push(tokens)});
  return lengths.map((tokens, merges) => {
    const vocabSize = BYTES + merges;
    const {total, breakdown} = countParams(makeConfig({...config, vocabSize}));
    const vocabParams = breakdown.tokenEmbedding + breakdown.head;
    return {vocabSize, tokens, bytesPerToken: bytes / tokens, vocabParams, otherParams: total - vocabParams};
  });
}
