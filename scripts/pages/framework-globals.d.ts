// What Framework gives every cell of a page without an import, for scripts/pages/check.ts (not part of tsconfig.json:
// modules never see these). view() and the Generators return generators, as they do; a cell that reads another
// cell's variable gets its value (CellValue, below).

/** Displays an input; other cells read its current value (.value, updated on every "input" event). */
declare function view<T>(element: Element & {value: T}): AsyncGenerator<T>;
/** Displays value in the cell's place (a cell whose code is an expression is displayed implicitly); returns it. */
declare function display<T>(value: T): T;
/** The width of the main column, in pixels; cells that read it run again when it changes. */
declare const width: number;
/** The current time in milliseconds; cells that read it run again on every animation frame. */
declare const now: number;
/** Resolves when the cell is about to run again or the page is closed: dispose of what the cell made. */
declare const invalidation: Promise<void>;
/** Resolves with value once the cell is visible on screen. */
declare function visibility<T = undefined>(value?: T): Promise<T>;
/** A value that other cells read and that the declaring cell may set through .value. */
declare function Mutable<T>(value: T): AsyncGenerator<T> & {value: T};
/** Renders with the container's width (and height, if fixed) and renders again when it changes. */
declare function resize(render: (width: number, height: number) => Node | string | null): Node;

interface FrameworkFile {
  name: string;
  mimeType: string;
  href: string;
  url(): Promise<string>;
  text(): Promise<string>;
  json(): Promise<unknown>;
  arrayBuffer(): Promise<ArrayBuffer>;
  blob(): Promise<Blob>;
  stream(): Promise<ReadableStream<Uint8Array>>;
}
/** A file beside the page (a static literal path), served content-hashed by Framework. */
declare function FileAttachment(name: string): FrameworkFile;

declare namespace Generators {
  /** The values of an input's .value, one per "input" event. */
  function input<T>(element: Element & {value: T}): AsyncGenerator<T>;
  /** The values notify() is called with (the latest one when read); initialize returns a disposer. */
  function observe<T = unknown>(initialize: (notify: (value: T) => void) => void | (() => void)): AsyncGenerator<T>;
  /** Like observe, but every value notified is read in turn, none skipped. */
  function queue<T = unknown>(initialize: (notify: (value: T) => void) => void | (() => void)): AsyncGenerator<T>;
  /** The current time, on every animation frame. */
  function now(): Generator<number>;
  /** An element's width, whenever it changes. */
  function width(element: Element): AsyncGenerator<number>;
}

/** What another cell reads from a variable: a promise's value, a generator's latest value, or the value itself. */
type CellValue<V> =
  V extends AsyncGenerator<infer Y, unknown, never>
    ? Awaited<Y>
    : V extends Generator<infer Y, unknown, never>
      ? Awaited<Y>
      : Awaited<V>;
/** scripts/pages/cells.ts: a cell's variables as the cells that read them see them. */
declare function __frameworkCell<T extends object>(variables: T): {[K in keyof T]: CellValue<T[K]>};
