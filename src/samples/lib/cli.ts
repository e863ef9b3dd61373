// Command-line options of the sample programs. Every option is a number given as
// `--name <value>` (or `--name=<value>`); each sample declares its options with a default,
// a lower bound and a line of help. Bad input stops the program with a clear message
// before it creates any queue.

import { parseArgs } from 'node:util';

export interface NumberOption {
  default: number;
  /** Smallest accepted value (inclusive). */
  min: number;
  help: string;
}

export type OptionSpec = Record<string, NumberOption>;
export type Options<S extends OptionSpec> = { [K in keyof S]: number };

/** Thrown by parseOptions for unknown options, missing values and values out of range. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Parse `argv` against `spec`. Pure: throws UsageError instead of exiting. */
export function parseOptions<S extends OptionSpec>(spec: S, argv: string[]): Options<S> & { help: boolean } {
  const config: Record<string, { type: 'string' } | { type: 'boolean' }> = { help: { type: 'boolean' } };
  for (const name of Object.keys(spec)) config[name] = { type: 'string' };
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: argv, options: config, strict: true, allowPositionals: false }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const out: Record<string, number | boolean> = { help: values.help === true };
  for (const [name, option] of Object.entries(spec)) {
    const raw = values[name];
    if (raw === undefined) {
      out[name] = option.default;
      continue;
    }
    const value = Number(raw);
    if (typeof raw !== 'string' || raw.trim() === '' || !Number.isFinite(value)) {
      throw new UsageError(`--${name} expects a number, got ${JSON.stringify(raw)}`);
    }
    if (value < option.min) throw new UsageError(`--${name} must be at least ${option.min}, got ${value}`);
    out[name] = value;
  }
  return out as Options<S> & { help: boolean };
}

/** The usage text of a sample: one line per option with its default. */
export function usage(sample: string, spec: OptionSpec): string {
  const lines = [`usage: node ${sample}.js [options]`];
  for (const [name, option] of Object.entries(spec)) {
    lines.push(`  --${name} <n>`.padEnd(20) + `${option.help} (default ${option.default})`);
  }
  return lines.join('\n');
}

/** Parse the process's own arguments; print usage and exit on --help or bad input. */
export function readOptions<S extends OptionSpec>(sample: string, spec: S, argv: string[] = process.argv.slice(2)): Options<S> {
  try {
    const parsed = parseOptions(spec, argv);
    if (parsed.help) {
      console.log(usage(sample, spec));
      process.exit(0);
    }
    return parsed;
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`${sample}: ${err.message}\n${usage(sample, spec)}`);
    process.exit(2);
  }
}
