import { formatInstant } from '../domain/time.ts';
import { usageError } from './context.ts';
import type { Translator } from './i18n/index.ts';

// Values of options, checked before any request so that a typo is a usage error (exit code 2).

const RELATIVE_TIME = /^now(?:([+-])(\d+)([smhd]))?$/i;
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Converts a time option for the API. `now`, `now-2h` and `now+30m` become ISO-8601 UTC against the given
 * clock reading; ISO-8601 and epoch seconds pass through unchanged, because the server validates
 * them and explains any rejection by its error code.
 */
export function timeArgument(value: string, option: string, nowMs: number, t: Translator): string {
  const text = value.trim();
  const relative = RELATIVE_TIME.exec(text);
  if (relative) {
    const [, sign, amount, unit] = relative;
    let offset = 0;
    if (sign) offset = Number(amount) * UNIT_MS[unit!.toLowerCase()]!;
    if (sign === '-') offset = -offset;
    // Whole seconds: the windows people type are on seconds, and so are epoch-seconds requests.
    return formatInstant(Math.floor((nowMs + offset) / 1000) * 1000);
  }
  if (/^-?\d+(\.\d+)?$/.test(text) || /^\d{4}-\d{2}-\d{2}/.test(text)) return text;
  throw usageError(t.t('error.invalidTime', { option, value }));
}

export function choiceArgument<T extends string>(
  value: string,
  option: string,
  choices: readonly T[],
  t: Translator,
): T {
  if ((choices as readonly string[]).includes(value)) return value as T;
  throw usageError(t.t('error.invalidChoice', { option, value, choices: choices.join(', ') }));
}

export function integerArgument(value: string, option: string, min: number, max: number, t: Translator): number {
  const number = Number(value);
  if (Number.isInteger(number) && number >= min && number <= max) return number;
  throw usageError(t.t('error.invalidNumber', { option, value, min, max }));
}

export const runStatuses = ['scheduled', 'inProgress', 'success', 'failed', 'cancelled'] as const;
export type RunStatus = (typeof runStatuses)[number];

/** `failed,success` → the same list, each status checked. */
export function statusListArgument(value: string, t: Translator): string {
  return value
    .split(',')
    .map((status) => choiceArgument(status.trim(), '--status', runStatuses, t))
    .join(',');
}
