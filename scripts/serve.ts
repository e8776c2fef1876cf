// Serves the built site (dist/) on localhost: `npm start`. Sets COOP/COEP so the wasm backend may use threads (the
// browser tests also serve it without them, as a plain static host would).
import {createServer, type Server} from "node:http";
import type {AddressInfo} from "node:net";
import {readFile, stat} from "node:fs/promises";
import {extname, join, normalize, resolve} from "node:path";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".txt": "text/plain; charset=utf-8",
  ".safetensors": "application/octet-stream",
  ".woff2": "font/woff2"
};

/** Starts a static server for `root`; resolves with the server once it listens. isolate: false leaves out COOP/COEP. */
export async function serve(
  root: string,
  {port = 3000, host = "127.0.0.1", quiet = false, isolate = true} = {}
): Promise<Server> {
  const base = resolve(root);
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", "http://localhost");
      let path = normalize(join(base, decodeURIComponent(url.pathname)));
      if (!path.startsWith(base)) throw Object.assign(new Error("outside root"), {code: "ENOENT"});
      if ((await stat(path).catch(() => null))?.isDirectory()) path = join(path, "index.html");
      else if (!extname(path) && (await stat(`${path}.html`).catch(() => null))) path = `${path}.html`;
      const body = await readFile(path);
      const isolation = {"cross-origin-opener-policy": "same-origin", "cross-origin-embedder-policy": "require-corp"};
      res.writeHead(200, {
        "content-type": TYPES[extname(path)] ?? "application/octet-stream",
        ...(isolate ? isolation : {}),
        "cache-control": "no-cache"
      });
      res.end(body);
    } catch {
      res.writeHead(404, {"content-type": "text/plain; charset=utf-8"});
      res.end("not found");
    }
  });
  await new Promise<void>((ok, fail) => server.once("error", fail).listen(port, host, ok));
  if (!quiet) console.log(`TinyGPT Course: http://${host}:${(server.address() as AddressInfo).port}/`);
  return server;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const port = Number(process.env.PORT ?? 3000);
  await serve("dist", {port}).catch((error: Error) => {
    console.error(`could not serve dist/ on port ${port}: ${error.message} (set PORT=… to use another port)`);
    process.exit(1);
  });
}
