import { readFileSync } from 'node:fs';
import { ConfigError } from './config-error';

/**
 * The helpers every section's parser shares. Each one reads one variable and, when the value is bad, throws a
 * ConfigError whose message begins with that variable's name and quotes what was given.
 */

/** The environment as the parsers see it (process.env, or a test's object). */
export type Env = Readonly<Record<string, string | undefined>>;

/** The trimmed value, or undefined when the variable is unset or blank. */
export const optional = (value: string | undefined): string | undefined => (value?.trim() ? value.trim() : undefined);

/** `true` or `false` (any case, surrounding spaces ignored); unset or blank: `fallback`. */
export const flag = (env: Env, variable: string, fallback: boolean): boolean => {
  const raw = env[variable]?.trim().toLowerCase() ?? '';
  if (raw === '') return fallback;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw new ConfigError(variable, `must be true or false, got "${env[variable]}"`);
};

/**
 * A whole number from `min` to `max`; unset or blank: `fallback`. `what` completes "must be …" in the message
 * (e.g. "a whole number of hours from 1 to 24").
 */
export const wholeNumber = (env: Env, variable: string, options: { fallback: number; min: number; max: number; what: string }): number => {
  const raw = env[variable]?.trim() || String(options.fallback);
  if (!/^\d+$/.test(raw) || Number(raw) < options.min || Number(raw) > options.max)
    throw new ConfigError(variable, `must be ${options.what}, got "${env[variable]}"`);
  return Number(raw);
};

/** An absolute URL; `message` says what was expected when `raw` does not parse. */
export const url = (variable: string, raw: string, message: string): URL => {
  try {
    return new URL(raw);
  } catch {
    throw new ConfigError(variable, message);
  }
};

/**
 * A value given inline or as a path to a file holding it: `inline(value)` tells which (a PEM's `-----BEGIN`, a
 * JSON object's `{`). `what` names the file in the message ("key", "contacts").
 */
export const inlineOrFile = (variable: string, value: string, inline: (value: string) => boolean, what: string): string => {
  if (inline(value)) return value;
  try {
    return readFileSync(value, 'utf8');
  } catch (e) {
    throw new ConfigError(variable, `cannot read the ${what} file ${value}: ${(e as Error).message}`);
  }
};

/** A PEM given inline or as a path to a PEM file. */
export const pemOrFile = (variable: string, value: string): string => inlineOrFile(variable, value, (v) => v.startsWith('-----BEGIN'), 'key');

/** The folder that holds the store's file: the local secrets and keys are kept beside it. */
export const dataFolderOf = (sqliteFile: string): string => {
  const slash = sqliteFile.lastIndexOf('/');
  return slash < 0 ? '.' : sqliteFile.slice(0, slash) || '/';
};

/**
 * Whether the service runs in production: `NODE_ENV` is `production` in any case, with any surrounding spaces
 * (`Production`, ` PRODUCTION `). The one place the configuration asks; a near miss must never relax a check.
 */
export const isProduction = (env: Env): boolean => env.NODE_ENV?.trim().toLowerCase() === 'production';
