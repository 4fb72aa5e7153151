import { bounded } from '../shared/limits.js';
import { textMessage } from '../shared/text.js';
import type { Measure, Problem } from '../../storage/ledger.js';
import { branchName, ensureOpen, findMeasure, findProblem, leadingRef, mayManage, MEASURE_REF, namesFor, stampOf, tellPerson } from './ledger-common.js';
import { formatInstant } from './ledger-status.js';
import { UserError, type Command, type CommandContext } from '../types.js';

const DONE = /^(完成|已完成|done)(\s+|$)/i;
const PROGRESS_WORD = /^(进展|进度|progress)(\s+|$)/i;

/** `/整改 P12 <进展>` logs progress on a problem; `/整改 P12-1 <进展>` on a measure; `/整改 P12-1 完成 <说明>` marks it done. */
export const progress: Command = {
  name: '整改',
  aliases: ['progress'],
  roles: ['member', 'secretary', 'leader'],
  summary: '报告问题或措施的整改进展，或把措施标记为完成',
  usage: '/整改 P12 <进展>　或　/整改 P12-1 <进展>　或　/整改 P12-1 完成 <说明>',
  examples: ['/整改 P12 进展 已完成接口联调', '/整改 P12-1 完成 平台已上线运行'],
  async run(ctx) {
    const { ref, rest } = leadingRef(ctx.args);
    if (MEASURE_REF.test(ref)) {
      const { measure, problem } = await findMeasure(ctx, ref);
      return onMeasure(ctx, measure, problem, rest);
    }
    return onProblem(ctx, await findProblem(ctx, ref), rest);
  },
};

async function onProblem(ctx: CommandContext, p: Problem, rest: string): Promise<void> {
  if (DONE.test(rest)) {
    throw new UserError(`问题的完成要申请销号：/销号 ${p.id} <整改情况与佐证>；措施完成请写措施编号，如 /整改 ${p.id}-1 完成 <说明>。`, { showUsage: false });
  }
  ensureOpen(p, '报告进展');
  const measures = await ctx.store.listMeasures({ problemId: p.id });
  if (!mayManage(ctx, p) && !measures.some((m) => m.owner === ctx.sender.id)) {
    const nameOf = await namesFor(ctx, [p.leadPerson]);
    throw new UserError(`只有 ${p.id} 的牵头负责人（${nameOf(p.leadPerson)}）、措施负责人、「${await branchName(ctx, p.branchId)}」书记或管理员可以报告进展。`, { showUsage: false });
  }
  const text = rest.replace(PROGRESS_WORD, '').trim();
  if (text === '') throw new UserError('缺少进展内容。');
  bounded('进展', text);
  await ctx.store.updateProblem(p.id, {}, { ...stampOf(ctx), action: 'progress', note: text });
  ctx.reply(textMessage(`已记录 ${p.id} 的整改进展（${formatInstant(ctx.now.toISOString())}）：${text}\n状态：${p.status}`));
}

async function onMeasure(ctx: CommandContext, m: Measure, p: Problem, rest: string): Promise<void> {
  const done = DONE.test(rest);
  ensureOpen(p, done ? '完成措施' : '报告进展');
  if (m.cancelled) throw new UserError(`${m.id} 已于 ${formatInstant(m.cancelled.at)} 撤销（${m.cancelled.reason}），不能再报告。`, { showUsage: false });
  if (m.status === '已完成') throw new UserError(`${m.id} 已于 ${formatInstant(m.done?.at ?? m.created.at)} 完成，无需重复报告。`, { showUsage: false });
  if (!mayManage(ctx, p) && m.owner !== ctx.sender.id) {
    const nameOf = await namesFor(ctx, [m.owner, p.leadPerson]);
    throw new UserError(`只有 ${m.id} 的负责人（${nameOf(m.owner)}）、${p.id} 的牵头负责人（${nameOf(p.leadPerson)}）、「${await branchName(ctx, p.branchId)}」书记或管理员可以报告。`, { showUsage: false });
  }
  const text = rest.replace(done ? DONE : PROGRESS_WORD, '').trim();
  const stamp = stampOf(ctx);
  if (!done) {
    if (text === '') throw new UserError('缺少进展内容。');
    bounded('进展', text);
    await ctx.store.updateMeasure(m.id, {}, { ...stamp, action: 'progress', note: text });
    ctx.reply(textMessage(`已记录措施 ${m.id} 的进展：${text}\n完成后发送：/整改 ${m.id} 完成 <说明>`));
    return;
  }
  if (text === '') throw new UserError(`缺少完成说明：写明做了什么、佐证在哪，如 /整改 ${m.id} 完成 平台已上线运行。`);
  bounded('完成说明', text);
  await ctx.store.updateMeasure(m.id, { status: '已完成', done: { by: stamp.by, at: stamp.at, note: text } }, { ...stamp, action: 'measure-done', note: text });
  const open = (await ctx.store.listMeasures({ problemId: p.id })).filter((x) => x.status === '整改中');
  const lines = [`措施 ${m.id} 已完成：${text}`];
  if (open.length > 0) lines.push(`${p.id} 还有 ${open.length} 项措施未完成：${open.map((x) => x.id).join('、')}。`);
  else {
    lines.push(`${p.id} 的措施已全部完成；牵头负责人可发送 /销号 ${p.id} <整改情况与佐证> 申请销号。`);
    tellPerson(ctx, p.leadPerson, `${p.id} 的整改措施已全部完成（最后一项 ${m.id} 由 ${ctx.sender.name} 完成）。可发送 /销号 ${p.id} <整改情况与佐证> 申请销号。`);
  }
  ctx.reply(textMessage(lines.join('\n')));
}
