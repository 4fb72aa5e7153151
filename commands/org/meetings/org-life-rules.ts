import { rulesFor, type MeetingRule } from '../../../storage/study.js';
import { findBranch } from '../../figures/find-branch.js';
import { splitFields } from '../../shared/fields.js';
import { lookup } from '../../shared/lookup.js';
import { textMessage } from '../../shared/text.js';
import { UserError, type CommandContext } from '../../types.js';
import { describeFrequency, FREQUENCY_WORDS, isLeadershipKind, kindList, parseKind } from './kinds.js';

const SET_FORM = '/组织生活 设置 <会议> <每月|每季度|每年|不要求> [次数] [支部:<支部名>|全部支部|领导班子]';

/** `/组织生活 规则 [支部]`: the rules in force for every branch (or one) and the leadership, and where a branch differs. */
export async function showRules(ctx: CommandContext, word: string): Promise<void> {
  const stored = await ctx.store.listMeetingRules();
  const branch = word ? await findBranch(ctx.store, word) : ctx.chat.branch;
  if (word && !branch) throw new UserError(`没有名为「${word}」的支部。`, { showUsage: false });
  const line = (r: MeetingRule) => `· ${r.kind} ${describeFrequency(r)}${r.builtIn ? '（默认）' : ''}`;
  const lines = [
    `组织生活要求 · ${branch ? branch.name : '各支部'}：`,
    ...rulesFor(stored, branch?.id ?? 'branches').filter((r) => !isLeadershipKind(r.kind)).map(line),
    '领导班子：',
    ...rulesFor(stored, 'leadership').filter((r) => isLeadershipKind(r.kind)).map(line),
  ];
  const own = stored.filter((r) => r.scope !== 'branches' && r.scope !== 'leadership' && (!branch || r.scope === branch.id));
  if (!branch && own.length) {
    const names = new Map((await ctx.store.listBranches()).map((b) => [b.id, b.name]));
    lines.push('支部另有规定：', ...own.map((r) => `· ${names.get(r.scope) ?? r.scope} ${r.kind} ${r.min > 0 ? describeFrequency(r) : '不要求'}`));
  }
  lines.push(`管理员可修改：${SET_FORM}`);
  ctx.reply(textMessage(lines));
}

/** `/组织生活 设置 支委会 每月 [1次] [支部:第一支部]`: the office changes a rule for every branch, one branch or the leadership. */
export async function setRule(ctx: CommandContext, words: readonly string[]): Promise<void> {
  if (ctx.role !== 'admin') throw new UserError('组织生活的要求由管理员（党建办）设置。', { showUsage: false });
  const { rest, fields } = splitFields(words.join(' '), ['支部']);
  const [kindWord = '', freqWord = '', countWord, extra] = rest.split(' ').filter(Boolean);
  const kind = parseKind(kindWord);
  if (!kind) throw new UserError(`会议：${kindWord ? `不认识「${kindWord}」` : '请写会议类型'}。可选：${kindList()}。\n正确格式：${SET_FORM}`, { showUsage: false });
  const freq = lookup(FREQUENCY_WORDS, freqWord);
  if (freq === undefined) throw new UserError(`频次：请写 每月、每季度、每年 或 不要求。\n正确格式：${SET_FORM}`, { showUsage: false });
  const count = countWord === undefined ? 1 : Number(/^(\d{1,2})次?$/.exec(countWord)?.[1] ?? NaN);
  if (!Number.isInteger(count) || count < 1 || extra !== undefined) throw new UserError(`次数：请写 1次、2次 这样的数。\n正确格式：${SET_FORM}`, { showUsage: false });
  const where = fields['支部']?.trim();
  let scope: string;
  let label: string;
  if (isLeadershipKind(kind)) {
    if (where && where !== '领导班子') throw new UserError(`${kind}是领导班子的会议，不按支部设置。`, { showUsage: false });
    [scope, label] = ['leadership', '领导班子'];
  } else if (!where || where === '全部支部' || where === '全部' || where === '各支部') {
    [scope, label] = ['branches', '各支部'];
  } else {
    const b = await findBranch(ctx.store, where);
    if (!b) throw new UserError(`支部：没有名为「${where}」的支部。`, { showUsage: false });
    [scope, label] = [b.id, b.name];
  }
  const before = rulesFor(await ctx.store.listMeetingRules(), scope).find((r) => r.kind === kind);
  const saved = await ctx.store.setMeetingRule({ scope, kind, period: freq ?? before?.period ?? 'year', min: freq === null ? 0 : count }, { by: ctx.sender.id, at: ctx.now.toISOString() });
  await ctx.store.audit({ at: ctx.now.toISOString(), by: ctx.sender.id, action: 'meeting-rule', subject: `${scope}:${kind}`, ...(before ? { from: describeFrequency(before) } : {}), to: saved.min > 0 ? describeFrequency(saved) : '不要求' });
  ctx.reply(textMessage(`已设置：${label} ${kind} ${saved.min > 0 ? describeFrequency(saved) : '不要求'}${before ? `（原为 ${describeFrequency(before)}）` : '（原不要求）'}。`));
}
