import {before, describe, it} from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tinygpt/tf";
import {turnTaker} from "../../src/gpt/breathe.js";
import {useCpu} from "../helpers/tf.js";

before(useCpu);

/**
 * A turn as one message port gives it: a new turn replaces the handler of the one before, and the message that ends
 * a turn calls whichever handler is current. taken counts the turns begun; end() delivers every message posted.
 */
function portTurns() {
  let handler: (() => void) | null = null;
  let posted = 0;
  const port = {
    taken: 0,
    turn: () =>
      new Promise<void>((resolve) => {
        handler = resolve;
        port.taken++;
        posted++;
      }),
    end: () => {
      for (; posted > 0; posted--) handler?.();
    }
  };
  return port;
}

/** Which of the promises have settled, after the microtasks queued so far have run. */
async function settled(promises: Promise<void>[]): Promise<boolean[]> {
  const done = promises.map(() => false);
  promises.forEach((p, i) => p.then(() => (done[i] = true)));
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

describe("turnTaker: decoding loops yield to the page without waiting on each other", () => {
  it("callers that arrive during a turn all resume when it ends, and only one turn is taken", async () => {
    const before = tf.memory().numTensors;
    const port = portTurns();
    const breathe = turnTaker(port.turn);
    const waiting = [breathe(), breathe(), breathe()]; // three loops reach the end of a token together
    assert.equal(port.taken, 1, "one turn for all three");
    port.end();
    assert.deepEqual(await settled(waiting), [true, true, true], "every loop resumed");
    assert.equal(tf.memory().numTensors, before);
  });

  it("takes no second turn within the frame, and takes one once the frame has passed", async () => {
    const before = tf.memory().numTensors;
    const port = portTurns();
    const breathe = turnTaker(port.turn, 5);
    const first = breathe();
    port.end();
    await first;
    await breathe();
    assert.equal(port.taken, 1, "within the frame the caller goes on at once");
    await new Promise((resolve) => setTimeout(resolve, 10));
    const later = breathe();
    assert.equal(port.taken, 2, "a frame later it yields again");
    port.end();
    assert.deepEqual(await settled([later]), [true]);
    assert.equal(tf.memory().numTensors, before);
  });
});
