/** The course's chapters in reading order: the sidebar, the home page's map and the tests all read this list. */
export interface Chapter {
  /** Page path without extension, relative to src/. */
  path: string;
  title: string;
  /** One sentence: what the reader builds or sees. */
  summary: string;
  /** False until the page is written; unwritten chapters are listed on the home page but not linked. */
  ready: boolean;
}

export const CHAPTERS: readonly Chapter[] = [
  {path: "01-tokens", title: "1 · Tokens", summary: "Text becomes a sequence of integer ids.", ready: true},
  {
    path: "02-embeddings",
    title: "2 · Embeddings",
    summary: "Each id and each position becomes a vector.",
    ready: true
  },
  {
    path: "03-attention",
    title: "3 · Attention",
    summary: "Every position looks back at the ones before it.",
    ready: true
  },
  {
    path: "04-block",
    title: "4 · The transformer block",
    summary: "Attention and an MLP, wrapped in residuals and LayerNorm.",
    ready: true
  },
  {
    path: "05-model",
    title: "5 · The full model",
    summary: "Blocks stacked into a GPT that outputs next-token probabilities.",
    ready: true
  },
  {
    path: "06-parameters",
    title: "6 · Counting parameters",
    summary: "Every weight accounted for, from this toy to GPT-3.",
    ready: true
  },
  {
    path: "07-training-step",
    title: "7 · One training step",
    summary: "Forward, loss, backward, clipping and AdamW, one stage at a time.",
    ready: true
  },
  {
    path: "08-training",
    title: "8 · Training in the browser",
    summary: "Train the model in this tab and watch the loss fall.",
    ready: true
  },
  {
    path: "09-generation",
    title: "9 · Generation",
    summary: "Sample text from the trained model and look inside it.",
    ready: true
  },
  {
    path: "10-tokenizers",
    title: "10 · Tokenizers",
    summary: "Byte-pair encoding learned from your text, and GPT-2's own tokenizer reproduced.",
    ready: true
  },
  {
    path: "11-lora",
    title: "11 · Fine-tuning with LoRA",
    summary: "Adapt the trained Shakespeare model to a new text with a few thousand parameters.",
    ready: true
  }
];
