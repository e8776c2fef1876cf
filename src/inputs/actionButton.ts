/**
 * A button for work that takes a while and is done only on request (a timing, say): while it runs the button is
 * disabled and says so; its result (a node) or its error (as text) replaces the previous one below it.
 */
export function actionButton(label: string, act: () => Promise<Node>, options: {name?: string} = {}): HTMLElement {
  const box = document.createElement("div");
  box.className = "tg-action";
  if (options.name) box.dataset.name = options.name;
  const button = document.createElement("button");
  button.type = "button";
  button.textContent = label;
  const out = document.createElement("div");
  out.className = "tg-action-out";
  button.addEventListener("click", async () => {
    button.disabled = true;
    button.textContent = "Running…";
    box.dataset.state = "running";
    try {
      out.replaceChildren(await act());
      box.dataset.state = "done";
    } catch (error) {
      const message = document.createElement("p");
      message.className = "tg-refused";
      message.setAttribute("role", "alert");
      message.textContent = (error as Error).message;
      out.replaceChildren(message);
      box.dataset.state = "failed";
    } finally {
      button.disabled = false;
      button.textContent = label;
    }
  });
  box.append(button, out);
  return box;
}
