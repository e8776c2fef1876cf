import {viewFigure} from "./figure.js";

/** A sum as the addition model answered it (see components/probes.ts). */
export interface Answered {
  a: number;
  b: number;
  prompt: string;
  written: string; // units first
  answer: number;
  truth: number;
  right: boolean;
  digitRight: readonly boolean[];
  confidence: readonly number[];
}

/** The places of an answer's digits, in the order the model writes them. */
export const DIGIT_NAMES = ["units", "tens", "hundreds", "thousands"];

/**
 * The model's answer to one sum: the prompt it read, the digits it wrote (units first) with the probability it gave
 * each and whether each is right, the answer read back in the usual order, and the verdict.
 */
export function additionCard(sum: Answered, options: {name?: string} = {}): HTMLElement {
  const verdictText = sum.right ? "right" : `wrong, the sum is ${sum.truth}`;
  const card = viewFigure(
    "tg-sum",
    {title: `${sum.a} + ${sum.b}`, shows: `the model wrote ${[...sum.written].reverse().join("")}, ${verdictText}`},
    options.name
  );
  Object.assign(card.dataset, {a: sum.a, b: sum.b, answer: sum.answer, truth: sum.truth, right: sum.right});
  const line = document.createElement("div");
  line.className = "tg-sum-line";
  const prompt = document.createElement("code");
  prompt.textContent = sum.prompt;
  line.append(prompt);
  [...sum.written].forEach((digit, k) => {
    const box = document.createElement("span");
    box.className = `tg-sum-digit ${sum.digitRight[k] ? "tg-sum-right" : "tg-sum-wrong"}`;
    box.title = `${DIGIT_NAMES[k]} digit: ${digit}, with probability ${sum.confidence[k].toFixed(3)}`;
    const glyph = document.createElement("strong");
    glyph.textContent = digit;
    const place = document.createElement("small");
    place.textContent = `${DIGIT_NAMES[k]} · ${(100 * sum.confidence[k]).toFixed(0)}%`;
    box.append(glyph, place);
    line.append(box);
  });
  const verdict = document.createElement("figcaption");
  verdict.className = sum.right ? "tg-ok" : "tg-error";
  const read = [...sum.written].reverse().join("");
  verdict.textContent = sum.right
    ? `Read backwards, ${read}: ${sum.a} + ${sum.b} = ${sum.truth}. Right.`
    : `Read backwards, ${read} — but ${sum.a} + ${sum.b} = ${sum.truth}. Wrong.`;
  card.append(line, verdict);
  return card;
}
