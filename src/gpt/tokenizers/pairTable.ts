// Numbers by pair of ids in typed arrays (open addressing, growing as needed): the encoder looks up a merge rank per
// adjacent pair, the trainer a pair's record per occurrence it counts.

export class PairTable {
  private first: Int32Array; // a + 1 (0: empty slot)
  private second: Int32Array;
  private values: Int32Array;
  private mask: number;
  private size = 0;

  /** A table that holds capacity pairs before it grows. */
  constructor(capacity = 16) {
    let slots = 16;
    while (slots < 2 * capacity) slots *= 2;
    [this.first, this.second, this.values] = [new Int32Array(slots), new Int32Array(slots), new Int32Array(slots)];
    this.mask = slots - 1;
  }

  private slot(a: number, b: number): number {
    let i = (Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 1, 0x85ebca77)) & this.mask;
    while (this.first[i] !== 0 && (this.first[i] !== a + 1 || this.second[i] !== b)) i = (i + 1) & this.mask;
    return i;
  }

  /** The value of (a, b), or -1. */
  get(a: number, b: number): number {
    const i = this.slot(a, b);
    return this.first[i] === 0 ? -1 : this.values[i];
  }

  set(a: number, b: number, value: number): void {
    let i = this.slot(a, b);
    if (this.first[i] === 0) {
      if (2 * (this.size + 1) > this.first.length) {
        this.grow();
        i = this.slot(a, b);
      }
      this.size += 1;
    }
    [this.first[i], this.second[i], this.values[i]] = [a + 1, b, value];
  }

  private grow(): void {
    const [first, second, values] = [this.first, this.second, this.values];
    const slots = 2 * first.length;
    [this.first, this.second, this.values] = [new Int32Array(slots), new Int32Array(slots), new Int32Array(slots)];
    this.mask = slots - 1;
    for (let k = 0; k < first.length; k++) {
      if (first[k] === 0) continue;
      const i = this.slot(first[k] - 1, second[k]);
      [this.first[i], this.second[i], this.values[i]] = [first[k], second[k], values[k]];
    }
  }
}
