import {describe, it} from "node:test";
import assert from "node:assert/strict";
import {DEFAULT_MODEL, FIELDS} from "../../../src/components/reader/readerModel.js";
import {
  FRESH,
  loadModel,
  loadWeights,
  modelQuery,
  serialiseModel,
  weightsQuery
} from "../../../src/components/reader/modelStorage.js";

describe("reader model: URL and storage", () => {
  it("modelQuery writes every field and keeps only the foreign keys it knows (backend)", () => {
    const query = modelQuery({...DEFAULT_MODEL, nEmbd: 32}, "?backend=cpu&foo=1&nEmbd=8");
    const params = new URLSearchParams(query);
    assert.equal(params.get("backend"), "cpu");
    assert.equal(params.get("foo"), null);
    assert.equal(params.get("nEmbd"), "32");
    assert.deepEqual(
      [...params.keys()].slice(1),
      FIELDS.map((f) => f.key)
    );
  });

  it("loadModel(modelQuery(m)) gives m back, whatever is stored", () => {
    const m = {...DEFAULT_MODEL, text: "a b&c=d?", nLayer: 3, activation: "relu" as const, seed: 7};
    const stored = serialiseModel({...DEFAULT_MODEL, nEmbd: 8});
    assert.deepEqual(loadModel(modelQuery(m), stored), {model: m, source: "url", notices: []});
  });

  it("loadModel uses the stored model when the URL has no field, and the defaults when neither has one", () => {
    const stored = {...DEFAULT_MODEL, nHead: 4};
    assert.deepEqual(loadModel("?backend=wasm", serialiseModel(stored)), {
      model: stored,
      source: "storage",
      notices: []
    });
    assert.deepEqual(loadModel("", null), {model: DEFAULT_MODEL, source: "defaults", notices: []});
  });

  it("loadModel ignores unknown keys and malformed values with a notice, keeping the rest", () => {
    const {model, source, notices} = loadModel("?nEmbd=abc&nHead=4&zoom=2&seed=-1", null);
    assert.equal(source, "url");
    assert.deepEqual(model, {...DEFAULT_MODEL, nHead: 4});
    assert.deepEqual(notices, [
      'Ignored from the URL: nEmbd ("abc") must be a whole number.',
      "Unknown setting “zoom” in the URL was ignored.",
      "Ignored from the URL: seed (-1) must be between 0 and 2147483647 here."
    ]);
  });

  it("loadModel ignores a URL whose values do not fit together, falling back to the stored model", () => {
    const stored = {...DEFAULT_MODEL, seed: 5};
    const {model, source, notices} = loadModel("?nEmbd=30&nHead=4", serialiseModel(stored));
    assert.deepEqual([model, source], [stored, "storage"]);
    assert.deepEqual(notices, ["The model in the URL was ignored: nEmbd (30) must be divisible by nHead (4)."]);
  });

  it("loadModel survives broken storage", () => {
    assert.deepEqual(loadModel("", "{not json").notices, [
      "Your saved model could not be read; the defaults are shown."
    ]);
    const partly = loadModel("", JSON.stringify({nEmbd: "x", nHead: 4, extra: 1}));
    assert.deepEqual(partly.model, {...DEFAULT_MODEL, nHead: 4});
    assert.deepEqual(partly.notices, ['Ignored from your saved model: nEmbd ("x") must be a whole number.']);
  });

  it("loadWeights takes the URL's choice, else the stored one, else the fresh model; unknown names count as none", () => {
    const choices = [FRESH, "shakespeare", "addition"];
    assert.equal(loadWeights("?weights=addition", "shakespeare", choices), "addition");
    assert.equal(loadWeights("?nEmbd=8", "shakespeare", choices), "shakespeare");
    assert.equal(loadWeights("?weights=gpt5", "addition", choices), "addition");
    assert.equal(loadWeights("", "nonsense", choices), FRESH);
    assert.equal(loadWeights("", null, choices), FRESH);
  });

  it("weightsQuery sets or removes the weights key and leaves the reader's model in the URL alone", () => {
    const search = modelQuery({...DEFAULT_MODEL, nEmbd: 32}, "?backend=wasm");
    const trained = weightsQuery(search, "shakespeare");
    const params = new URLSearchParams(trained);
    assert.equal(params.get("weights"), "shakespeare");
    assert.equal(params.get("nEmbd"), "32");
    assert.equal(params.get("backend"), "wasm");
    assert.equal(loadModel(trained, null).notices.length, 0, "the reader's model reads past the weights key");
    assert.deepEqual(loadModel(trained, null).model, {...DEFAULT_MODEL, nEmbd: 32});
    assert.equal(new URLSearchParams(modelQuery(DEFAULT_MODEL, trained)).get("weights"), "shakespeare", "kept");
    assert.equal(weightsQuery(trained, FRESH), search, "the fresh model needs no key");
  });
});
