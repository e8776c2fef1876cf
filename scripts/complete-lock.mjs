// The npm registry this project is built against serves only some platforms' builds of packages such as rollup, so
// `npm install` leaves the other platforms' optional dependencies out of package-lock.json, and `npm ci` then refuses
// the lock. This adds each missing one as an optional, platform-restricted entry (never installed on another
// platform). Run after changing dependencies: `npm install && node scripts/complete-lock.mjs`;
// `--check` (part of `npm run lint`) only reports, and fails if an entry is missing.
import {readFileSync, writeFileSync} from "node:fs";

const OS = ["android", "darwin", "freebsd", "linux", "openbsd", "openharmony", "win32", "sunos", "aix", "netbsd"];
const CPU = ["arm64", "arm", "x64", "ia32", "loong64", "ppc64", "riscv64", "s390x", "mips64el"];

const lock = JSON.parse(readFileSync("package-lock.json", "utf-8"));
let added = 0;
for (const [path, entry] of Object.entries(lock.packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const parent = path ? `${path}/node_modules/${name}` : `node_modules/${name}`;
    const hoisted = `node_modules/${name}`;
    if (lock.packages[parent] || lock.packages[hoisted]) continue;
    const parts = name.split("/").pop().split("-");
    const os = parts.find((p) => OS.includes(p));
    const cpu = parts.find((p) => CPU.includes(p));
    if (!os || !cpu) throw new Error(`cannot tell the platform of ${name}; add its lock entry by hand`);
    const libc = /-(gnu|gnueabihf|musl|musleabihf)$/.exec(name)?.[1];
    lock.packages[hoisted] = {
      version,
      optional: true,
      os: [os],
      cpu: [cpu],
      ...(libc ? {libc: [libc.startsWith("musl") ? "musl" : "glibc"]} : {})
    };
    added += 1;
  }
}
if (process.argv.includes("--check")) {
  if (added) {
    console.error(
      `package-lock.json lacks ${added} platform entries, so npm ci would fail: run node scripts/complete-lock.mjs`
    );
    process.exit(1);
  }
} else {
  writeFileSync("package-lock.json", `${JSON.stringify(lock, null, 2)}\n`);
  console.log(`complete-lock: added ${added} platform entries`);
}
