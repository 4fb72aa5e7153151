import { UserError, type Mention } from '../types.js';

// What IMEs put between fields: `测试，责任单位:办公室；时限:12月31日`.
const SEPARATORS = ',，、;；。';
const TRAILING = new RegExp(`[\\s${SEPARATORS}]+$`);

/** Splits `描述 责任单位:数据科 时限：12月31日` (fields after spaces or Chinese punctuation, either colon) into free text and the named fields. */
export function splitFields(args: string, keys: readonly string[]): { rest: string; fields: Record<string, string> } {
  const fields: Record<string, string> = {};
  const pattern = new RegExp(`(?:^|[\\s${SEPARATORS}])(${keys.map(escape).join('|')})\\s*[:：]`, 'g');
  const hits = [...args.matchAll(pattern)];
  if (hits.length === 0) return { rest: args.trim(), fields };
  const rest = args.slice(0, hits[0]!.index).replace(TRAILING, '').trim();
  hits.forEach((h, i) => {
    const start = h.index! + h[0].length;
    const end = i + 1 < hits.length ? hits[i + 1]!.index! : args.length;
    fields[h[1]!] = args.slice(start, end).replace(TRAILING, '').trim();
  });
  return { rest, fields };
}

/** The mentions written inside a fragment of the arguments, in order. */
export function mentionsIn(fragment: string, mentions: readonly Mention[]): Mention[] {
  return mentions
    .map((m) => ({ m, at: fragment.indexOf(`@${m.name}`) }))
    .filter((x) => x.at >= 0)
    .sort((a, b) => a.at - b.at)
    .map((x) => x.m);
}

/** Removes `@名字` tokens of the given mentions from text. */
export function withoutMentions(text: string, mentions: readonly Mention[]): string {
  let out = text;
  for (const m of mentions) out = out.split(`@${m.name}`).join(' ');
  return out.replace(/ +/g, ' ').trim();
}

/** Exactly one mention in a fragment, or a UserError naming the field. */
export function oneMention(fragment: string | undefined, mentions: readonly Mention[], field: string): Mention {
  const found = fragment === undefined ? [] : mentionsIn(fragment, mentions);
  if (found.length === 0) throw new UserError(`${field}需要 @ 一位同事（在飞书里输入 @ 选择成员）。`);
  if (found.length > 1) throw new UserError(`${field}只能 @ 一位同事，收到 ${found.length} 位：${found.map((m) => m.name).join('、')}。`);
  return found[0]!;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A field the user left out: its name and how to write it (empty when the name says it all). */
export interface MissingField {
  name: string;
  how: string;
}

/** One refusal naming every missing field, and the user's own command with placeholders in the gaps. */
export function missingFieldsError(missing: readonly MissingField[], corrected: string): UserError {
  const say = (m: MissingField) => (m.how ? `${m.name}：${m.how}` : `${m.name}。`);
  const head = missing.length === 1 ? `缺少${say(missing[0]!)}` : [`缺少${missing.map((m) => m.name).join('、')}：`, ...missing.map((m) => `· ${say(m)}`)].join('\n');
  return new UserError(`${head}\n补全后重新发送：${corrected}`);
}

/** `key:value` for each field given, in the order of `keys`, to rebuild a command. */
export function fieldsText(fields: Record<string, string>, keys: readonly string[]): string[] {
  return keys.filter((k) => fields[k] !== undefined && fields[k] !== '').map((k) => `${k}:${fields[k]}`);
}
