// The tinygpt command as a user runs it, for the CLI tests.
import assert from "node:assert/strict";
import {execFile} from "node:child_process";

/** Runs the real bin (stderr is a pipe, not a terminal). */
export function tinygpt(...args: string[]): Promise<{status: number; stdout: string; stderr: string}> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["cli/tinygpt.mjs", ...args], {maxBuffer: 1 << 26}, (error, stdout, stderr) =>
      resolve({status: error ? Number(error.code) : 0, stdout, stderr})
    );
  });
}

/** A failure: nothing on stdout, exactly one "tinygpt: error: ..." line on stderr, the given status. */
export async function fails(args: string[], status: number, message: RegExp): Promise<void> {
  const r = await tinygpt(...args);
  assert.equal(r.status, status, `${args.join(" ")}: ${r.stderr}`);
  assert.equal(r.stdout, "");
  assert.match(r.stderr, /^tinygpt: error: [^\n]+\n$/);
  assert.match(r.stderr, message);
}
