/**
 * A select for forcing a TF.js backend, following Framework's view() contract:
 * `.value` is the chosen backend ("auto" for the default order); the select's own "input" event bubbles up to it.
 */
export function backendPicker(backends: readonly string[], value: string): HTMLElement & {value: string} {
  const form = document.createElement("label") as unknown as HTMLElement & {value: string};
  form.className = "tg-picker";
  const select = document.createElement("select");
  select.setAttribute("aria-label", "TF.js backend");
  for (const name of ["auto", ...backends]) {
    const option = document.createElement("option");
    option.value = name;
    option.textContent = name === "auto" ? "auto (fastest available)" : name;
    select.append(option);
  }
  select.value = value;
  form.append(select);
  Object.defineProperty(form, "value", {get: () => select.value});
  return form;
}
