// Chapter 6's formulas: a config's parameters component by component (from countParams), with the config's numbers
// written in, grouped for the proportional chart, and as the width and depth vary.
import type {GPTConfig} from "../../gpt/config.js";
import {countParams} from "../../gpt/count.js";

export interface Component {
  key: string;
  label: string;
  symbolic: string; // LaTeX, per block for the block's parts
  numbers: string; // LaTeX, the same with the config's numbers
  perBlock: boolean; // counted once per block (× nLayer)
  count: number; // all of it: × nLayer for block parts
  group: "embeddings" | "attention" | "MLP" | "norms" | "head";
}

/** A whole number in LaTeX with its thousands separators: 124{,}439{,}808. */
export const texCount = (x: number): string => x.toLocaleString("en-US").replace(/,/g, "{,}");
const n = texCount;
const plus = (on: boolean, term: string) => (on ? ` + ${term}` : "");

/** The seven kinds of weight in a GPT, with their formulas; their counts sum to countParams(config).total. */
export function components(config: GPTConfig): Component[] {
  const {vocabSize: V, blockSize: T, nEmbd: C, dFF: F, nLayer: L} = config;
  const b = countParams(config).breakdown;
  const {qkvBias, projBias, mlpBias, headBias, tieWeights, finalNorm} = config;
  const ln = (k: string) => (config.lnBias ? `${k}(C + C)` : `${k}C`);
  const lnN = (k: string) => (config.lnBias ? `${k}(${n(C)} + ${n(C)})` : `${k}${n(C)}`);
  const sinusoidal = config.positional === "sinusoidal";
  const blockNorms = L * b.perBlock.layerNorms;
  const row =
    (key: string, label: string, group: Component["group"], perBlock: boolean, count: number) =>
    (symbolic: string, numbers: string): Component => ({key, label, group, perBlock, count, symbolic, numbers});
  return [
    row("wte", "token embedding wte", "embeddings", false, b.tokenEmbedding)("V \\cdot C", `${n(V)} \\cdot ${n(C)}`),
    row(
      "wpe",
      "position embedding wpe",
      "embeddings",
      false,
      b.positionEmbedding
    )(sinusoidal ? "0 \\text{ (sinusoids)}" : "T \\cdot C", sinusoidal ? "0" : `${n(T)} \\cdot ${n(C)}`),
    row(
      "attention",
      "attention c_attn, c_proj",
      "attention",
      true,
      b.attention
    )(
      `C \\cdot 3C${plus(qkvBias, "3C")} + C \\cdot C${plus(projBias, "C")}`,
      `${n(C)} \\cdot ${n(3 * C)}${plus(qkvBias, n(3 * C))} + ${n(C)} \\cdot ${n(C)}${plus(projBias, n(C))}`
    ),
    row(
      "mlp",
      "MLP c_fc, c_proj",
      "MLP",
      true,
      b.mlp
    )(
      `C \\cdot d_{ff}${plus(mlpBias, "d_{ff}")} + d_{ff} \\cdot C${plus(mlpBias, "C")}`,
      `${n(C)} \\cdot ${n(F)}${plus(mlpBias, n(F))} + ${n(F)} \\cdot ${n(C)}${plus(mlpBias, n(C))}`
    ),
    row("ln", "LayerNorms ln_1, ln_2", "norms", true, blockNorms)(ln("2"), lnN("2")),
    row(
      "lnF",
      "final LayerNorm ln_f",
      "norms",
      false,
      b.layerNorms - blockNorms
    )(finalNorm ? ln("") : "0", finalNorm ? lnN("") : "0"),
    row(
      "head",
      "output head lm_head",
      "head",
      false,
      b.head
    )(
      tieWeights ? "0 \\text{ (tied to wte)}" : `C \\cdot V${plus(headBias, "V")}`,
      tieWeights ? "0" : `${n(C)} \\cdot ${n(V)}${plus(headBias, n(V))}`
    )
  ];
}

const SHORT: Record<string, string> = {
  wte: "wte",
  wpe: "wpe",
  attention: "attn",
  mlp: "MLP",
  ln: "LN",
  lnF: "ln\\_f",
  head: "head"
};

/**
 * The whole count as an aligned LaTeX formula: the components by name (block parts inside L(…)), then each
 * component's count (per block inside the parentheses), then the total.
 */
export function formula(config: GPTConfig): string {
  const parts = components(config);
  const L = config.nLayer;
  const named = (c: Component) => `\\text{${SHORT[c.key]}}`;
  const counted = (c: Component) => n(c.perBlock ? c.count / L : c.count);
  const line = (pick: (c: Component) => string, times: string) => {
    const once = parts.filter((c) => !c.perBlock).map(pick);
    const block = `${times}\\,\\big(${parts
      .filter((c) => c.perBlock)
      .map(pick)
      .join(" + ")}\\big)`;
    return [...once.slice(0, 2), block, ...once.slice(2)].join(" + ");
  };
  return [
    `N &= ${line(named, "L")} \\\\`,
    `&= ${line(counted, String(L))} \\\\`,
    `&= ${n(countParams(config).total)}`
  ].join("\n");
}

export interface ComponentRow {
  key: string;
  label: string;
  formula: string; // LaTeX, block parts as L × (…); empty for the total
  numbers: string; // LaTeX, the same with the config's numbers
  count: number;
}

/** The rows of the chapter's component table: each component with its formula written out in full, then the total. */
export function componentRows(config: GPTConfig): ComponentRow[] {
  const L = config.nLayer;
  const rows = components(config).map((c) => ({
    key: c.key,
    label: c.label,
    formula: c.perBlock ? `L \\times (${c.symbolic})` : c.symbolic,
    numbers: c.perBlock ? `${L} \\times (${c.numbers})` : c.numbers,
    count: c.count
  }));
  return [...rows, {key: "total", label: "total", formula: "", numbers: "", count: countParams(config).total}];
}

/** The five groups of the proportional chart, in the order of the model. */
export function groups(config: GPTConfig): {label: string; value: number}[] {
  const order: Component["group"][] = ["embeddings", "attention", "MLP", "norms", "head"];
  const parts = components(config);
  return order.map((label) => ({
    label,
    value: parts.filter((c) => c.group === label).reduce((a, c) => a + c.count, 0)
  }));
}

/** The count as nEmbd varies, one series per nLayer; the other settings are config's (dFF keeps its ratio). */
export function scaling(config: GPTConfig, widths: readonly number[], layers: readonly number[]) {
  const ratio = config.dFF / config.nEmbd;
  return layers.map((nLayer) => ({
    name: `nLayer ${nLayer}`,
    values: widths.map((nEmbd) => {
      const nHead = nEmbd % config.nHead === 0 ? config.nHead : 1;
      const c = {...config, nLayer, nEmbd, nHead, dFF: Math.round(ratio * nEmbd)};
      return countParams(c).total;
    })
  }));
}
