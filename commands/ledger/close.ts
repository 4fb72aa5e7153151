import { bounded } from '../shared/limits.js';
import { textMessage } from '../shared/text.js';
import { answeredByCard, branchName, ensureOpen, findProblem, leadingRef, requireManager, namesFor, secretariesOf, stampOf, tellBranch } from './ledger-common.js';
import { clip, formatInstant, measureOutcomes } from './ledger-status.js';
import { evidenceLine, evidenceOf } from './evidence-items.js';
import { UserError, type Command } from '../types.js';

const FORCE = /(^|\s)强制$/;
const OPEN_SHOWN = 10;

/**
 * `/销号 P12 <整改情况与佐证> [强制]`: the lead person asks for close-out (待审核) and the branch chat is told.
 * With open measures it is refused, listing them, unless the message ends with 强制: measures cannot be deleted,
 * so a measure that became moot would otherwise block close-out for good; the reviewer then sees the list.
 */
export const close: Command = {
  name: '销号',
  aliases: ['close'],
  roles: ['member', 'secretary', 'leader'],
  summary: '整改完成后申请销号（附整改情况与佐证），交书记或领导审核',
  usage: '/销号 P12 <整改情况与佐证> [强制]',
  examples: ['/销号 P12 已上线运行，附验收报告'],
  async run(ctx) {
    const { ref, rest } = leadingRef(ctx.args);
    const p = await findProblem(ctx, ref);
    ensureOpen(p, '申请销号');
    const branch = await branchName(ctx, p.branchId);
    await requireManager(ctx, p, '申请销号');
    if (p.status === '待审核' && p.closeRequest) {
      const nameOf = await namesFor(ctx, [p.closeRequest.by]);
      throw new UserError(`${p.id} 已于 ${formatInstant(p.closeRequest.at)} 由 ${nameOf(p.closeRequest.by)} 申请销号，正在等待审核，无需重复申请。`, { showUsage: false });
    }
    if (p.status === '申请延期') throw new UserError(`${p.id} 有一项延期申请正在等待审核，请待审核后再申请销号。`, { showUsage: false });
    const force = FORCE.test(rest);
    const evidence = rest.replace(FORCE, '').trim();
    if (evidence === '') throw new UserError('缺少整改情况与佐证：写明整改结果和佐证材料（链接、附件名称）。');
    bounded('整改情况与佐证', evidence);
    const measures = await ctx.store.listMeasures({ problemId: p.id });
    const open = measures.filter((m) => m.status === '整改中');
    const openList = [...open.slice(0, OPEN_SHOWN).map((m) => `${m.id} ${clip(m.content, 20)}`), ...(open.length > OPEN_SHOWN ? [`…另有 ${open.length - OPEN_SHOWN} 项`] : [])].join('；');
    if (open.length > 0 && !force) {
      throw new UserError(
        [
          `${p.id} 还有 ${open.length} 项措施未完成，暂不能申请销号：${openList}。`,
          `请先完成：/整改 ${open[0]!.id} 完成 <说明>；如这些措施确已不需要，在命令末尾加「强制」提交，审核人会看到未完成的措施。`,
        ].join('\n'),
        { showUsage: false },
      );
    }
    const files = evidenceLine(await evidenceOf(ctx, [p.id, ...measures.map((m) => m.id)]));
    const stamp = stampOf(ctx);
    const openIds = open.map((m) => m.id);
    await ctx.store.updateProblem(
      p.id,
      { status: '待审核', closeRequest: { by: stamp.by, at: stamp.at, evidence, openMeasures: openIds } },
      { ...stamp, action: 'close-request', note: evidence + (open.length ? `（尚有未完成措施：${openIds.join('、')}）` : '') },
    );
    const review = `审核：/审核 ${p.id} 通过　或　/审核 ${p.id} 驳回 <理由>（「${branch}」书记、领导或管理员；申请人本人不能审核）`;
    const told = await tellBranch(
      ctx,
      p.branchId,
      [`【待审核】${ctx.sender.name} 申请 ${p.id} 销号：${p.description}`, `整改情况：${evidence}`, ...files, ...measureOutcomes(measures), ...(open.length ? [`⚠ 尚有未完成措施：${openList}`] : []), review].join('\n'),
      await secretariesOf(ctx, p.branchId),
      { ref: p.id, what: 'close' },
    );
    if (await answeredByCard(ctx, p.branchId)) return;
    ctx.reply(
      textMessage([
        `${p.id} 已申请销号，状态：待审核。`,
        `整改情况：${evidence}`,
        ...files,
        ...measureOutcomes(measures),
        ...(open.length ? [`⚠ 强制提交，尚有未完成措施：${openList}。`] : []),
        review,
        ...(told ? [told] : []),
      ].join('\n')),
    );
  },
};
