// The reader's model in the URL query and localStorage: loaded at page load (the URL over the saved model over the
// defaults), and written back as a query string and a saved JSON object; and the same for the choice of weights
// chapters 2–5 show (weightsChoice.ts). Pure: no DOM here.
import {DEFAULT_MODEL, FIELDS, checkModel, parseField, type ModelKey, type ReaderModel} from "./readerModel.js";

/** The URL key of the weights chapters 2–5 show (weightsChoice.ts): the fresh model's, or a trained checkpoint's. */
export const WEIGHTS_KEY = "weights";

export const WEIGHTS_STORAGE_KEY = "tinygpt.weights";
/** The weights of the reader's fresh model (the other choices are the shipped checkpoints' names). */
export const FRESH = "fresh";

/** URL keys the reader's model leaves alone (they belong to other parts of the site). */
export const FOREIGN_KEYS: readonly string[] = ["backend", WEIGHTS_KEY];

export const STORAGE_KEY = "tinygpt.model";

const FIELD = new Map(FIELDS.map((f) => [f.key, f]));

export interface Loaded {
  model: ReaderModel;
  source: "url" | "storage" | "defaults";
  /** What was ignored and why, for the reader. */
  notices: string[];
}

/**
 * The reader's model at page load: the URL's fields over the defaults when the URL names any (so a link shows
 * exactly what its author saw), else the saved model, else the defaults. Unknown keys and bad values are ignored
 * with a notice; a URL whose values do not fit together is ignored as a whole.
 */
export function loadModel(search: string, stored: string | null): Loaded {
  const notices: string[] = [];
  const params = new URLSearchParams(search);
  const fromUrl: Record<string, unknown> = {};
  for (const [key, raw] of params) {
    const field = FIELD.get(key as ModelKey);
    if (field) {
      const parsed = parseField(field, raw);
      if ("problem" in parsed) notices.push(`Ignored from the URL: ${parsed.problem}.`);
      else fromUrl[key] = parsed.value;
    } else if (!FOREIGN_KEYS.includes(key)) {
      notices.push(`Unknown setting “${key}” in the URL was ignored.`);
    }
  }
  const saved = readStored(stored, notices);
  if ([...params.keys()].some((key) => FIELD.has(key as ModelKey))) {
    const {model, problems} = checkModel({...DEFAULT_MODEL, ...fromUrl});
    if (model) return {model, source: "url", notices};
    notices.push(`The model in the URL was ignored: ${problems.join("; ")}.`);
  }
  if (saved) return {model: saved, source: "storage", notices};
  return {model: DEFAULT_MODEL, source: "defaults", notices};
}

function readStored(stored: string | null, notices: string[]): ReaderModel | null {
  if (stored === null) return null;
  let json: unknown;
  try {
    json = JSON.parse(stored);
  } catch {
    json = null;
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    notices.push("Your saved model could not be read; the defaults are shown.");
    return null;
  }
  const kept: Record<string, unknown> = {};
  for (const field of FIELDS) {
    const raw = (json as Record<string, unknown>)[field.key];
    if (raw === undefined) continue;
    const parsed = parseField(field, raw);
    if ("problem" in parsed) notices.push(`Ignored from your saved model: ${parsed.problem}.`);
    else kept[field.key] = parsed.value;
  }
  const {model, problems} = checkModel({...DEFAULT_MODEL, ...kept});
  if (!model) notices.push(`Your saved model was ignored: ${problems.join("; ")}.`);
  return model;
}

/** The query string for a model: every field in table order after the foreign keys kept from search. */
export function modelQuery(model: ReaderModel, search = ""): string {
  const old = new URLSearchParams(search);
  const params = new URLSearchParams();
  for (const key of FOREIGN_KEYS) for (const value of old.getAll(key)) params.append(key, value);
  for (const field of FIELDS) params.set(field.key, String(model[field.key]));
  return `?${params}`;
}

/** The saved form: a JSON object of the fields. */
export const serialiseModel = (model: ReaderModel): string =>
  JSON.stringify(Object.fromEntries(FIELDS.map((f) => [f.key, model[f.key]])));

/** The choice at page load: the URL's, else the saved one, else the fresh model; an unknown name counts as none. */
export function loadWeights(search: string, stored: string | null, choices: readonly string[]): string {
  const fromUrl = new URLSearchParams(search).get(WEIGHTS_KEY);
  return [fromUrl, stored].find((c): c is string => c !== null && choices.includes(c)) ?? FRESH;
}

/** The query string with the choice set (or removed, for the fresh model), every other key kept in place. */
export function weightsQuery(search: string, choice: string): string {
  const params = new URLSearchParams(search);
  if (choice === FRESH) params.delete(WEIGHTS_KEY);
  else params.set(WEIGHTS_KEY, choice);
  const query = params.toString();
  return query ? `?${query}` : "";
}
