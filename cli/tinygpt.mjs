#!/usr/bin/env node
// The `tinygpt` command: registers tsx so Node can load the TypeScript sources, then runs cli/main.ts.
import {register} from "tsx/esm/api";

register();
await import("./main.ts");
