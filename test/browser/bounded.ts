// Waits with an end. Playwright's page.evaluate has no timeout: a promise in the page that never settles (a frame that
// never comes, a font that never loads) would hold up the whole suite. Each such wait here fails instead, naming what
// was still pending.

/** What work resolves to, or an error naming what was pending once ms have passed without it. */
export async function within<T>(ms: number, pending: string, work: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still pending after ${ms / 1000} s: ${pending}`)), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}
