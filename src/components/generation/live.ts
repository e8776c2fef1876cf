// A generation run drawn as it streams: its tokens appended once a frame (the first at once), the token picker
// following the count, a clicked token picked. A frame overdue by more than 16 ms holds the run back until it is
// painted: a decoding loop that keeps the page busy would otherwise starve its rendering.
import type {TokenPicker} from "../../inputs/tokenPicker.js";
import {streamText, type StreamView} from "../../views/streamText.js";
import type {GenerationRun, GenState} from "./run.js";

/** A message posted from a frame's animation callbacks is handled once that frame is painted. */
function afterPaint(then: () => void): void {
  const channel = new MessageChannel();
  channel.port1.onmessage = () => then();
  channel.port2.postMessage(null);
}

export function liveGeneration(run: GenerationRun, picker: TokenPicker, {name = "generation"} = {}): StreamView {
  const {vocab} = run.model.tokenizer;
  const show = (ids: readonly number[]) => ids.map((id) => vocab[id]);
  const decode = (ids: readonly number[]) => run.model.tokenizer.decode([...ids]);
  const view = streamText(show(run.prompt), {name, onPick: (index) => picker.pick(index + 1)});
  let pending: GenState | null = null;
  let frame: Promise<void> | null = null; // the frame that draws what is pending
  let asked = 0;
  const draw = () => {
    const s = pending;
    if (!s) return;
    pending = null;
    const beams = s.beams?.map((b) => ({text: decode(b.ids), score: b.score})) ?? null;
    view.update({...s, generated: show(s.generated), total: run.settings.maxNewTokens, beams});
    picker.setCount(s.beams ? 0 : s.generated.length, s.done || s.stopped || s.error !== null);
  };
  /** Resolves after the next frame has drawn what is pending and been painted (or 100 ms: a hidden page has none). */
  const nextFrame = () =>
    new Promise<void>((resolve) => {
      const drawn = () => {
        frame = null;
        draw();
      };
      setTimeout(() => (drawn(), resolve()), 100);
      requestAnimationFrame(() => (drawn(), afterPaint(resolve)));
    });
  run.subscribe((state) => {
    pending = state;
    if (state.done || state.stopped || state.error !== null) return draw();
    if (state.generated.length === 1 && !state.beams) {
      draw(); // at once, and the run waits for it to be painted
      return (frame = nextFrame());
    }
    if (!frame) [frame, asked] = [nextFrame(), performance.now()];
    return performance.now() - asked > 16 ? frame : undefined; // an overdue frame: let the page paint
  });
  return view;
}
