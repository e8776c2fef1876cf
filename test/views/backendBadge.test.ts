import {before, describe, it} from "node:test";
import assert from "node:assert/strict";
import {installDom} from "../helpers/dom.js";
import {backendBadge, demotedNotice, fallbackNotice, type BadgeData} from "../../src/views/backendBadge.js";

const REASON = "its WebGPU adapter (google swiftshader) is a software fallback: WebGPU would run on the CPU, slower";
const wasm: BadgeData = {
  ...{active: "wasm", requested: null, fellBack: false, adapter: null},
  ...{attempts: [{name: "wasm", ok: true}], demoted: {name: "webgpu", reason: REASON}, threads: 2, simd: true}
};

describe("backendBadge", () => {
  before(() => installDom());

  it("names the backend and the wasm backend's threads, and says in its title whether its SIMD kernels run", () => {
    const badge = backendBadge(wasm);
    assert.equal(badge.textContent, "backend: wasm · 2 threads");
    assert.equal(badge.dataset.backend, "wasm");
    assert.equal(badge.dataset.threads, "2");
    assert.equal(badge.dataset.simd, "true");
    assert.match(badge.title, /^wasm: active \(the course's SIMD kernels\)\nwebgpu last: its WebGPU adapter/);
    const plain = backendBadge({...wasm, simd: false});
    assert.equal(plain.dataset.simd, "false");
    assert.match(plain.title, /^wasm: active \(without the course's SIMD kernels\)\n/);
    assert.equal(backendBadge({...wasm, threads: 1}).textContent, "backend: wasm · 1 thread");
  });

  it("marks WebGPU on a software adapter, and no threads off wasm", () => {
    const forced = {
      ...wasm,
      active: "webgpu",
      requested: "webgpu",
      adapter: "google swiftshader",
      threads: null,
      simd: null
    };
    const badge = backendBadge({...forced, attempts: [{name: "webgpu", ok: true}]});
    assert.equal(badge.textContent, "backend: webgpu · software");
    assert.equal(badge.dataset.threads, undefined);
    assert.equal(badge.dataset.simd, undefined);
    assert.match(badge.title, /^webgpu: active\n/);
    const gpu = backendBadge({...forced, adapter: "nvidia ampere", demoted: null});
    assert.equal(gpu.textContent, "backend: webgpu");
  });

  it("demotedNotice says which backend the page chose instead of WebGPU, why, and how to choose WebGPU", () => {
    const notice = demotedNotice(wasm);
    assert.ok(notice);
    assert.equal(notice.dataset.demoted, "webgpu");
    assert.equal(notice.getAttribute("role"), "status");
    assert.equal(
      notice.textContent,
      "This page runs on wasm rather than WebGPU." +
        `This browser offers WebGPU, but ${REASON}.` +
        "To use WebGPU anyway, choose webgpu with the backend control in the header."
    );
    assert.equal(fallbackNotice(wasm), null, "nothing failed: no fallback notice");
  });

  it("demotedNotice says nothing when the reader chose, when the page runs on WebGPU, or when nothing was demoted", () => {
    assert.equal(demotedNotice({...wasm, requested: "wasm"}), null);
    assert.equal(demotedNotice({...wasm, active: "webgpu", requested: null}), null);
    assert.equal(demotedNotice({...wasm, demoted: null}), null);
  });
});
