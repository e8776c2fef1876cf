// A generation run drawn as it streams: its tokens appended at most once a frame, the token picker following the
// count, a clicked token picked.
import type {TokenPicker} from "../../inputs/tokenPicker.js";
import {streamText, type StreamView} from "../../views/streamText.js";
import type {GenerationRun, GenState} from "./run.js";

export function liveGeneration(run: GenerationRun, picker: TokenPicker, {name = "generation"} = {}): StreamView {
  const {vocab} = run.model.tokenizer;
  const show = (ids: readonly number[]) => ids.map((id) => vocab[id]);
  const decode = (ids: readonly number[]) => run.model.tokenizer.decode([...ids]);
  const view = streamText(show(run.prompt), {name, onPick: (index) => picker.pick(index + 1)});
  let pending: GenState | null = null;
  const draw = () => {
    const s = pending!;
    pending = null;
    const beams = s.beams?.map((b) => ({text: decode(b.ids), score: b.score})) ?? null;
    view.update({...s, generated: show(s.generated), total: run.settings.maxNewTokens, beams});
    picker.setCount(s.beams ? 0 : s.generated.length, s.done || s.stopped || s.error !== null);
  };
  run.subscribe((state) => {
    const first = pending === null;
    pending = state;
    const last = state.done || state.stopped || state.error !== null;
    if (last) draw();
    else if (first) requestAnimationFrame(() => pending && draw());
  });
  return view;
}
