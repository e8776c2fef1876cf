/** The browser's localStorage, or null where it is missing or blocked (privacy settings, sandboxed frames). */
export function localStore(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}
