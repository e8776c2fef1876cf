// GPT-2's tokenizer as a BpeTokenizer, from its merge ranks in tiktoken's form (js-tiktoken's r50k_base, which the
// caller imports: the ranks are 0.5 MB, so only the pages and commands that need them load them).
import {BpeTokenizer, BYTES} from "./bpe.js";
import {GPT2_SPLIT} from "./pretokenize.js";
import {TokenizerError} from "./tokenizer.js";

/** tiktoken's ranks: lines "! offset token token …", each token its bytes in base64, ranked offset, offset + 1, …. */
export interface TiktokenRanks {
  pat_str: string;
  special_tokens: Record<string, number>;
  bpe_ranks: string;
}

/**
 * tiktoken ranks byte strings, not pairs: rank r < 256 is a single byte, and each later rank is the byte string two
 * earlier tokens make. Which two: the ones BPE itself reaches when it encodes that string with the ranks below r
 * (minbpe's recover_merges), so the merges, applied by rank, give tiktoken's ids exactly.
 */
export function fromTiktoken(ranks: TiktokenRanks): BpeTokenizer {
  if (ranks.pat_str !== GPT2_SPLIT.source) {
    throw new TokenizerError("these ranks split text with another pattern than GPT-2's");
  }
  const tokens: string[] = []; // rank → its bytes, one character per byte
  for (const line of ranks.bpe_ranks.split("\n")) {
    if (line === "") continue;
    const [, offset, ...encoded] = line.split(" ");
    encoded.forEach((b64, i) => (tokens[Number(offset) + i] = atob(b64)));
  }
  const rankOf = new Map(tokens.map((t, r) => [t, r]));
  if (tokens.length < BYTES || tokens.slice(0, BYTES).some((t) => t.length !== 1) || rankOf.size !== tokens.length) {
    throw new TokenizerError("these ranks do not start with the 256 single bytes");
  }
  const bytes = tokens.slice(0, BYTES).map((t) => t.charCodeAt(0));
  const merges: [number, number][] = [];
  for (let r = BYTES; r < tokens.length; r++) {
    const parts = splitByRank(tokens[r], rankOf, r);
    if (parts === null) throw new TokenizerError(`rank ${r} is not two earlier tokens joined`);
    merges.push(parts);
  }
  return new BpeTokenizer({pattern: "gpt2", merges, special: ranks.special_tokens, bytes});
}

/** The two tokens BPE with the ranks below maxRank leaves of a byte string, or null if it does not leave two. */
function splitByRank(token: string, rankOf: Map<string, number>, maxRank: number): [number, number] | null {
  const parts = [...token];
  while (parts.length > 2) {
    let best = maxRank;
    let at = -1;
    for (let i = 0; i + 1 < parts.length; i++) {
      const rank = rankOf.get(parts[i] + parts[i + 1]);
      if (rank !== undefined && rank < best) [best, at] = [rank, i];
    }
    if (at < 0) return null;
    parts.splice(at, 2, parts[at] + parts[at + 1]);
  }
  return parts.length === 2 ? [rankOf.get(parts[0])!, rankOf.get(parts[1])!] : null;
}
