// The pages' test hooks (window.__tinygpt, declared by TestHooks in src/components/page/testHooks.ts and the modules
// that extend it), read and awaited by name: a hook renamed or removed in the pages fails the typecheck here.
import type {Page} from "playwright-core";
import type {TestHooks} from "../../src/components/page/testHooks.js";

export type HookName = keyof TestHooks;
/** A hook's value once set. V, where a test needs it, is a narrower view of a hook that TestHooks leaves open. */
export type Hook<K extends HookName> = NonNullable<TestHooks[K]>;

/** The hook's value now (structured-cloned out of the page), or undefined while the page has not set it. */
export function readHook<K extends HookName, V extends Hook<K> = Hook<K>>(page: Page, key: K): Promise<V | undefined> {
  return page.evaluate((k) => (window as {__tinygpt?: TestHooks}).__tinygpt?.[k], key) as Promise<V | undefined>;
}

/**
 * Waits until predicate(value, arg) holds for the hook's value, and returns that value. The predicate runs in the
 * page: it may read only its two parameters (pass what it needs from the test as arg, which must be JSON).
 */
export async function waitForHook<K extends HookName, V extends Hook<K> = Hook<K>, A = null>(
  page: Page,
  key: K,
  predicate: (value: V, arg: A) => unknown,
  arg: A = null as A,
  timeout = 120_000
): Promise<V> {
  const check = `(() => {
    const value = window.__tinygpt?.[${JSON.stringify(key)}];
    return value !== undefined && value !== null && (${predicate})(value, ${JSON.stringify(arg)}) ? {value} : false;
  })()`;
  const handle = await page.waitForFunction(check, null, {timeout});
  return ((await handle.jsonValue()) as {value: V}).value;
}

/**
 * Runs fn in the page with the hooks as they are (for what cannot leave the page: TF.js itself, say) and returns its
 * result. Like a predicate, fn may read only its parameters.
 */
export function inPage<R, A = null>(page: Page, fn: (hooks: TestHooks, arg: A) => R, arg: A = null as A): Promise<R> {
  return page.evaluate(`(${fn})(window.__tinygpt ?? {}, ${JSON.stringify(arg)})`) as Promise<R>;
}
