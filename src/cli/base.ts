// The base of every tokmix command: shared flags, progress display and the error policy
// (a UserError prints one line naming the input and exits 2; no stack trace for user mistakes).
import { Command, Flags } from '@oclif/core';
import { isUserError } from '../common/errors.js';
import { assertWritableDir } from '../common/fs-checks.js';
import { Cache, defaultCacheDir } from '../common/cache.js';
import { ProgressDisplay } from './progress-display.js';
import { guardTerminal, oneLine } from './terminal-text.js';
import { cleanUpOnStop, sweepStaleTempDirs } from '../common/process-cleanup.js';

export abstract class BaseCommand extends Command {
  static override baseFlags = {
    json: Flags.boolean({
      description: 'print the result as JSON on stdout and nothing else',
      default: false,
    }),
    'cache-dir': Flags.string({
      description: 'cache folder (default: $TOKMIX_CACHE or ~/.cache/tokmix)',
      helpGroup: 'GLOBAL',
      // Checked while the flags are parsed, before any work: a file or a read-only folder is refused.
      parse: async (input) => {
        assertWritableDir(input, '--cache-dir');
        return input;
      },
    }),
  };

  /** Whether the command reads or writes the cache; those that do check it before any work. */
  static usesCache = true;

  private progressDisplay?: ProgressDisplay;

  /** A cache folder from $TOKMIX_CACHE or the default is checked before work, like --cache-dir. */
  override async init(): Promise<void> {
    guardTerminal();
    cleanUpOnStop();
    sweepStaleTempDirs();
    await super.init();
    const flagGiven = this.argv.some((arg) => arg === '--cache-dir' || arg.startsWith('--cache-dir='));
    if (!(this.constructor as typeof BaseCommand).usesCache || flagGiven) return;
    assertWritableDir(defaultCacheDir(), process.env.TOKMIX_CACHE ? '$TOKMIX_CACHE' : 'the cache folder');
  }

  /** A progress renderer: bars on a terminal, a line per stage otherwise, silent under --json. */
  protected progress(json: boolean): ProgressDisplay {
    this.progressDisplay ??= new ProgressDisplay({ silent: json });
    return this.progressDisplay;
  }

  protected cache(cacheDir: string | undefined): Cache {
    return new Cache(this.cacheDir(cacheDir));
  }

  /** The cache folder: --cache-dir, else $TOKMIX_CACHE, else the default. */
  protected cacheDir(flag: string | undefined): string {
    return flag ?? defaultCacheDir();
  }

  /** Prints a value as JSON on stdout (the only stdout output under --json). */
  protected printJson(value: unknown): void {
    process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  protected override async catch(error: Error & { exitCode?: number }): Promise<unknown> {
    this.progressDisplay?.stop(true);
    if (isUserError(error)) {
      // oclif wraps an error thrown by a flag's parser in lines of its own; keep ours alone.
      const message = error.message.replace(/^Parsing --\S+ \n\t([\s\S]*)\nSee more help with --help$/, '$1');
      process.stderr.write(`tokmix: ${oneLine(message)}\n`);
      this.exit(2);
    }
    // oclif's own parse errors (unknown flag, missing argument, bad option) are the user's too.
    const parseError = error as Error & { oclif?: { exit?: number } };
    if (
      parseError.oclif?.exit === 2 ||
      /^(Unexpected argument|Nonexistent flag|Missing \d+ required|Expected |Parsing --)/m.test(
        parseError.message,
      )
    ) {
      process.stderr.write(
        `tokmix: ${oneLine(
          parseError.message
            .split('\n')
            .map((line) => line.trim())
            .filter(Boolean)
            .slice(0, 3)
            .join(' '),
        )}\n`,
      );
      this.exit(2);
    }
    return super.catch(error);
  }

  protected override async finally(error: Error | undefined): Promise<unknown> {
    this.progressDisplay?.stop();
    return super.finally(error);
  }
}
