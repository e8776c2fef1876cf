// tinygpt: count, initialise and run tiny GPTs from the command line. Run by cli/tinygpt.mjs.
// Exit status: 0 success; 1 a file or model problem; 2 a usage error. Failures print one line on stderr.
import * as tf from "@tinygpt/tf";
import {CheckpointError} from "../src/gpt/checkpoint.js";
import {ConfigError} from "../src/gpt/config.js";
import {TokenizerError} from "../src/gpt/tokenizer.js";
import {merge} from "./adapter.js";
import {CliError, UsageError} from "./args.js";
import {COMMANDS as BASE} from "./commands.js";
import {evalCommand} from "./eval.js";
import {finetuneCommand} from "./finetune.js";
import {sample} from "./sample.js";
import {TOKENIZER_COMMANDS} from "./tokenizer.js";
import {trainCommand} from "./train.js";

const COMMANDS: typeof BASE = {
  ...{...BASE, train: trainCommand, sample, eval: evalCommand, ...TOKENIZER_COMMANDS},
  ...{finetune: finetuneCommand, merge}
};

const HELP = `Usage: tinygpt COMMAND [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(11)}${c.summary}`)
  .join("\n")}
  help       show this help, or a command's: tinygpt help COMMAND

Run tinygpt COMMAND --help for a command's options.
Exit status: 0 on success; 1 for a file or model problem (unreadable file, bad checkpoint or config,
tokens outside the vocabulary or context); 2 for a usage error (unknown command or option, missing or
malformed value). Errors are one line on stderr: "tinygpt: error: ...".`;

export async function main(argv: string[], out = (text: string) => void process.stdout.write(text + "\n")) {
  const [name, ...rest] = argv;
  if (name === undefined) throw new UsageError("no command given; run tinygpt --help");
  if (name === "--help" || name === "-h" || (name === "help" && rest.length === 0)) return out(HELP);
  if (name === "help") {
    const command = COMMANDS[rest[0]];
    if (!command || rest.length > 1) throw new UsageError(`help: unknown command ${JSON.stringify(rest.join(" "))}`);
    return out(`Usage: ${command.usage}`);
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) throw new UsageError(`unknown command ${JSON.stringify(name)}; run tinygpt --help`);
  if (rest.includes("--help") || rest.includes("-h")) return out(`Usage: ${command.usage}`);
  tf.enableProdMode(); // no "install tfjs-node" banner or debug warnings on stderr
  await command.run(rest, out);
}

try {
  await main(process.argv.slice(2));
} catch (error) {
  const known = [CliError, CheckpointError, ConfigError, TokenizerError].some((E) => error instanceof E);
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`tinygpt: error: ${known ? "" : "internal: "}${message.replace(/\s*\n\s*/g, " ")}\n`);
  if (process.env.TINYGPT_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  process.exitCode = error instanceof CliError ? error.status : 1;
}
