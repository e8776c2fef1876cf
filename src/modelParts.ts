// The whole model as every chapter page draws it in its map: the parts in the order of the forward pass, the chapter
// that builds each, and the parts each chapter builds or looks at (highlighted on its page).
import {CHAPTERS} from "./chapters.js";

export interface ModelPart {
  id: string;
  label: string;
  /** The chapter that builds it: its box links there. */
  chapter: string;
  /** What it is, for the box's title. */
  detail: string;
  /** Inside the transformer block, repeated nLayer times. */
  inBlock?: boolean;
  /** Parts side by side in the model (the two embedding tables; the two uses of the output), drawn stacked. */
  stack?: string;
}

export const MODEL_PARTS: readonly ModelPart[] = [
  {id: "text", label: "text", chapter: "01-tokens", detail: "the characters the model reads"},
  {id: "idx", label: "ids", chapter: "01-tokens", detail: "token ids idx, (B, T)"},
  {id: "wte", label: "wte", chapter: "02-embeddings", detail: "token embedding table, (V, C)", stack: "embed"},
  {id: "wpe", label: "wpe", chapter: "02-embeddings", detail: "position embedding table, (T, C)", stack: "embed"},
  {id: "ln1", label: "ln_1", chapter: "04-block", detail: "LayerNorm before attention", inBlock: true},
  {
    id: "attn",
    label: "attention",
    chapter: "03-attention",
    detail: "c_attn, QKᵀ/√hs, mask, softmax, c_proj",
    inBlock: true
  },
  {id: "res1", label: "+", chapter: "04-block", detail: "the residual add after attention", inBlock: true},
  {id: "ln2", label: "ln_2", chapter: "04-block", detail: "LayerNorm before the MLP", inBlock: true},
  {id: "mlp", label: "MLP", chapter: "04-block", detail: "c_fc, GELU, c_proj", inBlock: true},
  {id: "res2", label: "+", chapter: "04-block", detail: "the residual add after the MLP", inBlock: true},
  {id: "lnf", label: "ln_f", chapter: "05-model", detail: "the final LayerNorm"},
  {id: "logits", label: "logits", chapter: "05-model", detail: "h · wteᵀ (the tied head), (B, T, V)"},
  {id: "probs", label: "probs", chapter: "05-model", detail: "softmax of the logits, (B, T, V)"},
  {
    id: "loss",
    label: "loss",
    chapter: "07-training-step",
    detail: "cross-entropy, then backward and AdamW",
    stack: "output"
  },
  {
    id: "sample",
    label: "next token",
    chapter: "09-generation",
    detail: "sampling, appended to the text",
    stack: "output"
  }
];

const WEIGHTS = ["wte", "wpe", "ln1", "attn", "ln2", "mlp", "lnf"];

/** What each chapter builds or looks at; every ready chapter has an entry. */
export const CHAPTER_FOCUS: Readonly<Record<string, readonly string[]>> = {
  "01-tokens": ["text", "idx"],
  "02-embeddings": ["wte", "wpe"],
  "03-attention": ["ln1", "attn"],
  "04-block": ["ln1", "attn", "res1", "ln2", "mlp", "res2"],
  "05-model": ["lnf", "logits", "probs", "loss"],
  "06-parameters": WEIGHTS,
  "07-training-step": ["loss", ...WEIGHTS],
  "08-training": ["loss", ...WEIGHTS],
  "09-generation": ["probs", "sample"],
  "10-tokenizers": ["text", "idx"],
  "11-lora": ["attn", "mlp"] // the Linear layers an adapter adapts
};

/** A part as a page's map draws it: where it links (null: not written yet, or this very page) and whether it is lit. */
export interface MapPart extends ModelPart {
  href: string | null;
  chapterTitle: string;
  number: string; // the chapter's number, "3"
  focus: boolean;
  here: boolean; // built on this page
}

/** The parts for the map on the page at `path`: links to the ready chapters, this chapter's parts in focus. */
export function mapParts(path: string): MapPart[] {
  const focus = new Set(CHAPTER_FOCUS[path] ?? []);
  return MODEL_PARTS.map((part) => {
    const chapter = CHAPTERS.find((c) => c.path === part.chapter);
    const here = part.chapter === path;
    return {
      ...part,
      href: chapter?.ready && !here ? `./${part.chapter}` : null,
      chapterTitle: chapter?.title ?? part.chapter,
      number: (chapter?.title ?? part.chapter).split(" · ")[0],
      focus: focus.has(part.id),
      here
    };
  });
}
