import {visible} from "./tokenStrip.js";
import {count, viewFigure} from "./figure.js";

/** One candidate for the next token, before and after each sampling rule. */
export interface CandidateRow {
  id: number;
  token: string;
  p: number; // the model's probability
  scaled: number; // after the temperature
  keptK: boolean | null; // null: the rule is off
  keptP: boolean | null;
  final: number; // the probability the draw used; 0 when a rule dropped the token
  chosen: boolean;
}

export interface NextTokenOptions {
  /** How many tokens every rule kept, of the whole vocabulary. */
  kept: number;
  vocabSize: number;
  name?: string;
}

const pct = (p: number) => (p >= 0.995 ? "100%" : p >= 0.001 ? `${(100 * p).toFixed(1)}%` : p > 0 ? "<0.1%" : "0");

function barCell(p: number, kind: string): HTMLTableCellElement {
  const cell = document.createElement("td");
  cell.className = `tg-p tg-p-${kind}`;
  const bar = document.createElement("span");
  bar.className = "tg-pbar";
  bar.style.width = `${Math.max(0, Math.min(1, p)) * 100}%`;
  const label = document.createElement("span");
  label.textContent = pct(p);
  cell.append(bar, label);
  return cell;
}

function mark(kept: boolean | null): HTMLTableCellElement {
  const cell = document.createElement("td");
  cell.className = kept === null ? "tg-rule-off" : kept ? "tg-kept" : "tg-dropped";
  cell.textContent = kept === null ? "—" : kept ? "kept" : "dropped";
  return cell;
}

/**
 * The next-token distribution at one step as a table: each candidate's probability under the model, after the
 * temperature, whether top-k and top-p kept it, and the renormalised probability the draw used; the token drawn is
 * marked. Tokens are shown as text.
 */
export function nextTokenTable(rows: readonly CandidateRow[], options: NextTokenOptions): HTMLElement {
  const {kept, vocabSize, name} = options;
  const figure = viewFigure(
    "tg-next",
    {title: "next token", shows: `${count(rows.length, "candidate")} and their probabilities`},
    name
  );
  figure.dataset.kept = String(kept);
  const table = document.createElement("table");
  const head = table.createTHead().insertRow();
  for (const title of ["token", "model p", "after temperature", "top-k", "top-p", "drawn from"]) {
    const th = document.createElement("th");
    th.textContent = title;
    head.append(th);
  }
  const body = table.createTBody();
  for (const row of rows) {
    const tr = body.insertRow();
    tr.dataset.id = String(row.id);
    tr.dataset.kept = String(row.final > 0);
    if (row.chosen) tr.classList.add("tg-chosen");
    if (row.final === 0) tr.classList.add("tg-out");
    const token = document.createElement("td");
    token.className = "tg-token";
    token.textContent = visible(row.token);
    token.title = `id ${row.id}${row.chosen ? ": the token drawn" : ""}`;
    tr.append(token, barCell(row.p, "model"), barCell(row.scaled, "scaled"), mark(row.keptK), mark(row.keptP));
    tr.append(barCell(row.final, "final"));
  }
  const caption = document.createElement("figcaption");
  caption.textContent = `${kept} of ${vocabSize} tokens could be drawn; the highlighted row was.`;
  figure.append(table, caption);
  return figure;
}
