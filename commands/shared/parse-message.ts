import type { Mention } from '../types.js';
import { suggestCommand } from './suggest.js';

/** A mention as it arrives from Feishu: a placeholder key in the text and who it stands for. */
export interface RawMention {
  key: string;
  openId: string;
  name: string;
}

/** What a chat message means to the router; an unknown command word carries the nearest known one. */
export type ParsedMessage =
  | { kind: 'command'; word: string; args: string; mentions: Mention[]; suggestion?: string }
  | { kind: 'chatter' };

/** Normalises what phones and IMEs type: full-width colon, slash and spaces. */
export function normalizeText(text: string): string {
  return text
    .replace(/[：]/g, ':')
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
  for (const m of mentions) {
    const isBot = msg.botOpenId ? m.openId === msg.botOpenId : msg.text.trimStart().startsWith(m.key) && msg.chatType === 'group';
    if (isBot) {
      addressed = true;
      text = text.split(m.key).join(' ');
    } else {
      text = text.split(m.key).join(`@${m.name}`);
    }
  }
  text = normalizeText(text);
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
  if (knownWords.includes(lower)) return { kind: 'command', word: lower, args: args.trim(), mentions: found };
  const suggestion = suggestCommand(word, knownWords);
  return { kind: 'command', word, args: args.trim(), mentions: found, ...(suggestion ? { suggestion } : {}) };
}
