import {describe, it} from "node:test";
import assert from "node:assert/strict";
import {installDom} from "../helpers/dom.js";
import {additionCard} from "../../src/views/additionCard.js";
import {streamText} from "../../src/views/streamText.js";
import {cacheGrid, raceView, ranChart} from "../../src/views/kvCache.js";
import {nextTokenTable, type CandidateRow} from "../../src/views/nextToken.js";

const dom = installDom();

const row = (id: number, p: number, fields: Partial<CandidateRow> = {}): CandidateRow => ({
  ...{id, token: String.fromCharCode(97 + id), p, scaled: p, keptK: null, keptP: null, final: p, chosen: false},
  ...fields
});

describe("generation views", () => {
  it("nextTokenTable marks what each rule kept and the token drawn", () => {
    const rows = [
      row(0, 0.6, {keptK: true, final: 0.75, chosen: true}),
      row(1, 0.2, {keptK: true, final: 0.25}),
      row(2, 0.1, {keptK: false, final: 0})
    ];
    const figure = nextTokenTable(rows, {kept: 2, vocabSize: 5, name: "next"});
    assert.equal(figure.dataset.kept, "2");
    const trs = [...figure.querySelectorAll("tbody tr")] as HTMLElement[];
    assert.deepEqual(
      trs.map((tr) => tr.dataset.kept),
      ["true", "true", "false"]
    );
    assert.ok(trs[0].classList.contains("tg-chosen"));
    assert.deepEqual(
      trs.map((tr) => tr.children[3].textContent),
      ["kept", "kept", "dropped"]
    );
    assert.equal(trs[0].children[4].textContent, "—", "top-p off");
    assert.match(figure.textContent ?? "", /2 of 5 tokens could be drawn/);
  });

  it("streamText appends tokens as they come, keeps text as text, and marks the window and the picked token", () => {
    const picked: number[] = [];
    const view = streamText(["<", "i", ">"], {onPick: (i) => picked.push(i)});
    const state = {total: 3, done: false, stopped: false, error: null, ms: 50, beams: null};
    view.update({...state, generated: ["x"]});
    const first = view.querySelector("[data-index='0']");
    view.update({...state, generated: ["x", "y"]});
    assert.equal(view.querySelector("[data-index='0']"), first, "a token shown stays the same node");
    const text = view.querySelector<HTMLElement>("[data-name=text]")!;
    assert.equal(text.querySelectorAll("i").length, 0);
    assert.equal(text.textContent, "<i>xy");
    assert.equal(text.dataset.generated, "2");
    assert.equal(view.querySelector("[data-name=status]")!.textContent, "Writing… 2 of 3.");
    view.select([1, 4], 1);
    const spans = [...text.querySelectorAll("span")];
    assert.deepEqual(
      spans.map((s) => s.classList.contains("tg-gen-window")),
      [false, true, true, true, false]
    );
    assert.ok(spans[4].classList.contains("tg-gen-at"));
    (spans[4] as HTMLElement).click();
    assert.deepEqual(picked, [1]);
    view.update({...state, generated: ["x", "y", "z"], done: true, ms: 2000});
    assert.equal(view.querySelector<HTMLElement>("[data-name=status]")!.dataset.done, "true");
    assert.match(view.querySelector("[data-name=status]")!.textContent ?? "", /^3 tokens in 2\.0 s/);
  });

  it("streamText's text takes the focus and its keys move the pick: arrows by one, Home and End to the ends", () => {
    const picked: number[] = [];
    const view = streamText(["a"], {onPick: (i) => picked.push(i)});
    view.update({total: 3, done: true, stopped: false, error: null, ms: 5, beams: null, generated: ["x", "\n", "z"]});
    const text = view.querySelector<HTMLElement>("[data-name=text]")!;
    assert.equal(text.tabIndex, 0);
    assert.match(text.getAttribute("aria-label") ?? "", /arrow keys/);
    const press = (key: string) =>
      text.dispatchEvent(new dom.window.KeyboardEvent("keydown", {key, bubbles: true, cancelable: true}));
    press("ArrowRight"); // nothing picked yet: the first token
    view.select([0, 2], picked.at(-1)!);
    press("ArrowRight");
    press("ArrowRight"); // before the pick is shown: on from the last key
    press("ArrowRight"); // past the end: stays on the last, no new pick
    view.select([0, 3], 2);
    press("Home");
    press("End");
    press("ArrowLeft");
    assert.deepEqual(picked, [0, 1, 2, 0, 2, 1]);
    view.select([0, 2], 1);
    assert.equal(view.querySelector("[data-name=picked]")!.textContent, "token 2: “↵”");
    assert.ok(text.querySelectorAll("span")[2].classList.contains("tg-gen-at"));
    press("a");
    assert.equal(picked.length, 6, "other keys do nothing");
  });

  it("streamText lists every beam with its score, best first, and rewrites the text when the best one changes", () => {
    const view = streamText(["a"]);
    const state = {total: 2, done: false, stopped: false, error: null, ms: 5};
    view.update({
      ...state,
      generated: ["x"],
      beams: [
        {text: "x", score: -0.1},
        {text: "y", score: -0.2}
      ]
    });
    view.update({
      ...state,
      generated: ["y", "z"],
      beams: [
        {text: "yz", score: -0.3},
        {text: "xz", score: -0.4},
        {text: "xx", score: -0.9}
      ]
    });
    const items = [...view.querySelectorAll("[data-name=beams] li")] as HTMLElement[];
    assert.deepEqual(
      items.map((li) => li.dataset.score),
      ["-0.3", "-0.4", "-0.9"]
    );
    assert.match(items[0].textContent ?? "", /^yz\s+score -0\.300/);
    assert.equal(view.querySelector("[data-name=text]")!.textContent, "ayz");
  });

  it("cacheGrid draws old, new and empty cells per layer; ranChart and raceView report", () => {
    const figure = cacheGrid({layers: 2, blockSize: 6, cached: 4, ran: 1, tokens: ["a", "b", " ", "d"]});
    assert.equal(figure.querySelectorAll(".tg-cache-old").length, 2 * 2 * 3);
    assert.equal(figure.querySelectorAll(".tg-cache-new").length, 2 * 2);
    assert.equal(figure.querySelectorAll(".tg-cache-empty").length, 2 * 2 * 2);
    assert.equal(figure.querySelectorAll(".tg-cache-col")[2].textContent, "␣");
    assert.match(cacheGrid({layers: 1, blockSize: 4, cached: 0, ran: 4, tokens: []}).textContent ?? "", /recomputed/);
    assert.ok(
      ranChart([
        {index: 0, ran: 5, read: 5},
        {index: 1, ran: 1, read: 6}
      ]).querySelector("svg")
    );
    const race = {
      cached: {ms: 10, tokensPerSecond: 100, text: "ab"},
      uncached: {ms: 40, tokensPerSecond: 25, text: "ab"},
      same: true,
      newTokens: 2
    };
    const view = raceView(race);
    assert.equal(view.dataset.same, "true");
    assert.match(view.textContent ?? "", /4\.0× as fast/);
  });

  it("additionCard shows the digits units first and the verdict", () => {
    const card = additionCard({
      ...{a: 123, b: 45, prompt: "123+045=", written: "8610", answer: 168, truth: 168, right: true},
      ...{digitRight: [true, true, true, true], confidence: [0.99, 0.98, 0.97, 0.999]}
    });
    assert.deepEqual(
      [...card.querySelectorAll(".tg-sum-digit strong")].map((s) => s.textContent),
      ["8", "6", "1", "0"]
    );
    assert.match(card.textContent ?? "", /Read backwards, 0168: 123 \+ 45 = 168\. Right\./);
    assert.equal(card.dataset.right, "true");
  });
});
