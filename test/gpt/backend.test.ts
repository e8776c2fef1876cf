import {after, test} from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tinygpt/tf";
import {backendStatus, initBackend} from "../../src/gpt/backend.js";

after(async () => {
  await tf.setBackend("cpu");
});

test("initBackend in Node picks wasm first and records the attempt", async () => {
  const status = await initBackend();
  assert.equal(status.active, "wasm");
  assert.equal(status.fellBack, false);
  assert.deepEqual(status.attempts, [{name: "wasm", ok: true}]);
  assert.equal(backendStatus(), status);
  assert.equal(tf.getBackend(), "wasm");
});

test("initBackend honours a forced backend and reports why unavailable ones were skipped", async () => {
  const forced = await initBackend({prefer: "cpu"});
  assert.equal(forced.active, "cpu");
  assert.equal(forced.requested, "cpu");
  const fallback = await initBackend({order: ["webgl", "cpu"]});
  assert.equal(fallback.active, "cpu");
  assert.equal(fallback.fellBack, true);
  assert.equal(fallback.attempts[0].name, "webgl");
  assert.match(fallback.attempts[0].reason ?? "", /not registered|browser/);
});

test("initBackend fails with every reason when no backend can start", async () => {
  await assert.rejects(
    initBackend({order: ["webgpu", "webgl"]}),
    /no TF.js backend could be started: webgpu: .+; webgl: .+/
  );
});

for (const name of ["wasm", "cpu"] as const) {
  test(`gradients are registered and random ops are seeded on ${name}`, async () => {
    await initBackend({order: [name]});
    const before = tf.memory().numTensors;
    const [grad, again, x] = tf.tidy(() => {
      const x = tf.randomNormal([5], 0, 1, "float32", 11);
      const g = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(a, a)))(x);
      return [g, tf.randomNormal([5], 0, 1, "float32", 11), x];
    });
    const [g, a, v] = await Promise.all([grad.data(), again.data(), x.data()]);
    tf.dispose([grad, again, x]);
    assert.deepEqual(Array.from(a), Array.from(v), "same seed, same numbers");
    v.forEach((value, i) => assert.ok(Math.abs(g[i] - 2 * value) < 1e-6, "d/dx Σx² = 2x"));
    assert.equal(tf.memory().numTensors, before);
  });
}
