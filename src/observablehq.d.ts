// Types for the modules Framework provides to pages and local modules at build time.
declare module "observablehq:stdlib" {
  interface AbstractFile {
    name: string;
    href: string;
    mimeType: string;
    url(): Promise<string>;
    text(): Promise<string>;
    arrayBuffer(): Promise<ArrayBuffer>;
  }
  export function FileAttachment(name: string): AbstractFile;
}
