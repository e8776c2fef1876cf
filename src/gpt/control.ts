// Pause, resume and stop a training run from outside (a button, a signal); the loop looks between two steps.

export class RunControl {
  private resumed: (() => void) | null = null;
  private gate: Promise<void> | null = null;
  private arrive: (() => void) | null = null;
  /** While paused: resolves once the loop has actually stopped between two steps (nothing of it is running). */
  parked: Promise<void> | null = null;
  stopped = false;

  get paused(): boolean {
    return this.gate !== null;
  }

  pause(): void {
    this.gate ??= new Promise((resolve) => (this.resumed = resolve));
    this.parked ??= new Promise((resolve) => (this.arrive = resolve));
  }

  resume(): void {
    this.resumed?.();
    this.gate = this.resumed = null;
    this.parked = this.arrive = null;
  }

  stop(): void {
    this.stopped = true;
    this.resume();
  }

  /** The loop calls it between two steps: resolves at once unless paused; then when resumed or stopped. */
  wait(): Promise<void> {
    if (this.paused) this.arrive?.();
    return this.gate ?? Promise.resolve();
  }
}
