/** What the buttons drive: a training run that reports its status and takes the four commands. */
export interface Runnable {
  subscribe(fn: (state: {status: string; step: number; steps: number}) => void): () => void;
  start(): void;
  pause(): void;
  resume(): void;
  stop(): void;
}

export type RunButtons = HTMLElement & {dispose(): void};

/**
 * Start (or continue), pause, resume and stop. The buttons are made once and only enabled or disabled as the run
 * changes, so a click is never lost to a redraw. dispose() stops listening to the run.
 */
export function runButtons(run: Runnable, options: {name?: string; label?: string} = {}): RunButtons {
  const box = document.createElement("div") as unknown as RunButtons;
  box.className = "tg-run-buttons";
  box.setAttribute("role", "group");
  box.setAttribute("aria-label", options.label ?? "training");
  if (options.name) box.dataset.name = options.name;
  const make = (action: string, label: string, act: () => void) => {
    const button = document.createElement("button");
    button.type = "button";
    button.dataset.action = action;
    button.textContent = label;
    button.addEventListener("click", act);
    box.append(button);
    return button;
  };
  const start = make("start", "Start", () => run.start());
  const pause = make("pause", "Pause", () => run.pause());
  const resume = make("resume", "Resume", () => run.resume());
  const stop = make("stop", "Stop", () => run.stop());
  const unsubscribe = run.subscribe(({status, step, steps}) => {
    const live = status === "running" || status === "paused";
    start.disabled = live;
    start.textContent = step > 0 && step < steps ? `Continue to step ${steps}` : "Start";
    pause.disabled = status !== "running";
    resume.disabled = status !== "paused";
    stop.disabled = !live;
    box.dataset.status = status;
  });
  box.dispose = unsubscribe;
  return box;
}
