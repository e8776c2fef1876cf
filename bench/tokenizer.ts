// The tokenizer section of npm run bench (Node only): byte-level BPE trained on tinyshakespeare to 1,024 tokens, its
// encoding speed, and GPT-2's tokenizer beside js-tiktoken's. Figures are medians of a few runs, in wall time and in
// this process's CPU time (which other processes on a shared machine change far less); nothing here is judged.
import {Tiktoken} from "js-tiktoken/lite";
import r50k from "js-tiktoken/ranks/r50k_base";
import {BpeTokenizer, fromTiktoken, trainBpe, type Pattern} from "../src/gpt/tokenizer.js";

export const TOKENIZER_GOALS = {train: "train 1.1 MB to 1,024 tokens < 5 s (Node)", encode: "encode ≥ 1 MB/s"};

export interface TokenizerRow {
  tokenizer: string;
  trainMs: number | null; // median of the runs; null for GPT-2 (its merges are given)
  trainCpuMs: number | null; // the same runs' median CPU time (user + system, all of the process's threads)
  encodeMs: number; // encoding the whole corpus with a tokenizer fresh from its JSON (no cached chunks), median
  encodeCpuMs: number;
  mbPerSecond: number; // corpus megabytes (10^6 bytes) per second of encodeMs
  mbPerCpuSecond: number; // … per second of encodeCpuMs
  tokens: number;
  bytesPerToken: number;
}

export interface TokenizerResult {
  corpus: string;
  bytes: number;
  runs: number;
  rows: TokenizerRow[];
  gpt2BuildMs: number; // fromTiktoken: the ranks turned into 50,000 merges
  gpt2SameIds: boolean; // our GPT-2 ids for the whole corpus are js-tiktoken's
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function timed<T>(fn: () => T): {ms: number; cpuMs: number; value: T} {
  const [start, cpu] = [performance.now(), process.cpuUsage()];
  const value = fn();
  const {user, system} = process.cpuUsage(cpu);
  return {ms: performance.now() - start, cpuMs: (user + system) / 1000, value};
}

/** Encodes text with a fresh copy of the tokenizer each run (fresh: no chunk cache); the median time, and the ids. */
function encodeRow(name: string, make: () => {encode(text: string): number[]}, text: string, runs: number) {
  const bytes = new TextEncoder().encode(text).length;
  const runsOf = Array.from({length: runs}, () => {
    const encoder = make();
    return timed(() => encoder.encode(text));
  });
  const [encodeMs, encodeCpuMs] = [median(runsOf.map((r) => r.ms)), median(runsOf.map((r) => r.cpuMs))];
  const ids = runsOf[0].value;
  const rate = (ms: number) => bytes / 1e6 / (ms / 1000);
  const tokens = ids.length;
  const row = {tokenizer: name, encodeMs, encodeCpuMs, mbPerSecond: rate(encodeMs), mbPerCpuSecond: rate(encodeCpuMs)};
  return {row: {...row, tokens, bytesPerToken: bytes / tokens}, ids};
}

export function tokenizerBench(text: string, corpus: string, {runs = 3, vocabSize = 1024} = {}): TokenizerResult {
  const rows: TokenizerRow[] = [];
  for (const pattern of ["none", "gpt2"] as Pattern[]) {
    const trains = Array.from({length: runs}, () => timed(() => trainBpe(text, {vocabSize, pattern})));
    const json = trains[0].value.toJSON();
    const {row} = encodeRow(`BPE ${vocabSize}, pattern ${pattern}`, () => BpeTokenizer.fromJSON(json), text, runs);
    rows.push({...row, trainMs: median(trains.map((t) => t.ms)), trainCpuMs: median(trains.map((t) => t.cpuMs))});
  }
  const builds = Array.from({length: runs}, () => timed(() => fromTiktoken(r50k)));
  const gpt2 = builds[0].value.toJSON();
  const ours = encodeRow("GPT-2 (ours)", () => BpeTokenizer.fromJSON(gpt2), text, runs);
  const theirs = encodeRow("GPT-2 (js-tiktoken)", () => new Tiktoken(r50k), text, runs);
  rows.push({...ours.row, trainMs: null, trainCpuMs: null}, {...theirs.row, trainMs: null, trainCpuMs: null});
  const gpt2SameIds = ours.ids.length === theirs.ids.length && ours.ids.every((id, i) => id === theirs.ids[i]);
  const bytes = new TextEncoder().encode(text).length;
  return {corpus, bytes, runs, rows, gpt2BuildMs: median(builds.map((b) => b.ms)), gpt2SameIds};
}

export function formatTokenizer(r: TokenizerResult, table: (head: string[], rows: string[][]) => string): string[] {
  return [
    `8 · Tokenizer (Node): ${r.corpus}, ${(r.bytes / 1e6).toFixed(2)} MB; median of ${r.runs} runs`,
    `    goals: ${TOKENIZER_GOALS.train}; ${TOKENIZER_GOALS.encode}`,
    table(
      ["tokenizer", "train s", "cpu s", "encode ms", "cpu ms", "MB/s", "MB/cpu·s", "tokens", "bytes/token"],
      r.rows.map((x) => [
        x.tokenizer,
        x.trainMs === null ? "–" : (x.trainMs / 1000).toFixed(2),
        x.trainCpuMs === null ? "–" : (x.trainCpuMs / 1000).toFixed(2),
        x.encodeMs.toFixed(0),
        x.encodeCpuMs.toFixed(0),
        x.mbPerSecond.toFixed(2),
        x.mbPerCpuSecond.toFixed(2),
        x.tokens.toLocaleString("en-US"),
        x.bytesPerToken.toFixed(2)
      ])
    ),
    `    encode: the whole corpus, with a tokenizer fresh from its JSON (no chunk cache yet); GPT-2's 50,000 merges are`,
    `    recovered from js-tiktoken's r50k_base ranks in ${r.gpt2BuildMs.toFixed(0)} ms (not in the encode time);`,
    `    GPT-2's ids for the whole corpus ${r.gpt2SameIds ? "are" : "are NOT"} js-tiktoken's`
  ];
}
