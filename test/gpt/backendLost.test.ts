// A backend that stops working mid-session (WebGPU's device lost) falls back to the next one, with the reason.
// Its own file: it removes a backend from this process's TF.js registry.
import {test} from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tinygpt/tf";
import {backendLost, backendStatus, initBackend, onBackendLost, watchDeviceLost} from "../../src/gpt/backend.js";

test("a lost device switches to the next backend of the order, records why and tells the listeners", async () => {
  const started = await initBackend({order: ["wasm", "cpu"]});
  assert.equal(started.active, "wasm");
  const heard: string[] = [];
  const unsubscribe = onBackendLost((status, lost, reason) => heard.push(`${lost} → ${status.active}: ${reason}`));

  let lose: (info: {message: string}) => void = () => {};
  watchDeviceLost(new Promise((resolve) => (lose = resolve)));
  lose({message: "GPU reset"});
  await new Promise((resolve) => setTimeout(resolve, 50));

  const status = backendStatus()!;
  assert.equal(status.active, "cpu");
  assert.equal(tf.getBackend(), "cpu");
  assert.equal(status.fellBack, true);
  assert.deepEqual(status.attempts, [
    {name: "wasm", ok: false, reason: "device lost: GPU reset"},
    {name: "cpu", ok: true}
  ]);
  assert.deepEqual(heard, ["wasm → cpu: GPU reset"]);
  const sum = tf.sum(tf.tensor1d([1, 2, 3]));
  assert.equal((await sum.data())[0], 6, "the new backend computes");
  sum.dispose();
  unsubscribe();
  await assert.rejects(backendLost("again"), /no TF.js backend could be started/, "nothing left after cpu");
  assert.deepEqual(heard.length, 1, "an unsubscribed listener hears nothing");
});
