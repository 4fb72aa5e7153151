import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { PROBLEM_COLUMNS, PROBLEM_SHEETS, problemLedgerWorkbook, STUDY_SHEETS, studyColumns, studyLedgerWorkbook } from '../../commands/reports/export-ledgers.js';
import type { Measure, Problem } from '../../storage/ledger.js';
import type { StudyRecord } from '../../storage/study.js';

const stamp = { by: 'ou_sec', at: '2026-10-01T02:00:00.000Z' };
const names = { person: (id: string) => ({ ou_zhang: '张三', ou_li: '李四', ou_sec: '王书记' })[id] ?? id, branch: (id: string | undefined) => (id === 'b1' ? '第一支部' : '第二支部') };

function problem(n: number, extra: Partial<Problem> = {}): Problem {
  return { id: `P${n}`, number: n, branchId: 'b1', description: `问题${n}`, responsibleUnit: '数据资源科', leadPerson: 'ou_zhang', deadline: '2026-12-31', status: '整改中', created: stamp, history: [], ...extra };
}
function measure(p: number, seq: number, extra: Partial<Measure> = {}): Measure {
  return { id: `P${p}-${seq}`, problemId: `P${p}`, seq, content: `措施${p}-${seq}`, owner: 'ou_li', deadline: '2026-12-20', status: '整改中', created: stamp, history: [], ...extra };
}
function record(n: number, extra: Partial<StudyRecord> = {}): StudyRecord {
  return { id: `S${n}`, date: '2026-11-0' + n, form: '个人自学', minutes: 90, content: `学习${n}`, branchId: 'b1', personId: 'ou_zhang', attendees: [], entered: stamp, ...extra };
}

async function read(bytes: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  return wb;
}
const merges = (ws: ExcelJS.Worksheet) => (ws.model as unknown as { merges: string[] }).merges.sort();
const texts = (ws: ExcelJS.Worksheet, row: number) => (ws.getRow(row).values as unknown[]).slice(1);

describe('problem ledger layout', () => {
  const long = '数据共享不直接、供需对接不精准，部门之间数据共享交换渠道不畅，群众和企业办事仍需重复提交材料，'.repeat(3);
  const input = {
    problems: [
      problem(1, { description: long, source: '调查研究发现', target: '供需精准对接' }),
      problem(2, {
        source: '专项整治',
        status: '已整改销号',
        closed: { by: 'ou_sec', at: '2026-11-20T02:00:00.000Z', evidence: '验收报告', requestedBy: 'ou_zhang' },
        history: [{ at: '2026-11-20T02:00:00.000Z', by: 'ou_sec', action: 'close-approve', field: 'status', from: '待审核', to: '已整改销号' }],
      }),
      problem(3, { source: '群众反映强烈', deadline: '2026-11-01' }),
      problem(4, { voided: { ...stamp, reason: '重复' } }),
    ],
    measures: [measure(1, 1), measure(1, 2, { status: '已完成', history: [{ at: '2026-11-10T02:00:00.000Z', by: 'ou_li', action: 'measure-done', field: 'status', from: '整改中', to: '已完成', note: '平台已上线' }] }),
      measure(1, 3),
      measure(2, 1, { status: '已完成', history: [{ at: '2026-11-18T02:00:00.000Z', by: 'ou_li', action: 'measure-done', field: 'status', from: '整改中', to: '已完成', note: '已完成' }] }),
    ],
    names,
    today: '2026-11-26',
    unit: '第一支部',
  };

  it('has the title, 填报 line and official header, prints A4 landscape one page wide with the header on every page', async () => {
    const wb = await read(await problemLedgerWorkbook(input));
    expect(wb.worksheets.map((w) => w.name)).toEqual([PROBLEM_SHEETS.ledger, PROBLEM_SHEETS.summary]);
    const ws = wb.getWorksheet(PROBLEM_SHEETS.ledger)!;
    expect(ws.getCell('A1').value).toBe('第一支部主题教育检视问题整改台账');
    expect(ws.getCell('A2').value).toBe('填报单位：第一支部');
    expect(ws.getCell('G2').value).toBe('填报日期：2026年11月26日');
    expect(texts(ws, 3)).toEqual(['序号', '问题来源', '问题描述', '整改措施', '整改目标', '整改时限', '牵头负责人', '责任单位', '整改进展', '是否完成', '销号时间', '佐证材料']);
    expect(PROBLEM_COLUMNS.map((c) => c.header)).toEqual(texts(ws, 3));
    expect(ws.pageSetup).toMatchObject({ paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: '3:3' });
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 3 });
    expect(ws.getCell('C4').border).toMatchObject({ top: { style: 'thin' }, left: { style: 'thin' }, bottom: { style: 'thin' }, right: { style: 'thin' } });
    expect(ws.getCell('C4').alignment).toMatchObject({ wrapText: true });
  });

  it('writes one row per measure with the problem cells merged over them; voided problems are left out', async () => {
    const ws = (await read(await problemLedgerWorkbook(input))).getWorksheet(PROBLEM_SHEETS.ledger)!;
    // P1 (3 measures) on rows 4–6, P3 (群众反映强烈, none) on 7, then P2 (专项整治, 1 measure) on 8.
    const problemColumns = ['A', 'B', 'C', 'E', 'F', 'G', 'H', 'I', 'K', 'L'];
    expect(merges(ws)).toEqual(['A1:L1', 'A2:F2', 'G2:L2', ...problemColumns.map((c) => `${c}4:${c}6`)].sort());
    expect(ws.rowCount).toBe(8);
    expect(['D4', 'D5', 'D6'].map((a) => ws.getCell(a).value)).toEqual(['1. 措施1-1（李四，2026-12-20前）', '2. 措施1-2（李四，2026-12-20前）', '3. 措施1-3（李四，2026-12-20前）']);
    expect(['J4', 'J5', 'J6'].map((a) => ws.getCell(a).value)).toEqual(['否', '是', '否']);
    expect(ws.getCell('C4').value).toBe(`P1 ${long}`);
    expect(ws.getCell('F4').value).toEqual(new Date('2026-12-31T00:00:00Z'));
    expect(ws.getCell('I4').value).toBe('整改中\n11-10 措施2完成：平台已上线');
    expect(ws.getCell('D7').value).toBe('尚未制定整改措施');
    expect(ws.getCell('J7').value).toBe('否（逾期）');
    expect(ws.getCell('B8').value).toBe('专项整治');
    expect(ws.getCell('B8').font).toMatchObject({ bold: true });
    expect(ws.getCell('C8').value).toBe('【专项整治】P2 问题2');
    expect(ws.getCell('K8').value).toEqual(new Date('2026-11-20T00:00:00Z'));
    expect(ws.getCell('L8').value).toBe('验收报告');
    // The long description (~150 characters in a 26-wide column) needs ~12 lines: the merged rows make room for it.
    const merged = [4, 5, 6].reduce((sum, r) => sum + ws.getRow(r).height, 0);
    expect(merged).toBeGreaterThanOrEqual(12 * 16);
  });

  it('sums up by source from the shared figures', async () => {
    const ws = (await read(await problemLedgerWorkbook(input))).getWorksheet(PROBLEM_SHEETS.summary)!;
    const total = ws.getRows(4, ws.rowCount - 3)!.find((r) => r.getCell(1).value === '合计')!;
    expect((total.values as unknown[]).slice(1)).toEqual(['合计', 3, 1, 2, 1, 4, 2, '33.3%']);
  });
});

describe('study ledger layout', () => {
  const records = [
    record(1),
    record(2, { form: '专题党课', personId: 'ou_sec', attendees: ['ou_zhang', 'ou_li'], place: '三楼会议室', reflection: '=收获很大' }),
    record(3, { form: '志愿服务', content: '文明交通劝导', branchId: 'b2', minutes: 180 }),
    record(4, { voided: { ...stamp, reason: '录错' } }),
    record(5, {
      form: '支委会',
      content: '研究发展党员',
      personId: 'ou_sec',
      attendees: ['ou_zhang'],
      meeting: { kind: '支委会', host: 'ou_sec', recorder: 'ou_zhang', expected: ['ou_sec', 'ou_zhang', 'ou_li', 'ou_wang'], leave: [{ personId: 'ou_li', reason: '出差' }], absent: ['ou_wang'], makeups: [{ personId: 'ou_wang', date: '2026-11-06', entered: stamp }] },
    }),
  ];

  it('has a 支部 column and a proper title bureau-wide, volunteer service on its own sheet, and prints like the problem ledger', async () => {
    const wb = await read(await studyLedgerWorkbook({ records, names, periodLabel: '2026年', today: '2026-11-26' }));
    expect(wb.worksheets.map((w) => w.name)).toEqual([STUDY_SHEETS.study, STUDY_SHEETS.volunteer]);
    const ws = wb.getWorksheet(STUDY_SHEETS.study)!;
    expect(ws.getCell('A1').value).toBe('全局党员干部学习台账（2026年）');
    // Issue 14: a meeting's 记录人, 应到 and 请假/缺席 (with 补学) have columns of their own.
    expect(texts(ws, 3)).toEqual(['序号', '支部', '日期', '形式', '主题/内容', '主讲人/主持人', '地点', '参加人员', '参加人数', '时长（小时）', '心得体会', '记录人', '应到', '请假/缺席']);
    expect(studyColumns(true).map((c) => c.header)).toEqual(texts(ws, 3));
    expect(ws.pageSetup).toMatchObject({ paperSize: 9, orientation: 'landscape', fitToWidth: 1, fitToHeight: 0, printTitlesRow: '3:3' });
    expect(texts(ws, 4)).toEqual([1, '第一支部', new Date('2026-11-01T00:00:00Z'), '个人自学', '学习1', undefined, undefined, '张三', 1, 1.5]);
    // A 党课 has a lecturer; self-study has none. Reflections are the member's text, kept from running as a formula.
    expect(texts(ws, 5)).toEqual([2, '第一支部', new Date('2026-11-02T00:00:00Z'), '专题党课', '学习2', '王书记', '三楼会议室', '王书记、张三、李四', 3, 1.5, "'=收获很大"]);
    // A meeting (/会议): host, recorder, 参加人数 = 实到 against 应到, who was on leave or absent and who made it up.
    expect(texts(ws, 6)).toEqual([3, '第一支部', new Date('2026-11-05T00:00:00Z'), '支委会', '研究发展党员', '王书记', undefined, '王书记、张三', 2, 1.5, undefined, '张三', 4, '请假：李四（出差）；缺席：ou_wang（已补学）']);
    expect(ws.rowCount).toBe(6);
    const vol = wb.getWorksheet(STUDY_SHEETS.volunteer)!;
    expect(vol.getCell('A1').value).toBe('全局党员干部志愿服务台账（2026年）');
    expect(texts(vol, 4)).toEqual([1, '第二支部', new Date('2026-11-03T00:00:00Z'), '文明交通劝导', undefined, '张三', 1, 3]);
  });

  it('leaves the 支部 column out of a branch file', async () => {
    const wb = await read(await studyLedgerWorkbook({ records, names, unit: '第一支部', periodLabel: '2026年11月', today: '2026-11-26' }));
    const ws = wb.getWorksheet(STUDY_SHEETS.study)!;
    expect(ws.getCell('A1').value).toBe('第一支部学习台账（2026年11月）');
    expect(ws.getCell('A2').value).toBe('填报单位：第一支部');
    expect(texts(ws, 3)).toEqual(studyColumns(false).map((c) => c.header));
    expect(texts(ws, 3)).not.toContain('支部');
  });
});
