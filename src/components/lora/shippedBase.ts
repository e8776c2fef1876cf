// The base chapter 11 fine-tunes: the Shakespeare checkpoint this site ships, fetched from it.
import {SHIPPED} from "../../vendor/checkpoints/index.js";
import {baseOf, type Base} from "./loraData.js";

/** The shipped Shakespeare checkpoint, fetched from this site. */
export async function shakespeareBase(): Promise<Base> {
  const shipped = SHIPPED.find((s) => s.name === "shakespeare");
  if (!shipped) throw new Error("this site ships no Shakespeare checkpoint");
  const response = await fetch(shipped.href);
  if (!response.ok) throw new Error(`${shipped.file}: the server answered ${response.status}`);
  return baseOf(new Uint8Array(await response.arrayBuffer()), shipped.file);
}
