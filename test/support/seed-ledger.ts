import type { Measure, Problem, ProblemSource } from '../../storage/ledger.js';
import type { Store } from '../../storage/store.js';

const SOURCES: ProblemSource[] = ['调查研究发现', '推动发展遇到', '群众反映强烈'];
export const ids = { lead: 'ou_lead', owner: 'ou_owner', sec: 'ou_sec', admin: 'ou_admin' };
const at = (local: string) => new Date(`${local}+08:00`).toISOString();

/**
 * The seed's figures: 71 problems (P1, P2 专项整治), 128 measures, 69 rectified, and two still open and overdue
 * on 2026-11-30 (P70, whose extension is approved only in December, and P71, opened in November). P72 was opened
 * by mistake with three measures and voided. Problem k sits in branch B(k mod 3, 0 → 3).
 */
export async function seedLedger(store: Store): Promise<{ problems: Problem[]; measures: Measure[] }> {
  await store.transact(async (tx) => {
    for (const name of ['第一支部', '第二支部', '第三支部']) await tx.createBranch(name, { by: ids.admin, at: at('2026-03-01T09:00:00') });
    for (let k = 1; k <= 72; k++) {
      const opened = k === 71 ? at('2026-11-02T09:00:00') : at('2026-03-02T09:00:00');
      const deadline = k === 70 ? '2026-10-30' : k === 71 ? '2026-11-16' : '2026-10-31';
      const p = await tx.openProblem(
        {
          branchId: `B${k % 3 === 0 ? 3 : k % 3}`,
          description: `问题${k}`,
          responsibleUnit: '数据资源科',
          leadPerson: ids.lead,
          deadline,
          source: k <= 2 ? '专项整治' : SOURCES[k % 3]!,
        },
        { by: ids.lead, at: opened },
      );
      const count = k === 72 ? 3 : k <= 57 ? 2 : 1;
      for (let j = 1; j <= count; j++) {
        const m = await tx.addMeasure({ problemId: p.id, content: `措施${k}-${j}`, owner: ids.owner, deadline: k === 71 ? '2026-11-10' : '2026-09-30' }, { by: ids.lead, at: opened });
        if (k !== 71 && k !== 72) {
          await tx.updateMeasure(m.id, { status: '已完成', done: { by: ids.owner, at: at('2026-09-20T10:00:00'), note: '完成' } }, { by: ids.owner, at: at('2026-09-20T10:00:00'), action: 'measure-done', note: '完成' });
        }
      }
      if (k <= 69) {
        const requested = k <= 60 ? at('2026-10-20T10:00:00') : at('2026-11-20T10:00:00');
        const approved = k <= 60 ? at('2026-10-21T10:00:00') : at('2026-11-23T10:00:00');
        await tx.updateProblem(p.id, { status: '待审核', closeRequest: { by: ids.lead, at: requested, evidence: '已整改', openMeasures: [] } }, { by: ids.lead, at: requested, action: 'close-request', note: '已整改' });
        await tx.updateProblem(p.id, { status: '已整改销号', closed: { by: ids.sec, at: approved, evidence: '已整改', requestedBy: ids.lead } }, { by: ids.sec, at: approved, action: 'close-approve' });
      }
      if (k === 70) {
        const asked = at('2026-12-02T10:00:00');
        const decided = at('2026-12-03T10:00:00');
        await tx.updateProblem(p.id, { status: '申请延期', extensionRequest: { by: ids.lead, at: asked, deadline: '2027-01-29', reason: '等待省级平台' } }, { by: ids.lead, at: asked, action: 'extend-request' });
        await tx.updateProblem(p.id, { status: '整改中', deadline: '2027-01-29' }, { by: ids.sec, at: decided, action: 'extend-approve', note: '等待省级平台' });
      }
      if (k === 72) {
        const when = at('2026-06-01T10:00:00');
        await tx.updateProblem(p.id, { voided: { by: ids.admin, at: when, reason: '重复登记' } }, { by: ids.admin, at: when, action: 'void', note: '重复登记' });
      }
    }
  });
  return store.read(async (tx) => ({ problems: await tx.listProblems(), measures: await tx.listMeasures() }));
}

