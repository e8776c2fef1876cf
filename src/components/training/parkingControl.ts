// The training loop's RunControl, which also tells when a paused loop has actually stopped between two steps.
import {RunControl} from "../../gpt/train.js";

/** A RunControl that also tells when a paused loop has actually stopped between two steps (parked resolves). */
export class ParkingControl extends RunControl {
  private arrive: (() => void) | null = null;
  parked: Promise<void> | null = null;

  pause(): void {
    super.pause();
    this.parked ??= new Promise((resolve) => (this.arrive = resolve));
  }

  resume(): void {
    super.resume();
    this.parked = this.arrive = null;
  }

  wait(): Promise<void> {
    if (this.paused) this.arrive?.();
    return super.wait();
  }
}
