// The tokenizer section: BPE training and encoding, in Node.
import {existsSync, readFileSync} from "node:fs";
import type {BenchContext} from "../context.js";
import {tokenizerBench} from "../tokenizer.js";

/** BPE training and encoding on --tokenizer-corpus (tinyshakespeare: shared data, never in the repository). */
export function tokenizerSection(ctx: BenchContext): void {
  if (!existsSync(ctx.args.tokenizerCorpus)) {
    ctx.results.skipped.push({where: "tokenizer", reason: `no corpus at ${ctx.args.tokenizerCorpus}`});
    ctx.log(`tokenizer: skipped (no ${ctx.args.tokenizerCorpus}; --tokenizer-corpus=FILE names another)`);
    return;
  }
  ctx.log(`tokenizer: BPE on ${ctx.args.tokenizerCorpus}`);
  try {
    ctx.results.tokenizer = tokenizerBench(readFileSync(ctx.args.tokenizerCorpus, "utf-8"), ctx.args.tokenizerCorpus);
  } catch (error) {
    ctx.results.failures.push({where: "tokenizer", error: (error as Error).message});
  }
}
