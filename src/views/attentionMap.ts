import {finiteMax, heatmap, type HeatmapFigure} from "./heatmap.js";
import {tokenStrip, visible} from "./tokenStrip.js";
import {count, spokenRange, viewFigure} from "./figure.js";

export interface AttentionMapOptions {
  width?: number;
  tokens: readonly string[];
  label?: string;
  name?: string;
}

/**
 * Attention weights (T, T): row i is how query position i spreads its attention over the keys, on a sequential scale
 * from 0 to 1 (or to the largest weight, after dropout's rescaling). Hovering a cell marks the query and the key in
 * the token strip above; each row's sum is listed beside the map (1 after a softmax).
 */
export function attentionMap(weights: readonly (readonly number[])[], options: AttentionMapOptions): HTMLElement {
  const {width = 640, tokens, label = "attention", name} = options;
  const shows = `each of ${count(weights.length, "query", "queries")} weighs the tokens up to it, ${spokenRange(weights.flat())}`;
  const figure = viewFigure("tg-attention", {title: label, shows});
  const strip = tokenStrip(tokens);
  const caption = document.createElement("figcaption");
  caption.className = "tg-readout";
  const idle = "hover a cell: the query is outlined, the key it reads is filled";
  caption.textContent = idle;
  const map: HeatmapFigure = heatmap(weights, {
    width: width - 70,
    scale: "sequential",
    extent: Math.max(1, finiteMax(weights) ?? 0),
    label,
    name,
    rowLabels: tokens.map(visible),
    colLabels: tokens.map(visible),
    onHover: (cell) => {
      strip.highlight(cell);
      caption.textContent = cell
        ? `query ${cell.i} ${JSON.stringify(tokens[cell.i])} reads key ${cell.j} ${JSON.stringify(tokens[cell.j])} ` +
          `with weight ${weights[cell.i][cell.j].toFixed(4)}`
        : idle;
    }
  });
  const sums = document.createElement("ol");
  sums.className = "tg-sums";
  sums.start = 0;
  sums.setAttribute("aria-label", "row sums");
  const cell = Number(map.dataset.cellHeight);
  for (const row of weights) {
    const sum = row.reduce((a, b) => a + b, 0);
    const item = document.createElement("li");
    item.dataset.sum = String(sum);
    item.textContent = cell >= 12 ? sum.toFixed(3) : "";
    item.title = `row sum ${sum.toFixed(6)}`;
    sums.append(item);
  }
  const row = document.createElement("div");
  row.className = "tg-attention-row";
  const sumsBox = document.createElement("div");
  sumsBox.className = "tg-sums-box";
  sumsBox.style.setProperty("--cell", `${cell}px`);
  sumsBox.style.setProperty("--top", `${map.dataset.top}px`);
  const sumsTitle = document.createElement("div");
  sumsTitle.textContent = "Σ row";
  sumsBox.append(sumsTitle, sums);
  row.append(map, sumsBox);
  figure.append(strip, row, caption);
  return figure;
}
