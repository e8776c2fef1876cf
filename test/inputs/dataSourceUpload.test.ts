// Chapter 8's data source with the page's own checks: an uploaded file that is empty, too large or binary is
// refused in place with the library's message (decodeText), and the training data stays what it was.
import {describe, it} from "node:test";
import assert from "node:assert/strict";
import {installDom} from "../helpers/dom.js";
import {checkText, DATA_CHOICES, readText} from "../../src/components/training/trainData.js";
import {dataSource} from "../../src/inputs/dataSource.js";

installDom();

const tick = () => new Promise((resolve) => setTimeout(resolve, 10));

function upload(input: HTMLElement, file: File): void {
  const picker = input.querySelector<HTMLInputElement>("input[type=file]")!;
  Object.defineProperty(picker, "files", {value: [file], configurable: true});
  picker.dispatchEvent(new Event("change", {bubbles: true}));
}

describe("dataSource uploads", () => {
  it("refuses an empty, an oversized and a binary file with decodeText's message, keeping the data", async () => {
    const input = dataSource({
      ...{choices: DATA_CHOICES, own: "your text", value: "addition", check: checkText, readText},
      fetchText: async () => "unused"
    });
    const status = () => input.querySelector("[role=status]")!;
    const cases: [File, string][] = [
      [new File([], "empty.txt"), "Not used: empty.txt is empty: no characters to learn from."],
      [
        new File([new Uint8Array(10_000_001)], "huge.txt"),
        "Not used: huge.txt is 10 MB, over the 10 MB limit for a text."
      ],
      [
        new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 1])], "image.png"),
        "Not used: image.png is not text: it has a NUL byte at offset 4 (a binary file?)."
      ]
    ];
    for (const [file, message] of cases) {
      upload(input, file);
      await tick();
      assert.equal(status().textContent, message);
      assert.equal(status().className, "tg-refused");
      assert.deepEqual(input.value, {choice: "addition", text: null, origin: null}, "the data stays");
    }
    const text = "<img src=x onerror=window.__pwned=1> a text long enough to learn from. ".repeat(20);
    upload(input, new File([text], "story.txt"));
    await tick();
    assert.equal(status().textContent, `Using ${text.length.toLocaleString("en-US")} characters from story.txt.`);
    assert.deepEqual(input.value, {choice: "your text", text, origin: "story.txt"}, "the markup is the text, as given");
  });
});
