// A generation run drawn as it streams: its tokens appended at most once every FRAME_MS (the first at once), the token
// picker following the count, a clicked token picked. A frame overdue by more than 16 ms holds the run back until it
// is painted: a decoding loop that keeps the page busy would otherwise starve its rendering.
import type {TokenPicker} from "../../inputs/tokenPicker.js";
import {streamText, type StreamView} from "../../views/streamText.js";
import {ended, type GenerationRun, type GenState} from "./run.js";

/** The least time between two frames of the stream (~30 a second): each frame holds up the decoding loop. */
const FRAME_MS = 33;

/** A message posted from a frame's animation callbacks is handled once that frame is painted. */
function afterPaint(then: () => void): void {
  const channel = new MessageChannel();
  channel.port1.onmessage = () => (channel.port1.close(), then());
  channel.port2.postMessage(null);
}

/** Each stream's height when its last run ended, by name: the next run keeps it while it streams. */
const heights = new Map<string, number>();

export function liveGeneration(run: GenerationRun, picker: TokenPicker, {name = "generation"} = {}): StreamView {
  const {vocab} = run.model.tokenizer;
  const show = (ids: readonly number[]) => ids.map((id) => vocab[id]);
  const decode = (ids: readonly number[]) => run.model.tokenizer.decode([...ids]);
  const view = streamText(show(run.prompt), {
    name,
    onPick: (index) => picker.pick(index + 1),
    reserve: heights.get(name)
  });
  let pending: GenState | null = null;
  let frame: Promise<void> | null = null; // the frame that draws what is pending
  let asked = -Infinity; // when the last frame was asked for
  const draw = () => {
    const s = pending;
    if (!s) return;
    pending = null;
    const beams = s.beams?.map((b) => ({text: decode(b.ids), score: b.score})) ?? null;
    view.update({...s, generated: show(s.generated), total: run.settings.maxNewTokens, beams});
    const over = ended(s);
    if (!run.stopping) picker.setCount(s.beams ? 0 : s.generated.length, over); // else a newer run's picker
    if (!over) return;
    const height = view.getBoundingClientRect().height; // a stopped run's text is cut short: keep the larger
    heights.set(name, s.done ? height : Math.max(height, heights.get(name) ?? 0));
  };
  /** Resolves after the next frame has drawn what is pending and been painted (or 100 ms: a hidden page has none). */
  const nextFrame = () =>
    new Promise<void>((resolve) => {
      let drawn = false;
      const drawOnce = () => {
        if (drawn) return;
        [drawn, frame] = [true, null];
        draw();
      };
      setTimeout(() => (drawOnce(), resolve()), 100);
      requestAnimationFrame(() => (drawOnce(), afterPaint(resolve)));
    });
  let later: ReturnType<typeof setTimeout> | null = null; // draws a token left pending when no other follows soon
  run.subscribe((state) => {
    pending = state;
    if (ended(state)) return draw();
    const now = performance.now();
    if (state.generated.length === 1 && !state.beams) {
      draw(); // at once, and the run waits for it to be painted
      [frame, asked] = [nextFrame(), now];
      return frame;
    }
    if (!frame && now - asked < FRAME_MS) {
      later ??= setTimeout(
        () => {
          later = null;
          if (pending && !frame) [frame, asked] = [nextFrame(), performance.now()];
        },
        asked + FRAME_MS - now
      );
      return;
    }
    if (!frame) [frame, asked] = [nextFrame(), now];
    return now - asked > 16 ? frame : undefined; // an overdue frame: let the page paint
  });
  return view;
}
