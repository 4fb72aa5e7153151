import { escapeText } from './escape.js';

declare const TEXT: unique symbol;

/** A text-message body that is escaped and fits Feishu's 150 KB; made only by `textMessage`. */
export type TextMessage = string & { readonly [TEXT]: true };

/** Feishu refuses a text message whose request body passes 150 KB; the rest of the budget is the JSON around it. */
export const TEXT_BUDGET_BYTES = 120 * 1024;

/**
 * The one way to a text message: lines joined, markup escaped (`escapeText`), and cut to fit at a line break with
 * `…另有 N 行未显示` when too long. Escaping the whole message is lossless because Duban's own text has no markup.
 */
export function textMessage(content: string | readonly string[], budget = TEXT_BUDGET_BYTES): TextMessage {
  const text = escapeText(typeof content === 'string' ? content : content.join('\n'));
  if (size(text) <= budget) return text as TextMessage;
  const lines = text.split('\n');
  const kept: string[] = [];
  let used = 0;
  for (const line of lines) {
    const cost = size(line) + 2;
    if (used + cost > budget - 200) break;
    kept.push(line);
    used += cost;
  }
  if (kept.length === 0) kept.push(cutChars(lines[0]!, budget - 200));
  const left = lines.length - kept.length;
  return [...kept, left > 0 ? `…另有 ${left} 行未显示（内容过长）` : '…（内容过长，已截断）'].join('\n') as TextMessage;
}

// What the message costs inside `{"text": …}`: JSON escapes make quotes, backslashes and control characters longer.
function size(s: string): number {
  return Buffer.byteLength(JSON.stringify(s));
}

function cutChars(s: string, budget: number): string {
  return longestPrefix(s, (p) => size(p) <= budget);
}

/** The longest prefix (whole characters) that `fits`, by bisection: a 300 KB line takes 20 measurements, not 300,000. */
export function longestPrefix(s: string, fits: (prefix: string) => boolean): string {
  const chars = [...s];
  let lo = 0;
  let hi = chars.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(chars.slice(0, mid).join(''))) lo = mid;
    else hi = mid - 1;
  }
  return chars.slice(0, lo).join('');
}
