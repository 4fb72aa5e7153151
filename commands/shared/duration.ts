import { parseChineseNumber } from './dates.js';
import { lookup } from './lookup.js';

/** A duration read from text, in whole minutes, or why the written duration cannot be stored. */
export type DurationParse = { ok: true; minutes: number } | { ok: false; error: string };

/** The forms named in every duration error. */
export const DURATION_EXAMPLES = '2小时、1.5h、90分钟、2h30m、半天';

const MAX_MINUTES = 24 * 60;
const NUM = '(\\d+(?:\\.\\d+)?|[零〇一二两三四五六七八九十百]+)';
const HOURS = '(?:个)?(?:小时|钟头|hours?|hrs?|h)';
const MINUTES = '(?:分钟|分|minutes?|mins?|m)';
const HOURS_MINUTES = new RegExp(`^${NUM}${HOURS}(?:(半)|${NUM}${MINUTES})?$`);
const ONLY_MINUTES = new RegExp(`^${NUM}${MINUTES}$`);
const AND_A_HALF = new RegExp(`^${NUM}个半(?:小时|钟头)$`);
const WORDS: Readonly<Record<string, number>> = { 半天: 240, 一天: 480, 全天: 480, '1天': 480, 半小时: 30, 半个小时: 30, 半个钟头: 30 };

/**
 * Reads a duration as people write it (`2小时`, `1.5h`, `90分钟`, `2h30m`, `一个半小时`, `半天` = 4 h, `一天` = 8 h);
 * undefined when the text is not a duration at all, an error when it is one but zero or over 24 hours.
 */
export function parseDuration(text: string): DurationParse | undefined {
  const s = text.normalize('NFKC').toLowerCase().replace(/\s+/g, '');
  const minutes = read(s);
  if (minutes === undefined) return undefined;
  const shown = text.trim();
  if (minutes <= 0) return { ok: false, error: `时长「${shown}」为 0：请写实际用时，如 ${DURATION_EXAMPLES}` };
  if (minutes > MAX_MINUTES) return { ok: false, error: `时长「${shown}」超过 24 小时：一次活动请按当次实际用时登记，如 ${DURATION_EXAMPLES}` };
  return { ok: true, minutes };
}

function read(s: string): number | undefined {
  const word = lookup(WORDS, s);
  if (word !== undefined) return word;
  const half = AND_A_HALF.exec(s);
  if (half) {
    const h = num(half[1]!);
    return h === undefined ? undefined : Math.round(h * 60) + 30;
  }
  const hm = HOURS_MINUTES.exec(s);
  if (hm) {
    const h = num(hm[1]!);
    const m = hm[2] ? 30 : hm[3] !== undefined ? num(hm[3]) : 0;
    return h === undefined || m === undefined ? undefined : Math.round(h * 60 + m);
  }
  const om = ONLY_MINUTES.exec(s);
  if (om) {
    const m = num(om[1]!);
    return m === undefined ? undefined : Math.round(m);
  }
  return undefined;
}

function num(s: string): number | undefined {
  if (/^\d+(?:\.\d+)?$/.test(s)) return Number(s);
  return parseChineseNumber(s);
}

/** Finds the duration among whitespace-separated words: a number and its unit typed apart, a whole word, else one written flush before or after the text (`2小时研讨`). */
export function extractDuration(words: readonly string[]): { duration?: DurationParse; rest: string[] } {
  // `2 小时`, `1 小时 30 分钟`: a number typed apart from its unit.
  for (let i = 0; i < words.length; i++) {
    if (!/^(\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百]+个?)$/.test(words[i]!)) continue;
    for (let n = Math.min(4, words.length - i); n >= 2; n--) {
      const joined = parseDuration(words.slice(i, i + n).join(''));
      if (joined !== undefined) return { duration: joined, rest: [...words.slice(0, i), ...words.slice(i + n)] };
    }
  }
  const whole = words.findIndex((w) => parseDuration(w) !== undefined);
  if (whole >= 0) return { duration: parseDuration(words[whole]!), rest: words.filter((_, i) => i !== whole) };
  for (const [i, w] of words.entries()) {
    const chars = [...w];
    for (let n = chars.length - 1; n > 0; n--) {
      const head = chars.slice(0, n).join('');
      const tail = chars.slice(n).join('');
      const lead = parseDuration(head);
      if (lead !== undefined && !/^[\d.]/.test(tail)) return { duration: lead, rest: [...words.slice(0, i), tail, ...words.slice(i + 1)] };
    }
    for (let n = 1; n < chars.length; n++) {
      const head = chars.slice(0, n).join('');
      const trail = parseDuration(chars.slice(n).join(''));
      if (trail !== undefined && !/[\d.]$/.test(head)) return { duration: trail, rest: [...words.slice(0, i), head, ...words.slice(i + 1)] };
    }
  }
  return { rest: [...words] };
}

/** `2小时`, `1.5小时`, `40分钟`, `1小时20分钟`: as replies and figures show a duration. */
export function formatDuration(minutes: number): string {
  if (minutes < 60) return `${minutes}分钟`;
  if (minutes % 30 === 0) return `${minutes / 60}小时`;
  return `${Math.floor(minutes / 60)}小时${minutes % 60}分钟`;
}
