import {visible} from "./tokenStrip.js";

/** What a streaming generation has written so far, as the view shows it. */
export interface StreamState {
  generated: readonly string[]; // the tokens written, as text
  total: number; // how many were asked for
  done: boolean;
  stopped: boolean;
  error: string | null;
  ms: number;
  beams: readonly {text: string; score: number}[] | null; // beam search's hypotheses, best first
}

export type StreamView = HTMLElement & {
  /** Shows the state: appends the tokens not shown yet (the ones shown never change) and rewrites the status. */
  update(state: StreamState): void;
  /** Underlines the window [start, end) the model read and boxes generated token `at` (0-based); null clears. */
  select(window: readonly [number, number] | null, at: number | null): void;
};

export interface StreamOptions {
  /** Called with a generated token's index (0-based) when the reader clicks it or moves to it with the keys. */
  onPick?: (index: number) => void;
  name?: string;
  /** The height (px) to keep while the text streams (the last run's): a new run does not move the page below it. */
  reserve?: number;
}

/**
 * A prompt and what the model writes after it, growing as tokens arrive: a status line ([data-name=status], with
 * data-done), the text ([data-name=text]: the prompt in grey, the model's tokens in ink, a clicked token picked), and
 * beam search's hypotheses with their scores ([data-name=beams]). Text goes in as text, never as HTML.
 * The text takes the keyboard's focus: the arrow keys move the pick a token at a time, Home and End to the first and
 * the last generated token; while it has focus the picked token is announced ([data-name=picked]).
 */
export function streamText(prompt: readonly string[], options: StreamOptions = {}): StreamView {
  const root = document.createElement("div") as unknown as StreamView;
  root.className = "tg-stream";
  if (options.name) root.dataset.name = options.name;
  const status = document.createElement("p");
  status.className = "tg-note";
  status.dataset.name = "status";
  status.setAttribute("aria-live", "polite");
  const text = document.createElement("div");
  text.className = "tg-generated";
  text.dataset.name = "text";
  text.dataset.prompt = String(prompt.length);
  text.dataset.generated = "0";
  text.tabIndex = 0;
  text.setAttribute("role", "group");
  text.setAttribute("aria-label", "generated text: the arrow keys, Home and End pick a token");
  const announced = document.createElement("p");
  announced.className = "tg-offscreen";
  announced.dataset.name = "picked";
  const beams = document.createElement("ol");
  beams.className = "tg-beams";
  beams.dataset.name = "beams";
  beams.hidden = true;
  root.append(status, text, announced, beams);
  const spans: HTMLSpanElement[] = prompt.map((token) => span(token, "tg-gen-prompt"));
  text.append(...spans);
  let shownBeams = "";
  let picked: number | null = null; // the generated token boxed, 0-based
  let reserved = options.reserve ?? 0;
  if (reserved > 0) root.style.minHeight = `${reserved}px`;

  root.update = (state) => {
    const {generated} = state;
    // Sampled tokens only ever grow; beam search's best hypothesis may change anywhere, so keep the shared prefix.
    let keep = Math.min(spans.length - prompt.length, generated.length);
    if (state.beams) {
      const same = (i: number) => spans[prompt.length + i].dataset.token === generated[i];
      for (let i = 0; i < keep; i++) if (!same(i)) keep = i;
    }
    for (const s of spans.splice(prompt.length + keep)) s.remove();
    const added = generated.slice(keep).map((token, k) => {
      const s = span(token, "tg-gen-new");
      s.dataset.index = String(keep + k);
      return s;
    });
    spans.push(...added);
    text.append(...added);
    text.dataset.generated = String(generated.length);
    status.dataset.done = String(state.done);
    status.setAttribute("aria-busy", String(!(state.done || state.stopped || state.error))); // announced once, at the end
    status.textContent = describe(state);
    status.classList.toggle("tg-refused", state.error !== null);
    if (state.beams) showBeams(state.beams);
    if (picked !== null && !announced.textContent) announce();
    const streaming = !(state.done || state.stopped || state.error !== null);
    root.classList.toggle("tg-streaming", streaming);
    if (streaming) reserve();
    else root.style.minHeight = "";
  };

  /** While the text streams, the view grows four lines at a time, so the page below it moves less often. */
  function reserve(): void {
    const shown = [status, text, beams].filter((e) => !e.hidden);
    const used = Math.max(...shown.map((e) => e.getBoundingClientRect().bottom)) - root.getBoundingClientRect().top;
    if (used <= reserved) return;
    reserved = used + 4 * (parseFloat(getComputedStyle(text).lineHeight) || 21);
    root.style.minHeight = `${reserved}px`;
  }

  function showBeams(list: readonly {text: string; score: number}[]): void {
    const key = list.map((b) => `${b.score}:${b.text}`).join("\n");
    if (key === shownBeams) return;
    shownBeams = key;
    beams.hidden = false;
    beams.replaceChildren(
      ...list.map((beam) => {
        const item = document.createElement("li");
        item.dataset.score = String(beam.score);
        const line = document.createElement("span");
        line.className = "tg-gen-new";
        line.textContent = beam.text;
        const score = document.createElement("small");
        score.textContent = `  score ${beam.score.toFixed(3)} (p per token ≈ ${Math.exp(beam.score).toFixed(2)})`;
        item.append(line, score);
        return item;
      })
    );
  }

  root.select = (window, at) => {
    picked = at;
    spans.forEach((s, t) => {
      s.classList.toggle("tg-gen-window", window !== null && t >= window[0] && t < window[1]);
      s.classList.toggle("tg-gen-at", at !== null && t === prompt.length + at);
    });
    announce();
  };
  /** Says which token is picked, once it is shown (a pick may come before the frame that draws its token). */
  function announce(): void {
    const token = picked === null ? undefined : spans[prompt.length + picked]?.dataset.token;
    announced.textContent = token === undefined ? "" : `token ${picked! + 1}: “${visible(token)}”`;
  }

  const keys: Record<string, (at: number, last: number) => number> = {
    ArrowRight: (at) => at + 1,
    ArrowDown: (at) => at + 1,
    ArrowLeft: (at) => at - 1,
    ArrowUp: (at) => at - 1,
    Home: () => 0,
    End: (_, last) => last
  };
  text.addEventListener("keydown", (event) => {
    const move = keys[event.key];
    const last = spans.length - prompt.length - 1;
    if (!move || last < 0) return;
    event.preventDefault();
    const next = Math.max(0, Math.min(last, move(picked ?? -1, last)));
    if (next === picked) return;
    picked = next; // a second key before the pick is shown moves on from here
    options.onPick?.(next);
  });
  text.addEventListener("focus", () => announced.setAttribute("aria-live", "polite"));
  text.addEventListener("blur", () => announced.removeAttribute("aria-live"));

  text.addEventListener("click", (event) => {
    const target = (event.target as HTMLElement).closest<HTMLElement>(".tg-gen-new");
    if (target?.dataset.index !== undefined) options.onPick?.(Number(target.dataset.index));
  });
  return root;
}

function span(token: string, className: string): HTMLSpanElement {
  const s = document.createElement("span");
  s.textContent = token;
  s.dataset.token = token;
  s.className = className;
  if (token !== visible(token)) s.title = visible(token);
  return s;
}

function describe(state: StreamState): string {
  const n = state.generated.length;
  const rate = n / Math.max(state.ms / 1000, 1e-3);
  if (state.error) return `Stopped after ${n} tokens: ${state.error}.`;
  if (state.done) return `${n} tokens in ${(state.ms / 1000).toFixed(1)} s (${rate.toFixed(1)} tokens/s).`;
  if (state.stopped) return `Stopped after ${n} of ${state.total} tokens.`;
  return `Writing… ${n} of ${state.total}.`;
}
