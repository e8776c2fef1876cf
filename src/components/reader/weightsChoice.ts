// Which weights chapters 2–5 look at: the reader's fresh (untrained) model, or one of the trained checkpoints this
// site ships. The choice persists like the reader's model (the URL's "weights" key, then localStorage), and never
// changes the reader's model, which the panel keeps editing.
import {openModel, shippedEntries, type TrainedModel} from "../checkpoints/trainedModels.js";
import {choice, type ChoiceInput} from "../../inputs/choice.js";
import {localStore} from "../page/localStore.js";
import {FRESH, WEIGHTS_STORAGE_KEY, loadWeights, weightsQuery} from "./modelStorage.js";

/** The choices: the fresh model, then every shipped checkpoint by name, text models first ("shakespeare", "addition"). */
export const weightChoices = (): string[] => [
  FRESH,
  ...shippedEntries()
    .sort((a, b) => Number(a.addition) - Number(b.addition))
    .map((e) => e.key.replace(/^shipped:/, ""))
];

function save(choice: string): void {
  try {
    localStore()?.setItem(WEIGHTS_STORAGE_KEY, choice);
  } catch {
    // a full or blocked storage only loses persistence
  }
  const url = new URL(location.href);
  url.search = weightsQuery(url.search, choice);
  if (url.href !== location.href) history.replaceState(history.state, "", url.href);
}

const label = (c: string) => (c === FRESH ? "your fresh model (untrained)" : `trained on ${c} (shipped)`);

/** The switch between the fresh model and the shipped trained ones; use with view(). */
export function weightsInput(): ChoiceInput {
  const choices = weightChoices();
  const value = loadWeights(location.search, localStore()?.getItem(WEIGHTS_STORAGE_KEY) ?? null, choices);
  const input = choice(
    choices.map((c) => ({value: c, label: label(c)})),
    {label: "weights", value, name: "weights"}
  );
  input.classList.add("tg-weights");
  input.addEventListener("input", () => save(input.value));
  save(value);
  return input;
}

const loaded = new Map<string, Promise<TrainedModel>>();

/**
 * The trained model of a choice, loaded once per page and kept (a few MB of weights) so that switching back and
 * forth costs nothing; null for the fresh model.
 */
export function trainedWeights(choice: string): Promise<TrainedModel | null> {
  if (choice === FRESH) return Promise.resolve(null);
  let model = loaded.get(choice);
  if (!model) {
    const entry = shippedEntries().find((e) => e.key === `shipped:${choice}`);
    if (!entry) return Promise.reject(new Error(`no shipped checkpoint is named ${JSON.stringify(choice)}`));
    model = openModel(entry);
    model.catch(() => loaded.delete(choice));
    loaded.set(choice, model);
  }
  return model;
}
