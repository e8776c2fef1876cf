// Learning-rate schedules: the learning rate of each update as a function of its step number.

export type ScheduleKind = "constant" | "cosine";

export interface Schedule {
  kind: ScheduleKind;
  lr: number; // the peak learning rate
  warmup: number; // updates of linear warmup first (0: none)
  decaySteps: number; // cosine: the step at which lr reaches minLr (the run's length)
  minLr: number; // cosine: the floor (0 for plain cosine annealing; nanoGPT uses lr / 10)
}

/**
 * The learning rate of update `step` (0-based), as nanoGPT's get_lr:
 * 1) linear warmup for `warmup` steps, 2) after decaySteps, minLr, 3) in between, cosine decay from lr to minLr.
 * A constant schedule is lr after the warmup.
 */
export function learningRate(step: number, s: Schedule): number {
  if (step < s.warmup) return (s.lr * (step + 1)) / (s.warmup + 1);
  if (s.kind === "constant") return s.lr;
  if (step > s.decaySteps) return s.minLr;
  const decayRatio = s.decaySteps > s.warmup ? (step - s.warmup) / (s.decaySteps - s.warmup) : 1; // 0 → 1
  const coeff = 0.5 * (1 + Math.cos(Math.PI * decayRatio)); // 1 → 0
  return s.minLr + coeff * (s.lr - s.minLr);
}

/** A schedule with the defaults filled in: no warmup, cosine over decaySteps down to 0. */
export function makeSchedule(partial: Partial<Schedule> & {lr: number; decaySteps: number}): Schedule {
  const s: Schedule = {kind: "constant", warmup: 0, minLr: 0, ...partial};
  if (!(s.lr > 0 && Number.isFinite(s.lr))) throw new Error(`lr (${s.lr}) must be a positive number`);
  if (!(Number.isInteger(s.warmup) && s.warmup >= 0))
    throw new Error(`warmup (${s.warmup}) must be a non-negative integer`);
  if (!(s.minLr >= 0 && s.minLr <= s.lr)) throw new Error(`minLr (${s.minLr}) must be in [0, lr = ${s.lr}]`);
  if (!(s.decaySteps >= 0)) throw new Error(`decaySteps (${s.decaySteps}) must be non-negative`);
  return s;
}

/**
 * The learning rate at about `points` evenly spaced updates of a run of `steps`, and at its last: for drawing a
 * schedule before training. step counts updates from 1 (the rate the step-th update uses).
 */
export function scheduleCurve(s: Schedule, steps: number, points = 240): {step: number; lr: number}[] {
  const stride = Math.max(1, Math.floor(steps / points));
  const at = Array.from({length: Math.ceil(steps / stride)}, (_, i) => i * stride);
  if (at.at(-1) !== steps - 1) at.push(steps - 1);
  return at.map((i) => ({step: i + 1, lr: learningRate(i, s)}));
}
