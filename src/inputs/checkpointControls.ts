/** What the checkpoint controls do; each action resolves with a message for the reader or throws saying why not. */
export interface CheckpointActions {
  save?: () => Promise<string>;
  loadFile: (file: File) => Promise<string>;
  /** The checkpoint kept in this browser, offered with one click; null when there is none. */
  saved?: {label: string; load: () => Promise<string>} | null;
  /** The checkpoint a run kept by itself (a tab closed or reloaded while training); label is the button's text. */
  autosaved?: {label: string; load: () => Promise<string>} | null;
  fileLabel?: string;
}

/**
 * Save, load a file, and load the checkpoint this browser kept. One action at a time; each reports in place: a
 * refusal (a bad file, say) in an alert that says what is wrong, while the current model stays.
 */
export function checkpointControls(actions: CheckpointActions, options: {name?: string} = {}): HTMLElement {
  const box = document.createElement("div");
  box.className = "tg-checkpoints";
  if (options.name) box.dataset.name = options.name;
  const status = document.createElement("p");
  status.className = "tg-note";
  status.setAttribute("role", "status");
  const buttons: (HTMLButtonElement | HTMLInputElement)[] = [];
  const run = async (act: () => Promise<string>, refusal: string) => {
    buttons.forEach((b) => (b.disabled = true));
    box.dataset.busy = "true";
    status.className = "tg-note";
    status.setAttribute("role", "status");
    status.textContent = "Working…";
    try {
      status.textContent = await act();
      box.dataset.result = "ok";
    } catch (error) {
      status.className = "tg-refused";
      status.setAttribute("role", "alert");
      status.textContent = `${refusal}: ${(error as Error).message}`;
      box.dataset.result = "refused";
    } finally {
      buttons.forEach((b) => (b.disabled = false));
      delete box.dataset.busy;
    }
  };
  const button = (action: string, label: string, act: () => Promise<string>, refusal: string) => {
    const b = document.createElement("button");
    b.type = "button";
    b.dataset.action = action;
    b.textContent = label;
    b.addEventListener("click", () => run(act, refusal));
    buttons.push(b);
    box.append(b);
  };
  if (actions.save) button("save", "Save: download and keep in this browser", actions.save, "Not saved");
  const label = document.createElement("label");
  label.className = "tg-file";
  const file = document.createElement("input");
  file.type = "file";
  file.accept = ".safetensors";
  file.name = "checkpoint";
  file.addEventListener("input", (event) => event.stopPropagation());
  file.addEventListener("change", (event) => {
    event.stopPropagation();
    const chosen = file.files?.[0];
    if (chosen) void run(() => actions.loadFile(chosen), `Not loaded: ${chosen.name}`).then(() => (file.value = ""));
  });
  buttons.push(file);
  label.append(actions.fileLabel ?? "Load a .safetensors file: ", file);
  box.append(label);
  if (actions.saved) {
    const saved = actions.saved;
    button("load-saved", `Load the model saved in this browser (${saved.label})`, saved.load, "Not loaded");
  }
  if (actions.autosaved) button("load-autosave", actions.autosaved.label, actions.autosaved.load, "Not loaded");
  box.append(status);
  return box;
}
