import { describe, expect, it } from 'vitest';
import { splitFields } from '../../commands/shared/fields.js';
import { parseMessage } from '../../commands/shared/parse-message.js';

const words = ['帮助', 'help', '学习', 'study', '绑定', 'bind', '任命', 'role'];
const bot = { key: '@_user_1', openId: 'ou_bot', name: '督办' };
const zhang = { key: '@_user_2', openId: 'ou_zhang', name: '张三' };

describe('parseMessage', () => {
  const cases: [string, Parameters<typeof parseMessage>[0], ReturnType<typeof parseMessage>][] = [
    ['group, @bot then slash command', { text: '@_user_1 /学习 2小时 党章', chatType: 'group', mentions: [bot], botOpenId: 'ou_bot' }, { kind: 'command', word: '学习', args: '2小时 党章', mentions: [] }],
    ['group, @bot without slash', { text: '@_user_1 学习 2小时 党章', chatType: 'group', mentions: [bot], botOpenId: 'ou_bot' }, { kind: 'command', word: '学习', args: '2小时 党章', mentions: [] }],
    ['group, plain chatter is not a command', { text: '大家好', chatType: 'group', mentions: [], botOpenId: 'ou_bot' }, { kind: 'chatter' }],
    ['group, chatter mentioning someone else', { text: '@_user_2 你好', chatType: 'group', mentions: [zhang], botOpenId: 'ou_bot' }, { kind: 'chatter' }],
    ['p2p without slash', { text: 'help', chatType: 'p2p', mentions: [] }, { kind: 'command', word: 'help', args: '', mentions: [] }],
    ['English alias in upper case', { text: '/HELP', chatType: 'p2p', mentions: [] }, { kind: 'command', word: 'help', args: '', mentions: [] }],
    ['full-width colon and spaces', { text: '@_user_1　/任命　@_user_2　书记', chatType: 'group', mentions: [bot, zhang], botOpenId: 'ou_bot' }, { kind: 'command', word: '任命', args: '@张三 书记', mentions: [{ openId: 'ou_zhang', name: '张三' }] }],
    ['missing space after the command word', { text: '/学习2小时 党章', chatType: 'p2p', mentions: [] }, { kind: 'command', word: '学习', args: '2小时 党章', mentions: [] }],
    ['bot id unknown: the leading mention is the bot', { text: '@_user_1 /帮助', chatType: 'group', mentions: [bot] }, { kind: 'command', word: '帮助', args: '', mentions: [] }],
    ['only @bot means help', { text: '@_user_1', chatType: 'group', mentions: [bot], botOpenId: 'ou_bot' }, { kind: 'command', word: '帮助', args: '', mentions: [] }],
    ['unknown word kept for the router to answer', { text: '@_user_1 /打卡', chatType: 'group', mentions: [bot], botOpenId: 'ou_bot' }, { kind: 'command', word: '打卡', args: '', mentions: [] }],
  ];
  it.each(cases)('%s', (_name, input, expected) => {
    expect(parseMessage(input, words)).toEqual(expected);
  });

  it('does not confuse @_user_1 with @_user_10', () => {
    const many = Array.from({ length: 10 }, (_, i) => ({ key: `@_user_${i + 1}`, openId: `ou_${i + 1}`, name: `人${i + 1}` }));
    const r = parseMessage({ text: '@_user_1 /学习 1小时 党章 参加:@_user_10 @_user_2', chatType: 'group', mentions: many, botOpenId: 'ou_1' }, words);
    expect(r).toMatchObject({ args: '1小时 党章 参加:@人10 @人2', mentions: [{ openId: 'ou_10' }, { openId: 'ou_2' }] });
  });
});

describe('splitFields', () => {
  it('separates free text from key:value fields in any order', () => {
    expect(splitFields('数据共享不直接 责任单位:数据资源科 时限:12月31日 负责人:@张三', ['责任单位', '时限', '负责人'])).toEqual({
      rest: '数据共享不直接',
      fields: { 责任单位: '数据资源科', 时限: '12月31日', 负责人: '@张三' },
    });
  });
  it('leaves text without fields alone', () => {
    expect(splitFields('只有描述', ['时限'])).toEqual({ rest: '只有描述', fields: {} });
  });
});
