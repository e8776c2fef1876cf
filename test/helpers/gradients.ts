// @tinygpt/tf does not register tfjs-core's gradients (neither entry imports register_all_gradients).
// Until it does, tests register them here: tfjs-core keeps its engine and gradient registry on globalThis,
// so a separately bundled copy of register_all_gradients fills the registry the library uses.
import * as tf from "@tinygpt/tf";
import {build} from "esbuild";

export async function ensureGradients(): Promise<void> {
  if (tf.getGradient("Sum")) return;
  const result = await build({
    stdin: {contents: 'import "@tensorflow/tfjs-core/dist/register_all_gradients";', resolveDir: process.cwd()},
    bundle: true,
    format: "esm",
    platform: "node",
    write: false,
    logLevel: "silent"
  });
  await import(`data:text/javascript;base64,${Buffer.from(result.outputFiles[0].text).toString("base64")}`);
  if (!tf.getGradient("Sum")) throw new Error("could not register tfjs-core's gradients");
}
