// Waiting on chapter 8's training session in Node tests.
import type {TrainSession} from "../../src/components/training/trainSession.js";
import type {TrainState} from "../../src/components/training/trainState.js";

/** Resolves with the first state that satisfies the condition. */
export function until(s: TrainSession, condition: (state: TrainState) => boolean): Promise<TrainState> {
  return new Promise((resolve) => {
    const stop = s.subscribe((state) => {
      if (condition(state)) {
        queueMicrotask(() => stop());
        resolve(state);
      }
    });
  });
}
