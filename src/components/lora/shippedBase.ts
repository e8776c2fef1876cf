// The base chapter 11 fine-tunes: the Shakespeare checkpoint this site ships.
import {shippedEntries} from "../checkpoints/trainedModels.js";
import {baseOf, type Base} from "./loraData.js";

/** The shipped Shakespeare checkpoint, fetched from this site. */
export async function shakespeareBase(): Promise<Base> {
  const entry = shippedEntries().find((e) => e.key === "shipped:shakespeare");
  if (!entry) throw new Error("this site ships no Shakespeare checkpoint");
  return baseOf(await entry.bytes(), "shakespeare.safetensors");
}
