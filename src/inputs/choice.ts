/** One option of a choice: its value and the words the reader sees. */
export interface Option {
  value: string;
  label: string;
}

export type ChoiceInput = HTMLFieldSetElement & {value: string};

/**
 * Radio buttons in a fieldset whose legend names them, following view(): `.value` is the checked option's value, set
 * before the radio's bubbling "input" event reaches the fieldset.
 */
export function choice(options: readonly Option[], {label, value, name}: {label: string; value: string; name: string}) {
  const root = document.createElement("fieldset") as ChoiceInput;
  root.className = "tg-choice";
  const legend = document.createElement("legend");
  legend.textContent = label;
  root.append(legend);
  let current = options.some((o) => o.value === value) ? value : (options[0]?.value ?? "");
  for (const option of options) {
    const input = document.createElement("input");
    Object.assign(input, {type: "radio", name, value: option.value, checked: option.value === current});
    input.addEventListener("input", () => {
      if (input.checked) current = option.value; // before the event bubbles to the fieldset's listeners
    });
    const text = document.createElement("label");
    text.append(input, ` ${option.label}`);
    root.append(text);
  }
  Object.defineProperty(root, "value", {get: () => current});
  return root;
}
