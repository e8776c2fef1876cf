// Chapter 9's stream as the page draws it: the first token at once, tokens that come faster than a frame drawn
// together, and a token with none after it drawn without waiting for the next.
import {after, describe, it} from "node:test";
import assert from "node:assert/strict";
import {installDom} from "../../helpers/dom.js";
import {liveGeneration} from "../../../src/components/generation/live.js";
import type {GenerationRun, GenState, Listener} from "../../../src/components/generation/run.js";
import type {TokenPicker} from "../../../src/inputs/tokenPicker.js";
import {CharTokenizer} from "../../../src/gpt/tokenizer.js";

const dom = installDom();
(globalThis as Record<string, unknown>).requestAnimationFrame = dom.window.requestAnimationFrame.bind(dom.window);
after(() => dom.window.close());
const tokenizer = CharTokenizer.fromText("abcdefgh");

/** A run the test writes tokens into, and the counts the token picker was told. */
function fakeRun() {
  let listener: Listener = () => undefined;
  const run = {
    model: {tokenizer},
    prompt: [0],
    settings: {maxNewTokens: 20},
    stopping: false,
    subscribe: (l: Listener) => ((listener = l), () => undefined)
  } as unknown as GenerationRun;
  const counts: number[] = [];
  const picker = {setCount: (n: number) => counts.push(n), pick: () => undefined} as unknown as TokenPicker;
  const state = (n: number, done = false, stopped = false): GenState => ({
    ...{prompt: [0], generated: Array.from({length: n}, (_, i) => (i % 7) + 1), beams: null, done},
    ...{stopped, error: null, ms: 0, firstMs: 0}
  });
  const write = (n: number, done = false, stopped = false) => listener(state(n, done, stopped));
  const stop = () => Object.assign(run, {stopping: true});
  return {run, picker, counts, write, stop};
}

const shown = (view: HTMLElement) => Number(view.querySelector<HTMLElement>("[data-name=text]")!.dataset.generated);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("the streaming text", () => {
  it("draws the first token at once and the tokens that follow within a frame together", async () => {
    const {run, picker, counts, write} = fakeRun();
    const view = liveGeneration(run, picker);
    const held = write(1);
    assert.equal(shown(view), 1, "the first token, before any frame");
    assert.ok(held instanceof Promise, "the run waits for the first token to be painted");
    await held;
    for (let n = 2; n <= 9; n++) write(n);
    assert.equal(shown(view), 1, "not drawn by the listener itself");
    await sleep(300);
    assert.equal(shown(view), 9);
    assert.deepEqual(counts.slice(1), [9], "one frame drew tokens 2 to 9");
  });

  it("draws tokens that keep coming at most ~30 times a second, each frame all of them so far", async () => {
    const {run, picker, counts, write} = fakeRun();
    const view = liveGeneration(run, picker);
    await write(1);
    const t0 = performance.now();
    let n = 1;
    while (performance.now() - t0 < 330) {
      write(++n);
      await sleep(4);
    }
    const frames = counts.length - 1;
    await sleep(300);
    assert.equal(shown(view), n);
    assert.ok(frames >= 2 && frames <= 12, `${frames} frames in 330 ms (${n} tokens)`);
    assert.deepEqual(
      counts,
      [...counts].sort((a, b) => a - b),
      "the count only grows"
    );
  });

  it("draws a token that no other follows without waiting for the next one, and the last one at once", async () => {
    const {run, picker, write} = fakeRun();
    const view = liveGeneration(run, picker);
    const held = write(1);
    write(2); // drawn by the first token's frame
    await held;
    write(3); // within that frame's budget: no frame of its own asked for yet
    await sleep(300);
    assert.equal(shown(view), 3, "token 3 drawn with no token after it");
    write(4, true);
    assert.equal(shown(view), 4, "the run's end drawn at once");
  });

  it("leaves the token picker to the newer run once stopped, though its last tokens are drawn after", async () => {
    const {run, picker, counts, write, stop} = fakeRun();
    const view = liveGeneration(run, picker);
    await write(1);
    write(2);
    write(3); // pending when the run is told to stop
    stop();
    const told = counts.length;
    await sleep(300); // a newer run may have written all its tokens by now
    write(3, false, true); // the stopped run notices at its next token
    assert.equal(shown(view), 3, "its own text still drawn");
    assert.deepEqual(counts.slice(told), [], "the picker not told");
  });
});
