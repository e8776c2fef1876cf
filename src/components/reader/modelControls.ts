// The reader's model on a page: a panel loaded from the URL or localStorage that writes every valid change back to
// both, so the next chapter, a reload or a shared link shows the same model.
import {modelPanel, type Panel, type PanelField} from "../../inputs/modelPanel.js";
import {DEFAULT_MODEL, FIELDS, checkModel, describeModel} from "./readerModel.js";
import type {ModelKey, ModelSizes, ReaderModel} from "./readerModel.js";
import {STORAGE_KEY, loadModel, modelQuery, serialiseModel} from "./modelStorage.js";
import {localStore} from "../page/localStore.js";
import {expose} from "../page/testHooks.js";
import {afterRedraw} from "../page/afterRedraw.js";

function save(model: ReaderModel): void {
  try {
    localStore()?.setItem(STORAGE_KEY, serialiseModel(model));
  } catch {
    // a full or blocked storage only loses persistence, not the page
  }
  const url = new URL(location.href);
  url.search = modelQuery(model, url.search);
  if (url.href !== location.href) history.replaceState(history.state, "", url.href);
}

/** The panel for the fields a chapter lets the reader edit (all of them persist); use with view(). */
export function readerModelInput(keys: readonly ModelKey[]): Panel<ReaderModel> {
  const loaded = loadModel(location.search, localStore()?.getItem(STORAGE_KEY) ?? null);
  const fields = keys.map((key) => FIELDS.find((f) => f.key === key)!) as PanelField[];
  const panel = modelPanel<ReaderModel>({
    fields,
    value: loaded.model,
    defaults: DEFAULT_MODEL,
    check: checkModel,
    summary: describeModel,
    notices: loaded.notices
  });
  // history.replaceState alone takes 0.2–10 ms in Chromium: an edit writes once the redraw is painted
  panel.addEventListener("input", () => {
    const model = panel.value;
    expose("model", model);
    afterRedraw("model", () => save(model));
  });
  expose("model", loaded.model);
  save(loaded.model);
  return panel;
}

/**
 * The panel's model without its seed, announced again only when another field changes: cells that draw sizes, labels
 * and controls read it, so a new seed recomputes the numbers and leaves them alone. Made like Framework's own
 * Generators.input (each value a promise), so that a change announced by the same input event as the model's reaches
 * the cells in the same pass, never a frame apart.
 */
export function* modelSizes(panel: Panel<ReaderModel>): Generator<Promise<ModelSizes>, void, unknown> {
  const sizesOf = ({seed: _, ...sizes}: ReaderModel): ModelSizes => sizes;
  let sizes = sizesOf(panel.value);
  let [key, fresh] = [JSON.stringify(sizes), true];
  let resolve: ((sizes: ModelSizes) => void) | null = null;
  const changed = () => {
    const next = sizesOf(panel.value);
    if (JSON.stringify(next) === key) return;
    [sizes, key] = [next, JSON.stringify(next)];
    if (resolve) resolve(sizes);
    else fresh = true;
    resolve = null;
  };
  panel.addEventListener("input", changed);
  try {
    for (;;) {
      if (fresh) {
        fresh = false;
        yield Promise.resolve(sizes);
      } else yield new Promise<ModelSizes>((r) => (resolve = r));
    }
  } finally {
    panel.removeEventListener("input", changed);
  }
}
