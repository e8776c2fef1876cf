// Types for the untyped libraries the pages import (htl, @observablehq/inputs), as the pages use them; the pages'
// code is type-checked against them by scripts/pages/check.ts.
declare module "htl" {
  type Template<T> = (strings: TemplateStringsArray, ...values: unknown[]) => T;
  /** The template's root element (a template with several roots gives a fragment: use html.fragment for those). */
  export const html: Template<HTMLElement> & {fragment: Template<DocumentFragment>};
  export const svg: Template<SVGElement> & {fragment: Template<DocumentFragment>};
}

declare module "@observablehq/inputs" {
  /** An input: a form element whose .value is what view() gives the cells that read it. */
  type Input<T> = HTMLFormElement & {value: T};
  type Content = string | Node;
  interface Options<T> {
    label?: Content;
    value?: T;
    disabled?: boolean;
    width?: number | string;
  }
  interface RangeOptions extends Options<number> {
    step?: number;
    format?: (value: number) => string;
    placeholder?: string;
    transform?: (value: number) => number;
    invert?: (value: number) => number;
  }
  interface ChoiceOptions<T> extends Omit<Options<T>, "value"> {
    /** One of the data (the data alone decide T). */
    value?: NoInfer<T>;
    format?: (value: T) => Content;
    valueof?: (value: T) => unknown;
    sort?: boolean | ((a: T, b: T) => number);
    unique?: boolean;
  }
  interface TextOptions extends Options<string> {
    placeholder?: string;
    rows?: number;
    minlength?: number;
    maxlength?: number;
    submit?: boolean | string;
    spellcheck?: boolean;
  }
  export function range(extent?: [number, number], options?: RangeOptions): Input<number>;
  export function number(extent?: [number, number], options?: RangeOptions): Input<number>;
  /** One of the data: a number, or exactly one of the strings (or objects) given. */
  export function radio(data: Iterable<number>, options?: ChoiceOptions<number>): Input<number>;
  export function radio<const T>(data: Iterable<T>, options?: ChoiceOptions<T>): Input<T>;
  export function select(data: Iterable<number>, options?: ChoiceOptions<number>): Input<number>;
  export function select<const T>(data: Iterable<T>, options?: ChoiceOptions<T>): Input<T>;
  export function toggle(options?: Options<boolean>): Input<boolean>;
  export function text(options?: TextOptions): Input<string>;
  export function textarea(options?: TextOptions): Input<string>;
  /** One button counting its clicks, or several, each [content, reduce]: the value is what the last reduce returned. */
  export function button(content?: Content, options?: Options<number>): Input<number>;
  export function button<T>(
    content: [Content, (value: T) => T][],
    options?: Options<T> & {required?: boolean}
  ): Input<T>;
  /** Several inputs as one: its value has each input's value under the input's key. */
  export function form<T extends Record<string, Input<unknown>>>(
    inputs: T,
    options?: {template?: (inputs: T) => Node}
  ): Input<{[K in keyof T]: T[K]["value"]}>;
}
