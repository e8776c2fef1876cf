// Lints pages' modules (scripts/pages/cells.ts) with the project's eslint.config.js, which has a block for them
// (files src/**/*.md.js).
import {ESLint} from "eslint";

export interface LintMessage {
  file: string;
  /** 0-based line and column in the module. */
  line: number;
  column: number;
  message: string;
  rule: string;
}

export async function lintModules(modules: Map<string, string>, root = process.cwd()): Promise<LintMessage[]> {
  const eslint = new ESLint({cwd: root});
  const messages: LintMessage[] = [];
  for (const [file, text] of modules) {
    for (const result of await eslint.lintText(text, {filePath: file})) {
      for (const m of result.messages) {
        messages.push({
          file,
          line: m.line - 1,
          column: m.column - 1,
          message: m.message,
          rule: m.ruleId ?? (m.fatal ? "parse" : "eslint")
        });
      }
    }
  }
  return messages;
}
