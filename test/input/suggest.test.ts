import { afterEach, describe, expect, it } from 'vitest';
import { suggestCommand } from '../../commands/shared/suggest.js';
import { bureau, type Bureau } from './setup.js';

let b: Bureau | undefined;
afterEach(async () => {
  await b?.h.close();
  b = undefined;
});

const known = ['问题', 'problem', '学习', 'study', '截止', 'due', '提醒', 'reminders', '销号', 'close', '帮助', 'help', 'me', '志愿', '志愿服务'];

describe('the nearest command for a typo or traditional characters', () => {
  it.each([
    ['问提', '问题'],
    ['学系', '学习'],
    ['問題', '问题'],
    ['學習', '学习'],
    ['銷號', '销号'],
    ['stduy', 'study'],
    ['Problme', 'problem'],
    ['志願', '志愿'],
  ])('%s → %s', (typed, expected) => {
    expect(suggestCommand(typed, known)).toBe(expected);
  });

  it.each(['打卡', '你好', 'xyz', ''])('nothing close to %j', (typed) => {
    expect(suggestCommand(typed, known)).toBeUndefined();
  });

  it('the chat answer asks "你是不是要用 /问题？" and changes nothing', async () => {
    b = await bureau();
    for (const [typed, cmd] of [['/问提 测试', '问题'], ['/学系 2小时 党章', '学习'], ['/問題 列表', '问题'], ['/學習 2小時 自學 黨章', '学习']] as const) {
      const word = typed.slice(1).split(' ')[0];
      expect(await b.h.say(b.zhang, b.chat, typed)).toBe(`没有「${word}」这个命令。你是不是要用 /${cmd}？发送 /帮助 查看你可以使用的命令。`);
    }
    expect(await b.h.say(b.zhang, b.chat, '/打卡')).toBe('没有「打卡」这个命令。发送 /帮助 查看你可以使用的命令。');
    expect(await b.h.app.store.read((tx) => tx.listProblems())).toEqual([]);
  });
});
