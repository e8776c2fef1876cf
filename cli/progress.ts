// Training progress on stderr: a bar with ETA redrawn in place on a terminal, plain lines otherwise.

export interface ProgressLine {
  step: number;
  steps: number;
  start: number; // the step this process started at (ETA counts only the steps it ran)
  elapsed: number; // wall seconds since this process started training
  fields: string; // "loss 1.2345  lr 1.0e-3  …"
}

const clock = (seconds: number) => {
  const s = Math.max(0, Math.round(seconds));
  const [h, m] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60)];
  const mmss = `${String(m).padStart(h ? 2 : 1, "0")}:${String(s % 60).padStart(2, "0")}`;
  return h ? `${h}:${mmss}` : mmss;
};
export {clock};

export class ProgressBar {
  private lastDraw = 0;
  private drawn = false;

  constructor(
    private readonly stream: NodeJS.WriteStream = process.stderr,
    readonly tty = Boolean(stream.isTTY)
  ) {}

  private text({step, steps, start, elapsed, fields}: ProgressLine, width: number): string {
    const done = step - start;
    const eta = done > 0 ? clock(((steps - step) * elapsed) / done) : "?";
    const head = `${String(step).padStart(String(steps).length)}/${steps}`;
    const tail = `${fields}  ${clock(elapsed)} elapsed, ETA ${eta}`;
    if (width <= 0) return `step ${head}  ${tail}`;
    const pct = `${Math.floor((100 * step) / steps)}%`.padStart(4);
    const room = Math.max(10, Math.min(30, width - head.length - tail.length - 10));
    const filled = Math.round((room * step) / steps);
    return `${pct} [${"#".repeat(filled)}${".".repeat(room - filled)}] ${head}  ${tail}`;
  }

  /** Redraws the bar (on a terminal, at most 10 times a second unless force). Nothing when not a terminal. */
  update(line: ProgressLine, force = false): void {
    if (!this.tty) return;
    const now = Date.now();
    if (!force && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const width = this.stream.columns ?? 100;
    this.stream.write(`\r\x1b[2K${this.text(line, width).slice(0, width - 1)}`);
    this.drawn = true;
  }

  /** A line that stays: above the bar on a terminal, or a plain progress line otherwise. */
  log(text: string): void {
    this.stream.write(this.drawn ? `\r\x1b[2K${text}\n` : `${text}\n`);
    this.drawn = false;
  }

  /** A plain progress line (no bar): for logs. */
  plain(line: ProgressLine): string {
    return this.text(line, 0);
  }

  /** Leaves the terminal on a fresh line. */
  end(): void {
    if (this.drawn) this.stream.write("\n");
    this.drawn = false;
  }
}
