import {after, test} from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tinygpt/tf";
import {availableParallelism} from "node:os";
import {
  BROWSER_ORDER,
  MAX_WASM_THREADS,
  SOFTWARE_GPU_ORDER,
  backendStatus,
  browserOrder,
  initBackend,
  softwareAdapter,
  wasmThreadCount
} from "../../src/gpt/backend.js";

after(async () => {
  await tf.setBackend("cpu");
});

test("initBackend in Node picks wasm first, with a thread per core, and records the attempt", async () => {
  const status = await initBackend();
  assert.equal(status.active, "wasm");
  assert.equal(status.fellBack, false);
  assert.deepEqual(status.attempts, [{name: "wasm", ok: true}]);
  assert.equal(backendStatus(), status);
  assert.equal(tf.getBackend(), "wasm");
  assert.equal(status.demoted, null);
  const cores = Math.min(MAX_WASM_THREADS, availableParallelism());
  assert.equal(wasmThreadCount(), cores);
  assert.equal(status.threads, cores, "the threads asked for are the threads XNNPACK got");
  assert.equal(tf.getThreadsCount(), cores);
});

test("a software WebGPU adapter puts webgpu last and says why; a GPU keeps it first", () => {
  const gpu = {vendor: "nvidia", architecture: "ampere", description: "", isFallbackAdapter: false};
  assert.equal(softwareAdapter(gpu), null);
  assert.deepEqual(browserOrder(gpu), {order: BROWSER_ORDER, demoted: null});
  assert.deepEqual(BROWSER_ORDER, ["webgpu", "webgl", "wasm", "cpu"]);
  assert.deepEqual(browserOrder(null), {order: BROWSER_ORDER, demoted: null}, "no adapter: the order decides");
  // Chromium's SwiftShader adapter as it describes itself here; older browsers say only its name.
  const swiftshader = {vendor: "google", architecture: "swiftshader", description: "", isFallbackAdapter: true};
  const named = {vendor: "google", architecture: "swiftshader"};
  const unnamed = {isFallbackAdapter: true};
  for (const info of [swiftshader, named, unnamed]) {
    const {order, demoted} = browserOrder(info);
    assert.deepEqual(order, SOFTWARE_GPU_ORDER);
    assert.equal(demoted?.name, "webgpu");
    assert.match(demoted?.reason ?? "", /software.*: WebGPU would run on the CPU, slower than WebAssembly$/);
  }
  assert.deepEqual(SOFTWARE_GPU_ORDER, ["wasm", "webgl", "cpu", "webgpu"]);
  assert.match(
    softwareAdapter(swiftshader) ?? "",
    /^its WebGPU adapter \(google swiftshader\) is a software fallback$/
  );
  assert.match(softwareAdapter({vendor: "mesa", architecture: "llvmpipe"}) ?? "", /\(mesa llvmpipe\) is software$/);
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
