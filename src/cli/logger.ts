/**
 * The CLI's pino logger: JSON lines on stdout, or readable lines ({@link prettyLine}) on a terminal.
 *
 * @module
 */
import { pino, type Level, type Logger as Pino } from 'pino';
import { prettyLine } from './pretty.js';

/** The value of `--log-format`. */
export type LogFormat = 'auto' | 'json' | 'pretty';

/** What `auto` becomes: pretty on a terminal, JSON for anything that collects logs (a pipe, a file, a container). */
export function chooseFormat(format: LogFormat, isTTY: boolean): 'json' | 'pretty' {
  return format === 'auto' ? (isTTY ? 'pretty' : 'json') : format;
}

/** Options of {@link createCliLogger}. */
export interface CliLoggerOptions {
  readonly level: Level | 'silent';
  readonly format: LogFormat;
  /** Where lines go. @default process.stdout */
  readonly out?: NodeJS.WriteStream;
  /** The environment, for `NO_COLOR`. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** A pino logger writing in the chosen format. */
export function createCliLogger(options: CliLoggerOptions): Pino {
  const out = options.out ?? process.stdout;
  const format = chooseFormat(options.format, out.isTTY === true);
  if (format === 'json') return pino({ level: options.level });
  // A pipe or a terminal is written synchronously on Linux, so lines keep their order up to process.exit.
  const color = out.isTTY === true && (options.env ?? process.env).NO_COLOR === undefined;
  return pino({ level: options.level }, { write: (line: string) => void out.write(prettyLine(line, { color })) });
}
