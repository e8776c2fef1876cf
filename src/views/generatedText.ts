export interface GeneratedTextOptions {
  /** The positions [start, end) the model read for the inspected token. */
  window?: readonly [number, number] | null;
  /** The inspected token's index among the generated ones. */
  at?: number | null;
  name?: string;
}

/**
 * A prompt and what the model wrote after it, token by token, as text: the prompt in grey, the model's tokens in
 * ink; the window the model read for the inspected token is underlined and that token is boxed.
 */
export function generatedText(
  prompt: readonly string[],
  generated: readonly string[],
  options: GeneratedTextOptions = {}
): HTMLElement {
  const {window = null, at = null, name} = options;
  const box = document.createElement("div");
  box.className = "tg-generated";
  if (name) box.dataset.name = name;
  box.dataset.prompt = String(prompt.length);
  box.dataset.generated = String(generated.length);
  const all = [...prompt, ...generated];
  all.forEach((token, t) => {
    const span = document.createElement("span");
    span.textContent = token;
    span.className = t < prompt.length ? "tg-gen-prompt" : "tg-gen-new";
    if (window && t >= window[0] && t < window[1]) span.classList.add("tg-gen-window");
    if (at !== null && t === prompt.length + at) span.classList.add("tg-gen-at");
    box.append(span);
  });
  return box;
}

/** Beam search's live hypotheses, best first: each continuation as text with its score (mean log-probability). */
export function beamList(beams: readonly {text: string; score: number}[], options: {name?: string} = {}): HTMLElement {
  const list = document.createElement("ol");
  list.className = "tg-beams";
  if (options.name) list.dataset.name = options.name;
  for (const beam of beams) {
    const item = document.createElement("li");
    const text = document.createElement("span");
    text.className = "tg-gen-new";
    text.textContent = beam.text;
    const score = document.createElement("small");
    score.textContent = `  score ${beam.score.toFixed(3)} (p per token ≈ ${Math.exp(beam.score).toFixed(2)})`;
    item.append(text, score);
    list.append(item);
  }
  return list;
}

/** One line on a generation: how far it is, or how long it took; data-done says whether it finished. */
export function generationStatus(state: {done: boolean; count: number; total: number; ms: number}, name = "status") {
  const line = document.createElement("p");
  line.className = "tg-note";
  line.dataset.name = name;
  line.dataset.done = String(state.done);
  const rate = state.count / Math.max(state.ms / 1000, 1e-3);
  line.textContent = state.done
    ? `${state.count} tokens in ${(state.ms / 1000).toFixed(1)} s (${rate.toFixed(1)} tokens/s).`
    : `Writing… ${state.count} of ${state.total}.`;
  return line;
}
