import {after, test} from "node:test";
import assert from "node:assert/strict";
import {readFileSync} from "node:fs";
import * as tf from "@tinygpt/tf";
import {initBackend} from "../../src/gpt/backend.js";
import {WASM_POOL_SLOT, onCallingThread} from "../../src/gpt/threads.js";

after(async () => {
  await tf.setBackend("cpu");
});

/** The code of an exported function of a wasm binary (its locals included). */
function exportedBody(binary: Uint8Array, name: string): Uint8Array {
  let p = 8;
  const leb = () => {
    let [value, shift] = [0, 0];
    let byte: number;
    do {
      byte = binary[p++];
      value |= (byte & 0x7f) << shift;
      shift += 7;
    } while (byte & 0x80);
    return value >>> 0;
  };
  const skipLimits = () => {
    const hasMax = binary[p++] & 1;
    leb();
    if (hasMax) leb();
  };
  let [imported, index, code] = [0, -1, -1];
  while (p < binary.length) {
    const id = binary[p++];
    const end = leb() + p;
    if (id === 2) {
      for (let n = leb(); n > 0; n--) {
        for (let names = 0; names < 2; names++) {
          const length = leb();
          p += length;
        }
        const kind = binary[p++];
        if (kind === 0) {
          leb();
          imported++;
        } else if (kind === 1) {
          p++;
          skipLimits();
        } else if (kind === 2) skipLimits();
        else p += 2;
      }
    }
    if (id === 7) {
      for (let n = leb(); n > 0; n--) {
        const length = leb();
        const exported = new TextDecoder().decode(binary.subarray(p, (p += length)));
        const kind = binary[p++];
        const at = leb();
        if (kind === 0 && exported === name) index = at;
      }
    }
    if (id === 10) code = p;
    p = end;
  }
  assert.ok(index >= imported && code > 0, `${name} is an exported function`);
  p = code;
  for (let n = leb(), i = 0; i < n; i++) {
    const size = leb();
    if (i === index - imported) return binary.subarray(p, p + size);
    p += size;
  }
  throw new Error(`no code for ${name}`);
}

const sleb = (n: number): number[] => {
  const bytes: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(byte & 0x40)) || (n === -1 && byte & 0x40)) return [...bytes, byte];
    bytes.push(byte | 0x80);
  }
};

test("WASM_POOL_SLOT is the address the vendored threaded binary's get_threads_count reads the pool from", () => {
  const binary = readFileSync("vendor/tf/dist/tfjs-backend-wasm-threaded-simd.wasm");
  const body = [...exportedBody(binary, "get_threads_count")];
  // one group of locals, then i32.const SLOT; i32.load align=2 offset=0
  const expected = [0x01, 0x01, 0x7f, 0x41, ...sleb(WASM_POOL_SLOT), 0x28, 0x02, 0x00];
  assert.deepEqual(body.slice(0, expected.length), expected);
});

interface WasmModule {
  tfjs: {getThreadsCount(): number};
}
const liveThreads = () => (tf.backend() as unknown as {wasm: WasmModule}).wasm.tfjs.getThreadsCount();

test("onCallingThread runs wasm kernels without the pool, gives the same numbers, and puts the pool back", async () => {
  const status = await initBackend();
  assert.equal(status.active, "wasm");
  const threads = liveThreads();
  const a = tf.randomNormal([64, 128], 0, 1, "float32", 1);
  const b = tf.randomNormal([128, 96], 0, 1, "float32", 2);
  const before = tf.memory().numTensors;
  const pooled = tf.tidy(() => tf.softmax(tf.matMul(a, b)).arraySync());
  const inside = {threads: 0};
  const alone = onCallingThread(() => {
    inside.threads = liveThreads();
    return tf.tidy(() => tf.softmax(tf.matMul(a, b)).arraySync());
  });
  // With more than one thread the pool is set aside (the backend's live count is -1: none); with one there is none to.
  assert.equal(inside.threads, threads > 1 ? -1 : threads);
  assert.equal(liveThreads(), threads, "the pool is back");
  assert.deepEqual(alone, pooled);
  assert.throws(() => onCallingThread(() => assert.fail("thrown inside")), /thrown inside/);
  assert.equal(liveThreads(), threads, "and back after a throw");
  assert.equal(tf.memory().numTensors, before, "no tensor left");
  tf.dispose([a, b]);
});

test("onCallingThread simply runs its function on a backend without threads", async () => {
  await tf.setBackend("cpu");
  const before = tf.memory().numTensors;
  const sum = onCallingThread(() => tf.tidy(() => tf.sum(tf.tensor1d([1, 2, 3])).arraySync()));
  assert.equal(sum, 6);
  assert.equal(tf.memory().numTensors, before);
});
