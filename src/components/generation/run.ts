// Chapter 9's generation as it streams: the library's sampler (or beam search) runs in the background and each new
// token is announced at once; the per-token detail (the distribution, what each rule kept) is built only for the
// token the reader picks, from the logits kept for it.
import {beamSearch, type Hypothesis} from "../../gpt/beam.js";
import {distribution, type Distribution} from "../../gpt/distribution.js";
import {timeDecoding} from "../../gpt/kvcache.js";
import {sample} from "../../gpt/sample.js";
import type {TrainedModel} from "../checkpoints/trainedModels.js";
import {expose} from "../page/testHooks.js";
import type {GenSettings} from "./generation.js";

declare module "../page/testHooks.js" {
  interface TestHooks {
    generation?: {runs: number; text: string; settings: GenSettings; firstMs: number; ms: number};
    /** Raw cached greedy decoding of n tokens after the last run's prompt, timed in ms (for the bench). */
    rawDecoding?: (newTokens: number) => Promise<number>;
  }
}

let runs = 0; // finished generations, for window.__tinygpt.generation

/** One candidate next token at a step: its probability before and after each rule. */
export interface TokenRow {
  id: number;
  token: string;
  p: number; // the model's probability
  scaled: number; // after the temperature
  keptK: boolean | null; // null: top-k off
  keptP: boolean | null; // null: top-p off
  final: number; // what the draw used (0: dropped)
  chosen: boolean;
}

/** What is kept of each generated token while streaming: enough to rebuild its detail on request. */
interface Written {
  id: number;
  window: [number, number]; // the positions [start, end) the model read for this token
  ran: number; // positions run through the model: 1 when the KV cache held the rest
  cached: number; // positions in the cache after this step
  logits: Float32Array; // the model's logits for this token (vocabSize)
}

/** One generated token in full, built for the token the reader picks. */
export interface GenStep {
  index: number; // 0 for the first new token
  id: number;
  context: number[]; // every id before this token: the prompt and the tokens written before it
  rows: TokenRow[]; // the model's top candidates (and the chosen token, if it was not among them)
  kept: number; // how many tokens could be drawn
  window: [number, number];
  ran: number;
  cached: number;
}

export interface Beam {
  ids: number[];
  score: number;
}

/** A run as the views show it, announced after every token. */
export interface GenState {
  prompt: readonly number[];
  generated: readonly number[];
  beams: readonly Beam[] | null; // beam search's hypotheses, best first
  done: boolean; // every token written
  stopped: boolean; // stopped before the end: the settings changed, or the model was replaced
  error: string | null;
  ms: number; // since the run started
  firstMs: number | null; // the first token's time
}

/** Whether a run in this state is over: every token written, stopped, or failed. */
export const ended = (s: GenState): boolean => s.done || s.stopped || s.error !== null;

/** Per token, positions run with the cache and the whole window read (what running without it costs). */
export interface RunCost {
  index: number;
  ran: number;
  read: number;
}

const rules = (s: GenSettings) =>
  s.method === "greedy"
    ? {greedy: true}
    : {temperature: s.temperature, topK: s.topK > 0 ? s.topK : undefined, topP: s.topP < 1 ? s.topP : undefined};

function rows(dist: Distribution, chosen: number, vocab: readonly string[], n = 10): TokenRow[] {
  const top = dist.probs
    .map((p, id) => ({p, id}))
    .sort((a, b) => b.p - a.p || a.id - b.id)
    .slice(0, n);
  if (!top.some((t) => t.id === chosen)) top.push({p: dist.probs[chosen], id: chosen});
  return top.map(({id, p}) => ({
    ...{id, token: vocab[id], p, scaled: dist.scaled[id], final: dist.final[id], chosen: id === chosen},
    keptK: dist.topK ? dist.topK.includes(id) : null,
    keptP: dist.topP ? dist.topP.includes(id) : null
  }));
}

/** Beam search's hypotheses the answer is chosen from (finished and live, or only finished once width ended), best first. */
function ranked(beams: readonly Hypothesis[], finished: readonly Hypothesis[], width: number): Beam[] {
  const pool = finished.length >= width ? finished : [...finished, ...beams];
  return pool.map((h) => ({ids: h.tokens, score: h.score})).sort((a, b) => b.score - a.score);
}

/** After the next frame is painted (so a new token is on screen before its detail is worked out), or 100 ms. */
const shown = () =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, 100);
    if (typeof requestAnimationFrame !== "undefined") requestAnimationFrame(() => setTimeout(resolve, 0));
  });

/** Hears the state after every token; a promise it returns holds the next token back until it settles (a paint). */
export type Listener = (state: GenState) => Promise<void> | void;

/**
 * Generation from a prompt, started at once. Listeners hear the state after every token (synchronously: a view
 * batches them per frame, and may hold the run back until the frame is painted, since a decoding loop that keeps the
 * page busy starves its rendering); stop() ends it before the next token. The run holds the model while it decodes.
 */
export class GenerationRun {
  private readonly written: Written[] = [];
  private readonly listeners = new Set<Listener>();
  private readonly stopper = new AbortController();
  private waiting: (() => void)[] = [];
  private current: GenState;
  /** The state once the run ends (finished, stopped or failed); it never rejects. */
  readonly finished: Promise<GenState>;

  constructor(
    readonly model: TrainedModel,
    readonly prompt: readonly number[],
    readonly settings: GenSettings
  ) {
    this.current = {prompt, generated: [], beams: null, done: false, stopped: false, error: null, ms: 0, firstMs: null};
    this.finished = this.decode();
    const {params} = model;
    expose("rawDecoding", (n) => model.use(async () => (await timeDecoding(params, [...prompt], n)).ms));
  }

  get state(): GenState {
    return this.current;
  }

  /** Ends the run before its next token. */
  stop(): void {
    this.stopper.abort();
  }

  /** Whether the run was told to stop (by stop(), or the model being replaced): a newer run may be under way. */
  get stopping(): boolean {
    return this.stopper.signal.aborted;
  }

  /** Calls listener with the state now and after every change; returns the unsubscribe function. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    void listener(this.current);
    return () => this.listeners.delete(listener);
  }

  /** Per token, the positions run with the cache and read without it. */
  costs(): RunCost[] {
    return this.written.map((w, index) => ({index, ran: w.ran, read: w.window[1] - w.window[0]}));
  }

  /**
   * Token `at` (1-based) in full, once it is written; the last one if the run ends with fewer; null when the run
   * wrote none (or searched beams, which draw from no single distribution).
   */
  async step(at: number): Promise<GenStep | null> {
    while (this.written.length < at && !ended(this.current)) await new Promise<void>((wake) => this.waiting.push(wake));
    await shown();
    const index = Math.min(at, this.written.length) - 1;
    if (index < 0) return null;
    const w = this.written[index];
    const dist = distribution(w.logits, rules(this.settings));
    const context = [...this.prompt, ...this.current.generated.slice(0, index)];
    const {window, ran, cached, id} = w;
    return {
      index,
      id,
      context,
      rows: rows(dist, id, this.model.tokenizer.vocab),
      kept: dist.kept.length,
      window,
      ran,
      cached
    };
  }

  /** Tells the listeners and wakes step(); resolves once every listener lets the run go on. */
  private announce(change: Partial<GenState>, t0: number): Promise<unknown> | null {
    this.current = {...this.current, ...change, ms: performance.now() - t0};
    const held = [...this.listeners].map((listener) => listener(this.current)).filter((p) => p !== undefined);
    const woken = this.waiting;
    this.waiting = [];
    for (const wake of woken) wake();
    return held.length ? Promise.all(held) : null;
  }

  private async decode(): Promise<GenState> {
    const t0 = performance.now();
    const {model, settings: s} = this;
    const stop = () => this.stopper.abort();
    model.signal.addEventListener("abort", stop);
    try {
      model.acquire();
      try {
        if (s.method === "beam search") await this.search(t0);
        else await this.draw(t0);
      } finally {
        model.release();
      }
      if (this.stopper.signal.aborted) this.announce({stopped: true}, t0);
      else {
        this.announce({done: true}, t0);
        const {generated, firstMs, ms} = this.current;
        const text = model.tokenizer.decode([...generated]);
        expose("generation", {runs: ++runs, text, settings: {...s}, firstMs: firstMs ?? ms, ms});
      }
    } catch (error) {
      this.announce({error: (error as Error).message}, t0);
    } finally {
      model.signal.removeEventListener("abort", stop);
    }
    return this.current;
  }

  private async draw(t0: number): Promise<void> {
    const {model, prompt, settings: s} = this;
    const T = model.config.blockSize;
    const signal = this.stopper.signal;
    const options = {...rules(s), maxNewTokens: s.maxNewTokens, seed: s.seed, kvCache: s.kvCache, signal, topN: 1};
    for await (const step of sample(model.params, prompt, options)) {
      const n = prompt.length + step.index; // tokens read for this step
      const {token: id, ran, logits} = step;
      this.written.push({id, window: [Math.max(0, n - T), n], ran, cached: step.cache?.length ?? 0, logits});
      const firstMs = this.current.firstMs ?? performance.now() - t0;
      await this.announce({generated: [...this.current.generated, id], firstMs}, t0);
    }
  }

  private async search(t0: number): Promise<void> {
    const {model, prompt, settings: s} = this;
    const {signal} = this.stopper;
    const search = beamSearch(model.params, prompt, {
      width: s.beam,
      maxNewTokens: s.maxNewTokens,
      kvCache: s.kvCache,
      signal
    });
    for (let r = await search.next(); !r.done; r = await search.next()) {
      const beams = ranked(r.value.beams, r.value.finished, s.beam);
      const firstMs = this.current.firstMs ?? performance.now() - t0;
      await this.announce({beams, generated: beams[0]?.ids ?? [], firstMs}, t0);
    }
  }
}
