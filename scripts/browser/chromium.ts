// Headless Chromium for the browser tests, the bench and the README's screenshot.
import {chromium, type Browser} from "playwright-core";
import {existsSync} from "node:fs";

/** Where Chromium is found: $CHROMIUM_PATH, else Debian's /usr/bin/chromium (installed by .ci/run). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const BASE_FLAGS = [
  "--no-sandbox",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic"
];

/** WebGPU (and WebGL) through SwiftShader: software, but real. */
export const WEBGPU_FLAGS = [
  "--enable-unsafe-webgpu",
  "--enable-features=Vulkan",
  "--use-vulkan=swiftshader",
  "--use-webgpu-adapter=swiftshader",
  "--enable-unsafe-swiftshader",
  "--use-angle=swiftshader"
];

export async function launch({webgpu}: {webgpu: boolean}): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH`);
  const args = webgpu ? [...BASE_FLAGS, ...WEBGPU_FLAGS] : [...BASE_FLAGS, "--disable-gpu"];
  return chromium.launch({executablePath: CHROMIUM, headless: true, args});
}
