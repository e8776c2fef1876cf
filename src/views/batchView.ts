import {visible} from "./tokenStrip.js";
import {count, viewFigure} from "./figure.js";

export interface BatchRow {
  x: readonly number[]; // the input ids
  y: readonly number[]; // the target ids; ignoreIndex where a position is not supervised
}

export interface BatchViewOptions {
  vocab: readonly string[];
  /** The target id of unsupervised positions (drawn as a grey "·"). */
  ignoreIndex?: number;
  /** Examples shown at most; the caption counts the rest. */
  maxRows?: number;
  /** An example to mark, e.g. the one the other figures show. */
  marked?: number;
  /** Examples per micro-batch, when the rows are several micro-batches of one update: each is headed by its number. */
  microBatch?: number;
  name?: string;
}

/**
 * A batch of (x, y) pairs as aligned rows of tokens: for each example, the input row x and under it the target row
 * y, so that y[t] sits below x[t] — the token the model must predict after reading x[0..t]. Ids are shown small
 * under each token; ignored targets are grey. Micro-batches are table bodies of their own (tbody[data-micro]), each
 * headed by its number. Long rows scroll inside the figure.
 */
export function batchView(rows: readonly BatchRow[], options: BatchViewOptions): HTMLElement {
  const {vocab, ignoreIndex = -100, maxRows = 8, marked, name} = options;
  const size = Math.min(options.microBatch ?? rows.length, rows.length);
  const micro = Math.max(1, Math.ceil(rows.length / size));
  const shows = `${count(rows.length, "example")} of ${count(rows[0]?.x.length ?? 0, "token")}, inputs over targets`;
  const figure = viewFigure("tg-batch", {title: "batch", shows}, name);
  figure.dataset.rows = String(rows.length);
  figure.dataset.micro = String(micro);
  const table = document.createElement("table");
  const T = rows[0]?.x.length ?? 0;
  const head = table.createTHead().insertRow();
  const corner = cell("th", "t"); // over the row headers: the header of the positions' row
  corner.colSpan = 2;
  head.append(corner);
  for (let t = 0; t < T; t++) head.append(cell("th", String(t)));
  let body = table.createTBody();
  rows.slice(0, maxRows).forEach((row, b) => {
    if (b % size === 0) {
      body = b === 0 ? body : table.createTBody();
      body.dataset.micro = String(b / size);
      if (micro > 1) {
        const th = cell(
          "th",
          `micro-batch ${b / size + 1} of ${micro} · examples ${b}–${Math.min(b + size, rows.length) - 1}`
        );
        th.colSpan = T + 2;
        const tr = body.insertRow();
        tr.className = "tg-batch-micro";
        tr.append(th);
      }
    }
    for (const [kind, ids] of [
      ["x", row.x],
      ["y", row.y]
    ] as const) {
      const tr = body.insertRow();
      tr.className = `tg-batch-${kind}`;
      if (b === marked) tr.classList.add("tg-marked");
      tr.dataset.example = String(b);
      if (kind === "x") tr.append(Object.assign(cell("th", `#${b}`), {rowSpan: 2})); // the example's input and target rows
      tr.append(cell("th", kind));
      ids.forEach((id, t) => {
        const ignored = id === ignoreIndex;
        const td = cell("td", ignored ? "·" : visible(vocab[id] ?? "?"));
        td.dataset.id = String(id);
        if (ignored) td.classList.add("tg-ignored");
        td.title = `${kind}[${b}, ${t}] = ${ignored ? `${id} (ignored)` : `${id} ${JSON.stringify(vocab[id])}`}`;
        const small = document.createElement("small");
        small.textContent = String(id);
        td.append(small);
        tr.append(td);
      });
    }
  });
  const scroller = document.createElement("div");
  scroller.className = "tg-scroll";
  scroller.append(table);
  const caption = document.createElement("figcaption");
  const hidden = rows.length - Math.min(rows.length, maxRows);
  const examples = micro > 1 ? `k·B = ${micro}·${size} = ${rows.length} examples` : `B = ${rows.length} examples`;
  const grouped = micro > 1 ? `, in ${micro} micro-batches of ${size}` : "";
  caption.textContent = `${examples} of T = ${T} tokens${grouped}${hidden > 0 ? `; the first ${maxRows} shown` : ""}`;
  figure.append(scroller, caption);
  return figure;
}

function cell(tag: "td" | "th", text: string): HTMLTableCellElement {
  const element = document.createElement(tag);
  element.textContent = text;
  return element;
}
