// Type-checks pages' modules (scripts/pages/cells.ts) with TypeScript: checkJs, the project's strict options, the
// browser's DOM, Framework's globals (framework-globals.d.ts), and imports resolved to the real src/ modules.
import ts from "typescript";
import {dirname, join, resolve} from "node:path";
import {fileURLToPath} from "node:url";

const GLOBALS = join(dirname(fileURLToPath(import.meta.url)), "framework-globals.d.ts");

export interface Diagnostic {
  /** The module's file name as given. */
  file: string;
  /** 0-based line and column in the module. */
  line: number;
  column: number;
  message: string;
  code: number;
}

/** modules: file name (e.g. src/01-tokens.md.js, where its relative imports resolve from) → module text. */
export function typecheckModules(modules: Map<string, string>, root = process.cwd()): Diagnostic[] {
  const config = ts.getParsedCommandLineOfConfigFile(
    join(root, "tsconfig.json"),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
      }
    }
  );
  if (!config) throw new Error("tsconfig.json could not be read");
  const options: ts.CompilerOptions = {
    ...config.options,
    allowJs: true,
    checkJs: true,
    noEmit: true,
    types: [], // pages run in the browser: no Node globals
    noUnusedLocals: false, // ESLint reports unused names, once
    noUnusedParameters: false
  };
  const virtual = new Map([...modules].map(([name, text]) => [resolve(root, name), text]));
  const host = ts.createCompilerHost(options);
  const {getSourceFile, fileExists, readFile} = host;
  host.fileExists = (name) => virtual.has(resolve(name)) || fileExists.call(host, name);
  host.readFile = (name) => virtual.get(resolve(name)) ?? readFile.call(host, name);
  host.getSourceFile = (name, language, onError, create) => {
    const text = virtual.get(resolve(name));
    return text === undefined
      ? getSourceFile.call(host, name, language, onError, create)
      : ts.createSourceFile(name, text, language, true, ts.ScriptKind.JS);
  };
  // the ambient declarations of src/ (e.g. observablehq:stdlib) come with it, as tsc sees them
  const ambient = config.fileNames.filter((name) => name.endsWith(".d.ts") && !name.includes("node_modules"));
  const program = ts.createProgram([...virtual.keys(), GLOBALS, ...ambient], options, host);
  const diagnostics: Diagnostic[] = [];
  for (const [path] of virtual) {
    const source = program.getSourceFile(path);
    if (!source) throw new Error(`${path} was not part of the program`);
    for (const d of [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)]) {
      if (dependsOn(source, d)) continue;
      const {line, character} = source.getLineAndCharacterOfPosition(d.start ?? 0);
      const file = [...modules.keys()].find((name) => resolve(root, name) === path)!;
      diagnostics.push({
        file,
        line,
        column: character,
        message: ts.flattenDiagnosticMessageText(d.messageText, " "),
        code: d.code
      });
    }
  }
  return diagnostics;
}

/**
 * `(name, value)`: a bare name on the left of a comma makes a cell depend on that name, so that it runs again when the
 * name changes (Framework's idiom); TypeScript calls it an unused expression (2695), which it is not here.
 */
function dependsOn(source: ts.SourceFile, d: ts.Diagnostic): boolean {
  if (d.code !== 2695 || d.start === undefined || d.length === undefined) return false;
  return /^[A-Za-z_$][\w$]*$/.test(source.text.slice(d.start, d.start + d.length));
}
