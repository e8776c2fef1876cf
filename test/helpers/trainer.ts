// Waiting on chapter 8's trainer in Node tests.
import type {Trainer} from "../../src/components/training/trainer.js";
import type {TrainState} from "../../src/components/training/trainState.js";

/** Resolves with the first state that satisfies the condition. */
export function until(trainer: Trainer, condition: (state: TrainState) => boolean): Promise<TrainState> {
  return new Promise((resolve) => {
    const stop = trainer.subscribe((state) => {
      if (condition(state)) {
        queueMicrotask(() => stop());
        resolve(state);
      }
    });
  });
}
