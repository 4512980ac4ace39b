import { endProgressLines } from '@biofuse/core';
import { Command, CommanderError } from 'commander';
import { benchCommand } from './commands/bench';
import { datasetsCommand } from './commands/datasets';
import { enrollCommand, faceCommand, identifyCommand } from './commands/face';
import { fingerprintCommand } from './commands/fingerprint';
import { fuseCommand } from './commands/fuse';
import { reportCommand } from './commands/report';
import { scoreCommand } from './commands/score';
import { signatureCommand } from './commands/signature';
import { synthCommand } from './commands/synth';
import { EXIT, exitCodeFor, systemFailure } from './exit-codes';
import { removeUnwrittenOutputFolders } from './output-file';

export function buildProgram(): Command {
  const program = new Command('biofuse')
    .description('multimodal biometrics research platform: experiments, metrics, scoring and DET curves')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)');
  program.addCommand(benchCommand());
  program.addCommand(reportCommand());
  program.addCommand(scoreCommand());
  program.addCommand(fuseCommand());
  program.addCommand(datasetsCommand());
  program.addCommand(synthCommand());
  program.addCommand(faceCommand());
  program.addCommand(fingerprintCommand());
  program.addCommand(signatureCommand());
  program.addCommand(enrollCommand());
  program.addCommand(identifyCommand());
  // Usage errors go through the catch below, so every error path maps to one exit code.
  program.exitOverride();
  for (const c of program.commands) c.exitOverride();
  return program;
}

/** Runs the CLI and returns its exit code: 0 ok, 1 usage, 2 data error, 3 internal error. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  const unknown = unknownHelpTopic(program, argv.slice(2));
  if (unknown) {
    process.stderr.write(`biofuse: no command "${unknown.topic}" to help with (commands of ${unknown.command}: ${unknown.known.join(', ')})\n`);
    return EXIT.usage;
  }
  try {
    await program.parseAsync([...argv]);
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end with exit code 0; anything else commander rejects is usage.
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    // Whatever command failed, its message starts a line of its own, not the end of a bar's.
    endProgressLines();
    // Folders made for output files the command never wrote (made first, to fail before the work).
    removeUnwrittenOutputFolders();
    const code = exitCodeFor(err);
    const message = systemFailure(err) ?? (err instanceof Error ? err.message : String(err));
    process.stderr.write(code === EXIT.internal ? `biofuse: internal error: ${err instanceof Error ? (err.stack ?? message) : message}\n` : `biofuse: ${message}\n`);
    return code;
  }
}

/** `help <topic>` naming no command: commander prints the whole help and names nothing. */
function unknownHelpTopic(program: Command, args: readonly string[]): { topic: string; command: string; known: string[] } | undefined {
  let command = program;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === 'help' && i + 1 < args.length) {
      const known = command.commands.map((c) => c.name());
      return known.includes(args[i + 1]) ? undefined : { topic: args[i + 1], command: command.name(), known };
    }
    const next = command.commands.find((c) => c.name() === args[i]);
    if (!next) return undefined;
    command = next;
  }
  return undefined;
}
