import { bounded } from '../shared/limits.js';
import { textMessage } from '../shared/text.js';
import type { Problem } from '../../storage/ledger.js';
import { formatDate } from '../shared/calendar.js';
import { branchName, findProblem, findTask, leadingRef, TASK_REF, mayReview, namesFor, stampOf, tellBranch, tellPerson, todayOf } from './ledger-common.js';
import { deadlineLine, formatInstant, measureOutcomes } from './ledger-status.js';
import { decideTaskExtension } from './task-extend.js';
import { evidenceLine, evidenceOf } from './evidence-items.js';
import { UserError, type Command, type CommandContext } from '../types.js';

type Decision = 'approve' | 'approve-extension' | 'reject';

const DECISIONS: [RegExp, Decision][] = [
  [/^(同意延期|批准延期)(\s+|$)/, 'approve-extension'],
  [/^(通过|同意|批准|approve)(\s+|$)/i, 'approve'],
  [/^(驳回|退回|不同意|reject)(\s+|$)/i, 'reject'],
];

/** `/审核 P12 通过|同意延期|驳回 <理由>`: decides a pending close-out or extension; nobody decides their own. */
export const review: Command = {
  name: '审核',
  aliases: ['review'],
  roles: ['secretary', 'leader'],
  summary: '审核销号申请或延期申请：通过、同意延期或驳回',
  usage: '/审核 P12 通过 [意见]　或　/审核 P12 同意延期　或　/审核 P12 驳回 <理由>　或　/审核 T3 同意延期',
  examples: ['/审核 P12 通过', '/审核 P12 驳回 缺少验收报告', '/审核 P12 同意延期'],
  async run(ctx) {
    const { ref, rest } = leadingRef(ctx.args);
    const hit = DECISIONS.find(([re]) => re.test(rest));
    if (TASK_REF.test(ref)) {
      const t = await findTask(ctx, ref);
      if (!hit) throw new UserError(`缺少审核结论：写 同意延期 或 驳回 <理由>。`);
      return decideTaskExtension(ctx, t, hit[1] !== 'reject', bounded('审核意见', rest.replace(hit[0], '').trim()));
    }
    const p = await findProblem(ctx, ref);
    if (!hit) throw new UserError(`缺少审核结论：写 通过、同意延期 或 驳回 <理由>。`);
    const [re, decision] = hit;
    const remark = bounded('审核意见', rest.replace(re, '').trim());
    if (p.voided) throw new UserError(`${p.id} 已作废，无需审核。`, { showUsage: false });
    if (p.status !== '待审核' && p.status !== '申请延期') {
      throw new UserError(`${p.id} 当前状态为${p.status}，没有等待审核的申请。`, { showUsage: false });
    }
    const branch = await branchName(ctx, p.branchId);
    if (!mayReview(ctx, p.branchId)) throw new UserError(`只有「${branch}」书记、领导或管理员可以审核 ${p.id}。`, { showUsage: false });
    const request = p.status === '待审核' ? p.closeRequest : p.extensionRequest;
    const what = p.status === '待审核' ? '销号' : '延期';
    if (ctx.sender.id === request?.by || ctx.sender.id === p.leadPerson) {
      throw new UserError(`你是 ${p.id} 的${ctx.sender.id === request?.by ? `${what}申请人` : '牵头负责人'}，不能审核自己的申请；请由「${branch}」书记、领导或管理员中的另一位审核。`, { showUsage: false });
    }
    if (decision === 'approve-extension' && p.status !== '申请延期') {
      throw new UserError(`${p.id} 等待审核的是销号申请，不是延期申请：请写 /审核 ${p.id} 通过 或 驳回 <理由>。`, { showUsage: false });
    }
    if (decision === 'reject' && remark === '') throw new UserError('驳回需要写明理由，如 /审核 P12 驳回 缺少验收报告。');
    const lines = p.status === '待审核' ? await decideClose(ctx, p, decision !== 'reject', remark) : await decideExtension(ctx, p, decision !== 'reject', remark);
    const requester = request?.by;
    const told = await tellBranch(ctx, p.branchId, [`【审核结果】${ctx.sender.name} 审核 ${p.id}：`, ...lines].join('\n'), requester ? [requester, p.leadPerson] : [p.leadPerson]);
    // The person whose request was refused hears it directly, with the reason, wherever the decision was made.
    if (decision === 'reject' && requester) tellPerson(ctx, requester, [`你对 ${p.id} 的${what}申请被 ${ctx.sender.name} 驳回。`, `理由：${remark}`, `问题：${p.description}`].join('\n'));
    ctx.reply(textMessage([...lines, ...(told ? [told] : [])].join('\n')));
  },
};

async function decideClose(ctx: CommandContext, p: Problem, approve: boolean, remark: string): Promise<string[]> {
  const stamp = stampOf(ctx);
  const request = p.closeRequest!;
  if (!approve) {
    await ctx.store.updateProblem(p.id, { status: '整改中' }, { ...stamp, action: 'close-reject', note: remark });
    return [`${p.id} 销号申请已驳回，退回整改中。`, `理由：${remark}`, `整改后可重新申请：/销号 ${p.id} <整改情况与佐证>`];
  }
  await ctx.store.updateProblem(
    p.id,
    { status: '已整改销号', closed: { by: stamp.by, at: stamp.at, evidence: request.evidence, requestedBy: request.by } },
    { ...stamp, action: 'close-approve', ...(remark ? { note: remark } : {}) },
  );
  const measures = await ctx.store.listMeasures({ problemId: p.id });
  const open = measures.filter((m) => m.status === '整改中');
  const nameOf = await namesFor(ctx, [request.by]);
  return [
    `${p.id} 已整改销号。`,
    `审核人：${ctx.sender.name}（${formatInstant(stamp.at)}）；申请人：${nameOf(request.by)}`,
    `整改情况：${request.evidence}`,
    ...evidenceLine(await evidenceOf(ctx, [p.id, ...measures.map((m) => m.id)])),
    ...(remark ? [`审核意见：${remark}`] : []),
    ...measureOutcomes(measures),
    ...(open.length ? [`注意：销号时仍有未完成措施 ${open.map((m) => m.id).join('、')}。`] : []),
  ];
}

async function decideExtension(ctx: CommandContext, p: Problem, approve: boolean, remark: string): Promise<string[]> {
  const stamp = stampOf(ctx);
  const request = p.extensionRequest!;
  if (!approve) {
    await ctx.store.updateProblem(p.id, { status: '整改中' }, { ...stamp, action: 'extend-reject', note: remark });
    return [`${p.id} 延期申请已驳回，时限不变。`, deadlineLine(p.deadline, todayOf(ctx), ctx.calendar), `理由：${remark}`];
  }
  await ctx.store.updateProblem(p.id, { status: '整改中', deadline: request.deadline }, { ...stamp, action: 'extend-approve', note: remark || request.reason });
  return [
    `${p.id} 同意延期，状态回到整改中。`,
    `${deadlineLine(request.deadline, todayOf(ctx), ctx.calendar)}（原时限 ${formatDate(p.deadline)}，保留在记录中）`,
    `延期理由：${request.reason}`,
    ...(remark ? [`审核意见：${remark}`] : []),
  ];
}
