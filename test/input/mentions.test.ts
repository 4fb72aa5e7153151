import { afterEach, describe, expect, it } from 'vitest';
import { parseMessage } from '../../commands/shared/parse-message.js';
import { bureau, type Bureau } from './setup.js';

let b: Bureau | undefined;
afterEach(async () => {
  await b?.h.close();
  b = undefined;
});

const words = ['截止', 'due', '问题', 'problem'];
const bot = { key: '@_user_1', openId: 'ou_bot', name: '督办' };
const li = { key: '@_user_2', openId: 'ou_li', name: '李四' };
const zhang = { key: '@_user_3', openId: 'ou_zhang', name: '张三' };

describe('mentions around the command', () => {
  it.each([
    ['@督办 typed as text after the real mention (the sandbox)', { text: '@_user_1 @督办 /截止', chatType: 'group' as const, mentions: [bot], botOpenId: 'ou_bot' }],
    ['@督办 typed as text in a private chat', { text: '@督办 /截止', chatType: 'p2p' as const, mentions: [] }],
    ['@督办 typed as text with no real mention', { text: '@督办 截止', chatType: 'group' as const, mentions: [], botOpenId: 'ou_bot' }],
    ['a mention of someone else before the command', { text: '@_user_1 @_user_2 /截止', chatType: 'group' as const, mentions: [bot, li], botOpenId: 'ou_bot' }],
    ['two mentions before the command', { text: '@_user_2 @_user_3 /截止', chatType: 'group' as const, mentions: [li, zhang], botOpenId: 'ou_bot' }],
    ['the bot mentioned after the command', { text: '/截止 @_user_1', chatType: 'group' as const, mentions: [bot], botOpenId: 'ou_bot' }],
    ['the bot mentioned between others and the command', { text: '@_user_2 @_user_1 /截止', chatType: 'group' as const, mentions: [li, bot], botOpenId: 'ou_bot' }],
  ])('%s', (_name, input) => {
    expect(parseMessage(input, words)).toEqual({ kind: 'command', word: '截止', args: '', mentions: [] });
  });

  it('keeps mentions inside the arguments', () => {
    expect(parseMessage({ text: '@_user_2 /问题 测试 负责人:@_user_3', chatType: 'group', mentions: [li, zhang], botOpenId: 'ou_bot' }, words)).toEqual({
      kind: 'command',
      word: '问题',
      args: '测试 负责人:@张三',
      mentions: [{ openId: 'ou_zhang', name: '张三' }],
    });
  });

  it('a mention of someone else without a command is still chatter', () => {
    expect(parseMessage({ text: '@_user_2 你好', chatType: 'group', mentions: [li], botOpenId: 'ou_bot' }, words)).toEqual({ kind: 'chatter' });
  });

  it('@督办 /截止 and @李四 /截止 answer like /截止', async () => {
    b = await bureau();
    await b.h.say(b.zhang, b.chat, '/问题 测试问题 责任单位:办公室 时限:12月31日 负责人:@张三');
    const plain = await b.h.say(b.zhang, b.chat, '/截止');
    expect(plain).toContain('张三 的截止事项');
    expect(await b.h.say(b.zhang, b.chat, '@督办 /截止')).toBe(plain);
    expect(await b.h.say(b.zhang, b.chat, '@李四 /截止')).toBe(plain);
  });
});
