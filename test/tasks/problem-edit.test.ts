import ExcelJS from 'exceljs';
import { afterEach, describe, expect, it } from 'vitest';
import { PROBLEM_SHEETS } from '../../commands/reports/export-ledgers.js';
import { ledgerFigures } from '../../commands/figures/ledger-figures.js';
import { Harness, textOf, type Person } from '../support/harness.js';

let h: Harness;
let now: Date;
afterEach(async () => {
  await h?.close();
});

const at = (local: string) => new Date(`${local}+08:00`);

async function setup() {
  now = at('2026-11-23T10:00:00');
  h = await Harness.start({ clock: () => now });
  const admin = await h.makeAdmin('王主任');
  const chat = h.newChat();
  const [sec, zhang, li, leader] = ['王书记', '张三', '李四', '赵局长'].map((n) => h.person(n)) as [Person, Person, Person, Person];
  await h.say(admin, chat, '/绑定 第一支部');
  await h.say(admin, chat, '/任命 @王书记 书记');
  await h.say(admin, chat, '/任命 @张三 党员');
  await h.say(admin, chat, '/任命 @李四 党员');
  await h.say(admin, 'oc_p2p_admin', '/任命 @赵局长 领导', { chatType: 'p2p' });
  return { admin, chat, sec, zhang, li, leader };
}

describe('problems corrected with history; 专项整治 as a mark; measures corrected and cancelled', () => {
  it('corrects a problem twice (who and why in the history); a later deadline goes the extension path', async () => {
    const { chat, sec, zhang, li, leader } = await setup();
    await h.say(zhang, chat, '/问题 数据共享不直接 责任单位:数据科 时限:2026-12-31 负责人:@张三 来源:调查研究');
    expect(await h.say(li, chat, '/修改 P1 责任单位:数据资源科 理由:写错了')).toBe('只有 P1 的牵头负责人（张三）、「第一支部」书记或管理员可以修改。');
    expect(await h.say(zhang, chat, '/修改 P1 责任单位:数据资源科')).toContain('缺少修改理由');
    const first = await h.say(zhang, chat, '/修改 P1 责任单位:数据资源科 | 目标:实现供需精准对接 理由:科室名称写错');
    expect(first).toContain('责任单位：数据科 → 数据资源科');
    expect(first).toContain('整改目标：（无） → 实现供需精准对接');

    now = at('2026-11-24T09:30:00');
    const second = await h.say(sec, chat, '/修改 P1 负责人:@李四 | 专项整治:是 | 时限:2026-12-15 理由:分工调整，列入专项整治');
    expect(second).toContain('牵头负责人：张三 → 李四');
    expect(second).toContain('专项整治：否 → 是');
    expect(second).toContain('时限：2026-12-15（周二）');
    await h.app.settle();
    expect(h.texts((m) => m.receiveId === li.openId).join('\n')).toContain('把问题 P1 改由你牵头整改');

    // Moving it later is not a correction: it is a request a reviewer decides.
    const later = await h.say(li, chat, '/修改 P1 时限:2027-01-29 理由:等待省级平台接口');
    expect(later).toContain('李四 申请 P1 延期');
    expect((await h.app.store.read((tx) => tx.getProblem('P1')))).toMatchObject({ status: '申请延期', deadline: '2026-12-15', special: true, responsibleUnit: '数据资源科' });

    const shown = await h.say(leader, chat, '/问题 P1');
    expect(shown).toContain('专项整治：是');
    for (const line of [
      '2026-11-23 10:00 张三 修改：责任单位 数据科 → 数据资源科，科室名称写错',
      '2026-11-23 10:00 张三 修改：整改目标 （无） → 实现供需精准对接',
      '2026-11-24 09:30 王书记 修改：时限 2026-12-31 → 2026-12-15，分工调整，列入专项整治',
      '2026-11-24 09:30 王书记 修改：牵头负责人 张三 → 李四',
      '2026-11-24 09:30 王书记 修改：专项整治 （无） → 是',
      '李四 申请延期',
    ]) expect(shown).toContain(line);
  });

  it('counts 专项整治 across sources (older 来源:专项整治 read as the mark) in the figures and /进度', async () => {
    const { chat, zhang, leader } = await setup();
    await h.say(zhang, chat, '/问题 窗口排队久 责任单位:政务服务科 时限:2026-12-31 负责人:@张三 来源:群众反映 专项整治:是');
    await h.say(zhang, chat, '/问题 数据共享不直接 责任单位:数据资源科 时限:2026-12-31 负责人:@张三 来源:调查研究');
    await h.say(zhang, chat, '/问题 审批材料多 责任单位:审批科 时限:2026-12-31 负责人:@张三 来源:专项整治');
    // An older record whose source was 专项整治, as stored before the mark existed.
    await h.app.store.transact(async (tx) => {
      await tx.openProblem({ branchId: (await tx.getProblem('P1'))!.branchId, description: '旧数据', responsibleUnit: '办公室', leadPerson: zhang.openId, deadline: '2026-12-31', source: '专项整治' }, { by: zhang.openId, at: now.toISOString() });
    });
    const figures = await h.app.store.read(async (tx) => ledgerFigures({ problems: await tx.listProblems(), measures: await tx.listMeasures() }, { asOf: '2026-11-23' }));
    expect(figures.total).toMatchObject({ found: 4, special: 3 });
    expect(figures.bySource['群众反映强烈']).toMatchObject({ found: 1, special: 1 });
    expect(figures.bySource['调查研究发现']).toMatchObject({ found: 1, special: 0 });
    expect(figures.bySource['未注明']).toMatchObject({ found: 2, special: 2 });
    expect(figures.bySource['专项整治']).toBeUndefined();
    await h.say(leader, 'oc_p2p_leader', '/进度', { chatType: 'p2p' });
    const card = h.platform.sent.filter((m) => m.msgType === 'interactive').map(textOf).join('\n');
    expect(card).toContain('按来源：调查研究发现 1 个、群众反映强烈 1 个、未注明 2 个；其中专项整治问题 3 个');

    // The exported summary counts by source, then 专项整治 as a subset under the total.
    await h.say(leader, 'oc_p2p_leader', '/导出 问题台账 全部', { chatType: 'p2p' });
    await h.app.settle();
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(h.platform.files.at(-1)!.bytes as unknown as ArrayBuffer);
    const ws = wb.getWorksheet(PROBLEM_SHEETS.summary)!;
    const rows = ws.getRows(4, ws.rowCount - 3)!.map((r) => (r.values as unknown[]).slice(1, 3));
    expect(rows).toContainEqual(['合计', 4]);
    expect(rows).toContainEqual(['其中：专项整治', 3]);
    expect(rows).not.toContainEqual(['专项整治', 0]);
  });

  it('corrects and cancels measures; the close-out lists each measure’s outcome', async () => {
    const { chat, sec, zhang, li } = await setup();
    await h.say(zhang, chat, '/问题 数据共享不直接 责任单位:数据资源科 时限:2026-12-31 负责人:@张三');
    await h.say(zhang, chat, '/措施 P1 建设交换平台 时限:2026-12-20 负责人:@李四');
    await h.say(zhang, chat, '/措施 P1 编制对接清单 时限:2026-12-10 负责人:@张三');
    await h.say(zhang, chat, '/措施 P1 采购专线 时限:2026-12-10 负责人:@张三');
    const fixed = await h.say(zhang, chat, '/修改 P1-2 时限:2026-12-18 | 负责人:@李四 理由:李四更熟悉');
    expect(fixed).toContain('负责人：张三 → 李四');
    expect(fixed).toMatch(/时限：2026-12-18（周五），还有 \d+ 个工作日（原时限 2026-12-10（周四））/);
    expect(await h.say(li, chat, '/修改 P1-3 撤销 理由:不需要')).toContain('只有 P1 的牵头负责人');
    expect(await h.say(zhang, chat, '/修改 P1-3 撤销 理由:改用政务外网，无需专线')).toContain('已撤销措施 P1-3');
    expect(await h.say(zhang, chat, '/整改 P1-3 完成 x')).toContain('P1-3 已于 2026-11-23 10:00 撤销');
    await h.say(li, chat, '/整改 P1-1 完成 平台已上线');
    await h.say(li, chat, '/整改 P1-2 完成 清单已印发');
    // The cancelled measure no longer blocks close-out; the request and the decision list every outcome.
    const asked = h.say(zhang, chat, '/销号 P1 已上线运行');
    await asked;
    await h.app.settle();
    const requestCard = h.texts((m) => m.chatId === chat || m.receiveId === chat).join('\n');
    expect(requestCard).toContain('P1-1 建设交换平台：已完成（平台已上线）');
    expect(requestCard).toContain('P1-3 采购专线：已撤销（改用政务外网，无需专线）');
    const decided = await h.say(sec, chat, '/审核 P1 通过');
    expect(decided).toContain('P1 已整改销号。');
    expect(decided).toContain('P1-2 编制对接清单：已完成（清单已印发）');
    expect(decided).toContain('P1-3 采购专线：已撤销');
    const figures = await h.app.store.read(async (tx) => ledgerFigures({ problems: await tx.listProblems(), measures: await tx.listMeasures() }, { asOf: '2026-11-23' }));
    expect(figures.total).toMatchObject({ found: 1, rectified: 1, measures: 2, measuresDone: 2 });
  });
});
