// Yielding to the page between the tokens of a decoding loop.

/**
 * A breathe() over nextTurn: it takes a turn (ends the task, so the page paints and reads input) at most once per
 * frame, and a caller that arrives while a turn is under way waits for that same turn. Two loops that decode at once
 * (chapter 9 writes text while its addition model answers) therefore never take turns of their own at the same time:
 * a turn that resolves only its last waiter, as one message port does, would leave the other loop waiting forever.
 */
export function turnTaker(nextTurn: () => Promise<void>, frameMs = 16): () => Promise<void> {
  let last = -Infinity;
  let current: Promise<void> | null = null;
  return () => {
    if (current) return current;
    if (performance.now() - last < frameMs) return Promise.resolve();
    current = nextTurn().finally(() => {
      last = performance.now();
      current = null;
    });
    return current;
  };
}

let channel: MessageChannel | null = null;

/**
 * One turn of the event loop. In a page it is a MessageChannel message, not setTimeout(0), which browsers clamp to
 * 4 ms once timeouts nest (a quarter of the frame, at every turn of a fast decoding loop); both end the task, so the
 * page paints and reads input alike. The one port's handler belongs to the one turn under way (turnTaker).
 */
function nextTurn(): Promise<void> {
  if (typeof window === "undefined" || typeof MessageChannel === "undefined")
    return new Promise((resolve) => setTimeout(resolve, 0));
  const {port1, port2} = (channel ??= new MessageChannel());
  return new Promise<void>((resolve) => {
    port1.onmessage = () => resolve();
    port2.postMessage(null);
  });
}

/** Lets the page paint and handle input between tokens, at most once per frame (~16 ms). */
export const breathe = turnTaker(nextTurn);
