import {before, describe, it} from "node:test";
import assert from "node:assert/strict";
import {installDom} from "../helpers/dom.js";
import {backendBadge, demotedNotice, fallbackNotice, type BadgeData} from "../../src/views/backendBadge.js";

const REASON = "its WebGPU adapter (google swiftshader) is a software fallback: WebGPU would run on the CPU, slower";
const wasm: BadgeData = {
  ...{active: "wasm", requested: null, fellBack: false, adapter: null},
  ...{attempts: [{name: "wasm", ok: true}], demoted: {name: "webgpu", reason: REASON}, threads: 2}
};

describe("backendBadge", () => {
  before(() => installDom());

  it("names the backend and the wasm backend's threads", () => {
    const badge = backendBadge(wasm);
    assert.equal(badge.textContent, "backend: wasm · 2 threads");
    assert.equal(badge.dataset.backend, "wasm");
    assert.equal(badge.dataset.threads, "2");
    assert.match(badge.title, /^wasm: active\nwebgpu last: its WebGPU adapter/);
    assert.equal(backendBadge({...wasm, threads: 1}).textContent, "backend: wasm · 1 thread");
  });

  it("marks WebGPU on a software adapter, and no threads off wasm", () => {
    const forced = {...wasm, active: "webgpu", requested: "webgpu", adapter: "google swiftshader", threads: null};
    const badge = backendBadge({...forced, attempts: [{name: "webgpu", ok: true}]});
    assert.equal(badge.textContent, "backend: webgpu · software");
    assert.equal(badge.dataset.threads, undefined);
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
