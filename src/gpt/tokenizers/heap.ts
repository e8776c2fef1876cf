// A binary min-heap of numbers in a Float64Array: the BPE trainer packs what it orders pairs by into one number.

export class MinHeap {
  private items = new Float64Array(16);
  private n = 0;

  get size(): number {
    return this.n;
  }

  peek(): number {
    return this.items[0];
  }

  push(x: number): void {
    if (this.n === this.items.length) {
      const grown = new Float64Array(2 * this.n);
      grown.set(this.items);
      this.items = grown;
    }
    const a = this.items;
    let i = this.n++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (a[parent] <= x) break;
      a[i] = a[parent];
      i = parent;
    }
    a[i] = x;
  }

  /** The smallest number, removed (undefined when empty). */
  pop(): number | undefined {
    if (this.n === 0) return undefined;
    const top = this.items[0];
    this.n -= 1;
    if (this.n > 0) this.down(0, this.items[this.n]);
    return top;
  }

  /** Puts x at i and moves it down to its place. */
  private down(i: number, x: number): void {
    const a = this.items;
    const n = this.n;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const child = l + 1 < n && a[l + 1] < a[l] ? l + 1 : l;
      if (a[child] >= x) break;
      a[i] = a[child];
      i = child;
    }
    a[i] = x;
  }
}
