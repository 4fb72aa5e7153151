import type { Mention } from '../types.js';
import { suggestCommand } from './suggest.js';

/** A mention as it arrives from Feishu: a placeholder key in the text and who it stands for. */
export interface RawMention {
  key: string;
  openId: string;
  name: string;
}

/** The bot's name when it is typed rather than picked: `@督办`. */
const BOT_NAME = '督办';

/** What a chat message means to the router; an unknown command word carries the nearest known one. */
export type ParsedMessage =
  | { kind: 'command'; word: string; args: string; mentions: Mention[]; suggestion?: string }
  | { kind: 'chatter' };

/** Normalises what phones and IMEs type: full-width colon, slash and spaces. */
export function normalizeText(text: string): string {
  // A full-width colon stays as typed: fields accept both (splitFields), and free text (`附件：整改报告.pdf`) keeps it.
  return text
    .replace(/[／]/g, '/')
    .replace(/[\u00a0\u3000\t]/g, ' ')
    .replace(/ +/g, ' ')
    .trim();
}

/**
 * Splits a message into command word and arguments. In a group the bot's own mention is removed and marks the
 * message as addressed to the bot; without the slash, only an addressed message (or a private one) is a command.
 */
export function parseMessage(
  msg: { text: string; chatType: 'group' | 'p2p'; mentions: readonly RawMention[]; botOpenId?: string },
  knownWords: readonly string[],
): ParsedMessage {
  let text = msg.text;
  let addressed = msg.chatType === 'p2p';
  const ordered: { at: number; m: Mention }[] = [];
  // Longest keys first so @_user_10 is not mistaken for @_user_1.
  const mentions = [...msg.mentions].sort((a, b) => b.key.length - a.key.length);
  const botNames = new Set([BOT_NAME]);
  for (const m of mentions) {
    const isBot = msg.botOpenId ? m.openId === msg.botOpenId : msg.text.trimStart().startsWith(m.key) && msg.chatType === 'group';
    if (isBot) {
      addressed = true;
      botNames.add(m.name);
      text = text.split(m.key).join(' ');
    } else {
      text = text.split(m.key).join(`@${m.name}`);
    }
  }
  text = normalizeText(text);
  // `@督办 /截止` typed as text (the sandbox, a name not picked from the list) addresses the bot too.
  for (const name of botNames) {
    const typed = new RegExp(`(^|\\s)@${escapeRegExp(name)}(?=\\s|/|$)`, 'g');
    if (typed.test(text)) {
      addressed = true;
      text = normalizeText(text.replace(typed, ' '));
    }
  }
  // `@李四 /截止`: people mentioned before the command are who it is shown to, not part of it.
  const others = msg.mentions.filter((m) => !botNames.has(m.name)).map((m) => escapeRegExp(`@${m.name}`));
  if (others.length > 0) {
    const leading = new RegExp(`^(?:(?:${others.join('|')})\\s*)+(?=/)`);
    text = text.replace(leading, '');
  }
  for (const m of msg.mentions) {
    const isBot = msg.botOpenId ? m.openId === msg.botOpenId : false;
    if (isBot) continue;
    const at = text.indexOf(`@${m.name}`);
    if (at >= 0 && !ordered.some((o) => o.m.openId === m.openId)) ordered.push({ at, m: { openId: m.openId, name: m.name } });
  }
  ordered.sort((a, b) => a.at - b.at);
  const found = ordered.map((o) => o.m);

  let body: string;
  if (text.startsWith('/')) body = text.slice(1).trimStart();
  else if (addressed) body = text;
  else return { kind: 'chatter' };
  if (body === '') return { kind: 'command', word: '帮助', args: '', mentions: [] };

  const space = body.indexOf(' ');
  let word = space < 0 ? body : body.slice(0, space);
  let args = space < 0 ? '' : body.slice(space + 1);
  if (!knownWords.includes(word)) {
    // People type `/学习2小时` without the space.
    const prefix = [...knownWords].sort((a, b) => b.length - a.length).find((k) => word.startsWith(k));
    if (prefix) {
      args = (word.slice(prefix.length) + ' ' + args).trim();
      word = prefix;
    }
  }
  const lower = word.toLowerCase();
  if (knownWords.includes(lower)) return { kind: 'command', word: lower, args: toChineseArgs(args.trim()), mentions: found };
  const suggestion = suggestCommand(word, knownWords);
  return { kind: 'command', word, args: args.trim(), mentions: found, ...(suggestion ? { suggestion } : {}) };
}

// English argument words of the list and report commands, longest phrases first when matched.
const ENGLISH_ARGS: Readonly<Record<string, string>> = {
  list: '列表', all: '全部', overdue: '逾期', stats: '统计', statistics: '统计', pending: '待审核', review: '待审核',
  extension: '申请延期', open: '整改中', closed: '已整改销号', voided: '已作废', mine: '我的', my: '我的', branch: '本支部',
  'my branch': '本支部', 'this branch': '本支部', 'this week': '本周', 'this month': '本月', 'last month': '上月',
  'this quarter': '本季度', 'last quarter': '上季度', 'this year': '本年', 'last year': '去年',
};
const PHRASES = Object.keys(ENGLISH_ARGS).sort((a, b) => b.length - a.length);

/**
 * `list overdue` → `列表 逾期`, `stats this month` → `统计 本月`, `30 days` → `30天`: only when every ASCII word is one
 * of these, so English content (`/study 1h self study`) is never rewritten.
 */
export function toChineseArgs(args: string): string {
  if (!/[a-z]/i.test(args)) return args;
  const out: string[] = [];
  let rest = args.replace(/\b(\d{1,3}) ?(?:days?|d)\b/gi, '$1天').trim();
  while (rest !== '') {
    const lower = rest.toLowerCase();
    const phrase = PHRASES.find((p) => lower.startsWith(p) && (lower.length === p.length || lower[p.length] === ' '));
    const word = phrase ?? rest.split(' ')[0]!;
    if (!phrase && /[a-z]/i.test(word)) return args;
    out.push(phrase ? ENGLISH_ARGS[phrase]! : word);
    rest = rest.slice(word.length).trim();
  }
  return out.join(' ');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
