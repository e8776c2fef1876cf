import {describe, it} from "node:test";
import assert from "node:assert/strict";
import {installDom} from "../../helpers/dom.js";
import {modelPanel, type PanelField} from "../../../src/inputs/modelPanel.js";
import {modelSizes} from "../../../src/components/reader/modelControls.js";
import {DEFAULT_MODEL, FIELDS, checkModel, type ReaderModel} from "../../../src/components/reader/readerModel.js";

installDom();

const panel = () =>
  modelPanel<ReaderModel>({
    fields: FIELDS as unknown as PanelField[],
    value: DEFAULT_MODEL,
    defaults: DEFAULT_MODEL,
    check: checkModel
  });

function edit(form: HTMLElement, key: string, value: string): void {
  const control = form.querySelector<HTMLInputElement>(`[name=${key}]`)!;
  control.value = value;
  control.dispatchEvent(new Event("input", {bubbles: true}));
}

/** The promise's value if it settles within a turn of the event loop, else "pending". */
const settled = <T>(p: Promise<T>) => Promise.race([p, new Promise<"pending">((r) => setTimeout(() => r("pending")))]);

describe("modelSizes", () => {
  it("modelSizes announces the model without its seed, and again only when a field other than the seed changes", async () => {
    const form = panel();
    const sizes = modelSizes(form);
    const {seed: _, ...first} = DEFAULT_MODEL;
    assert.deepEqual(await sizes.next().value, first);
    const next = sizes.next().value as Promise<unknown>;
    edit(form, "seed", "7");
    assert.equal(await settled(next), "pending", "a new seed is not announced");
    edit(form, "nEmbd", "8");
    assert.deepEqual(await settled(next), {...first, nEmbd: 8});
    edit(form, "text", "abc");
    assert.deepEqual(await sizes.next().value, {...first, nEmbd: 8, text: "abc"}, "a change between pulls is kept");
    sizes.return();
    const after = sizes.next();
    assert.equal(after.done, true, "returned: it stops listening");
  });
});
