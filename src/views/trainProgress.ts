// How far a training run is: a progress bar with speed and time left, and what the model wrote along the way.

export interface ProgressInfo {
  status: string;
  step: number;
  steps: number;
  speed: {stepsPerSecond: number; tokensPerSecond: number; etaSeconds: number | null} | null;
  message: string | null;
}

const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", {maximumFractionDigits: digits});

/** "1:05" or "1:02:03". */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const [h, m, r] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60];
  const mm = h ? String(m).padStart(2, "0") : String(m);
  return `${h ? `${h}:` : ""}${mm}:${String(r).padStart(2, "0")}`;
}

/** A progress bar: step k of n, steps/s, tokens/s and the time left; then the last message, as text. */
export function progressBar(info: ProgressInfo, options: {name?: string} = {}): HTMLElement {
  const {status, step, steps, speed, message} = info;
  const box = document.createElement("div");
  box.className = "tg-progress";
  box.dataset.status = status;
  box.dataset.step = String(step);
  if (options.name) box.dataset.name = options.name;
  const bar = document.createElement("progress");
  bar.max = Math.max(steps, 1);
  bar.value = Math.min(step, bar.max);
  bar.setAttribute("aria-label", "training progress");
  const line = document.createElement("div");
  line.className = "tg-progress-line";
  const parts = [`${status} · step ${fmt(step)} of ${fmt(steps)}`];
  if (speed && speed.stepsPerSecond > 0) {
    parts.push(`${fmt(speed.stepsPerSecond, 1)} steps/s`, `${fmt(speed.tokensPerSecond)} tokens/s`);
    if (speed.etaSeconds !== null && status === "running") parts.push(`about ${duration(speed.etaSeconds)} left`);
  }
  line.textContent = parts.join(" · ");
  box.append(bar, line);
  if (message) {
    const note = document.createElement("p");
    note.className = status === "failed" ? "tg-refused" : "tg-note";
    note.setAttribute("role", status === "failed" ? "alert" : "status");
    note.textContent = message;
    box.append(note);
  }
  return box;
}

export interface SampleItem {
  step: number;
  lines: readonly {text: string; prompt?: string; ok?: boolean}[];
}

/** Samples, newest first: each line's prompt in grey, then what the model wrote (✓/✗ for sums). All as text. */
export function sampleList(
  samples: readonly SampleItem[],
  options: {name?: string; visible?: (s: string) => string} = {}
) {
  const {name, visible = (s: string) => s} = options;
  const list = document.createElement("ol");
  list.className = "tg-samples";
  if (name) list.dataset.name = name;
  list.dataset.count = String(samples.length);
  for (const sample of [...samples].reverse()) {
    const item = document.createElement("li");
    const head = document.createElement("span");
    head.className = "tg-sample-step";
    head.textContent = `step ${fmt(sample.step)}`;
    item.append(head);
    for (const line of sample.lines) {
      const row = document.createElement("div");
      row.className = "tg-sample";
      if (line.prompt !== undefined) {
        const prompt = document.createElement("span");
        prompt.className = "tg-sample-prompt";
        prompt.textContent = visible(line.prompt);
        row.append(prompt);
      }
      row.append(document.createTextNode(line.text));
      if (line.ok !== undefined) {
        const mark = document.createElement("span");
        mark.className = line.ok ? "tg-ok" : "tg-error";
        mark.textContent = line.ok ? " ✓" : " ✗";
        row.append(mark);
      }
      item.append(row);
    }
    list.append(item);
  }
  return list;
}
