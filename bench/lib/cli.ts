import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

/** A mistyped option or value: the message and the usage on stderr, exit code 2, no stack trace. */
export function usageError(message: string, usage: string): never {
  console.error(`${message}\n\n${usage}`);
  process.exit(2);
}

/** The command line read against `options`; `--help` prints `usage` and exits 0. */
export function readOptions<const O extends Options>(
  options: O,
  usage: string,
): ReturnType<typeof parseArgs<{ options: O }>>['values'] {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({ options: { ...options, help: { type: 'boolean', default: false } } }));
  } catch (err) {
    usageError((err as Error).message, usage);
  }
  if (values.help === true) {
    console.log(usage);
    process.exit(0);
  }
  return values as ReturnType<typeof parseArgs<{ options: O }>>['values'];
}

/** An integer option of at least `min`, else a usage error. */
export function intOption(name: string, raw: string, min: number, usage: string): number {
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min) usageError(`--${name} must be an integer >= ${min}`, usage);
  return v;
}
