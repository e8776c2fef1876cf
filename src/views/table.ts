import {count, viewFigure} from "./figure.js";

/** One column: how to show a row's cell. A number is written with thousands separators and kept in data-value. */
export interface Column<R> {
  key: string;
  label: string;
  value: (row: R) => string | number | Node | null;
  /** Numbers default to right-aligned. */
  align?: "left" | "right";
  /** Cells to emphasise (class tg-emphasis), e.g. the count a published figure uses. */
  emphasis?: (row: R) => boolean;
  /** Cells may break onto more lines (at spaces, or between a formula's terms) when the table is wider than the page. */
  wrap?: boolean;
}

export interface TableOptions<R> {
  /** data-id of each row, so a test or a script can find it. */
  rowKey?: (row: R, i: number) => string;
  /** Rows to mark (e.g. the selected preset). */
  marked?: (row: R) => boolean;
  /** Rows drawn as a total line, after a rule. */
  total?: (row: R) => boolean;
  caption?: string;
  name?: string;
}

export const formatCount = (v: number): string => (Number.isInteger(v) ? v.toLocaleString("en-US") : String(v));

/**
 * A table of rows: text goes in as text, nodes (a formula) as they are, numbers with separators and their exact value
 * in data-value. A table wider than the page first wraps its headings and the columns marked wrap, then scrolls
 * inside the figure.
 */
export function table<R>(
  rows: readonly R[],
  columns: readonly Column<R>[],
  options: TableOptions<R> = {}
): HTMLElement {
  const {rowKey, marked, total, caption, name} = options;
  const figure = viewFigure("tg-table", {title: caption ?? "", shows: `table of ${count(rows.length, "row")}`}, name);
  const element = document.createElement("table");
  const head = element.createTHead().insertRow();
  const right = (column: Column<R>, value: unknown) =>
    (column.align ?? (typeof value === "number" ? "right" : "left")) === "right";
  for (const column of columns) {
    const th = document.createElement("th");
    th.textContent = column.label;
    th.dataset.key = column.key;
    if (rows.length > 0 && right(column, column.value(rows[0]))) th.classList.add("tg-num");
    head.append(th);
  }
  const body = element.createTBody();
  rows.forEach((row, i) => {
    const tr = body.insertRow();
    if (rowKey) tr.dataset.id = rowKey(row, i);
    if (marked?.(row)) tr.classList.add("tg-marked");
    if (total?.(row)) tr.classList.add("tg-total");
    for (const column of columns) {
      const td = tr.insertCell();
      td.dataset.key = column.key;
      const value = column.value(row);
      if (typeof value === "number") {
        td.dataset.value = String(value);
        td.textContent = formatCount(value);
      } else if (value instanceof Node) td.append(value);
      else td.textContent = value ?? "";
      if (column.emphasis?.(row)) td.classList.add("tg-emphasis");
      if (column.wrap) td.classList.add("tg-wrap");
      if (right(column, value)) td.classList.add("tg-num");
    }
  });
  const scroller = document.createElement("div");
  scroller.className = "tg-scroll";
  scroller.append(element);
  figure.append(scroller);
  if (caption) {
    const figcaption = document.createElement("figcaption");
    figcaption.textContent = caption;
    figure.append(figcaption);
  }
  return figure;
}
