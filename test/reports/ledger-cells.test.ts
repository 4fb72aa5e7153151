import { inflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { STUDY_SHEETS, studyLedgerWorkbook } from '../../commands/reports/export-ledgers.js';
import type { StudyRecord } from '../../storage/study.js';

const stamp = { by: 'ou_sec', at: '2026-10-01T02:00:00.000Z' };
const names = { person: (id: string) => ({ ou_zhang: '张三', ou_li: '李四' })[id] ?? id, branch: (id: string | undefined) => (id === 'b1' ? '第一支部' : '第二支部') };
const record = (n: number, extra: Partial<StudyRecord>): StudyRecord => ({
  id: `S${n}`,
  date: '2026-11-02',
  form: '支部集体学习',
  minutes: 60,
  content: `学习${n}`,
  branchId: 'b1',
  personId: 'ou_zhang',
  attendees: [],
  entered: stamp,
  ...extra,
});

/** The text of one part of the .xlsx, read straight from the zip without exceljs. */
function part(file: Buffer, name: string): string {
  for (let off = 0; file.readUInt32LE(off) === 0x04034b50; ) {
    const size = file.readUInt32LE(off + 18);
    const nameLength = file.readUInt16LE(off + 26);
    const start = off + 30 + nameLength;
    if (file.subarray(off + 30, start).toString() === name) return inflateRawSync(file.subarray(start, start + size)).toString('utf8');
    off = start + size;
  }
  throw new Error(`${name} not in file`);
}

describe('ledger cells', () => {
  // Each text goes through the writer's fast path or its escaping path; each repeated value through a column's memo.
  const odd = [' 前后有空格 ', '\u3000全角空格开头', '结尾全角空格\u3000', '<b>加粗</b> & "引号"', '控制\u0001字符', '=1+1', '@SUM(A1)', '-3', '普通文本'];
  const records = [
    ...odd.map((content, i) => record(i + 1, { content, place: i % 2 ? '<会议室&A>' : '三楼会议室', reflection: content })),
    ...odd.map((content, i) => record(i + 20, { content: `第${i}条`, place: content, branchId: i % 2 ? 'b1' : 'b2', personId: i % 2 ? 'ou_zhang' : 'ou_li' })),
  ];

  it('reads back every text as written, escaped for XML, formula leaders quoted, control characters dropped', async () => {
    const bytes = await studyLedgerWorkbook({ records, names, periodLabel: '2026年11月', today: '2026-11-26' });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
    const ws = wb.getWorksheet(STUDY_SHEETS.study)!;
    const shown = (v: string) => (/^[=+\-@\t\r]/.test(v) ? `'${v}` : v).replace(/\u0001/g, '');
    const expected = odd.map(shown);
    expect(odd.map((_, i) => ws.getCell(`E${4 + i}`).value)).toEqual(expected);
    expect(odd.map((_, i) => ws.getCell(`K${4 + i}`).value)).toEqual(expected);
    expect(odd.map((_, i) => ws.getCell(`G${4 + i}`).value)).toEqual(odd.map((_, i) => (i % 2 ? '<会议室&A>' : '三楼会议室')));
    expect(odd.map((_, i) => ws.getCell(`G${4 + odd.length + i}`).value)).toEqual(expected);
    expect(odd.map((_, i) => ws.getCell(`B${4 + odd.length + i}`).value)).toEqual(odd.map((_, i) => (i % 2 ? '第一支部' : '第二支部')));
    expect(odd.map((_, i) => ws.getCell(`F${4 + odd.length + i}`).value)).toEqual(odd.map((_, i) => (i % 2 ? '张三' : '李四')));
    wb.eachSheet((s) => s.eachRow((r) => r.eachCell((c) => expect(c.formula).toBeUndefined())));
  });

  it('marks text with a leading or trailing space to be kept as it is, and only that text', async () => {
    const xml = part(await studyLedgerWorkbook({ records, names, periodLabel: '2026年11月', today: '2026-11-26' }), 'xl/worksheets/sheet1.xml');
    const preserved = [...xml.matchAll(/<t xml:space="preserve">([^<]*)<\/t>/g)].map((m) => m[1]);
    // Content and 心得 of the first three records, and 地点 of the next three.
    expect(preserved).toEqual([' 前后有空格 ', ' 前后有空格 ', '\u3000全角空格开头', '\u3000全角空格开头', '结尾全角空格\u3000', '结尾全角空格\u3000', ' 前后有空格 ', '\u3000全角空格开头', '结尾全角空格\u3000']);
    expect(xml).toContain('&lt;b&gt;加粗&lt;/b&gt; &amp; &quot;引号&quot;');
    expect(xml).not.toContain('\u0001');
  });
});
