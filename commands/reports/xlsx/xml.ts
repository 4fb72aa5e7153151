const SPECIAL = /[&<>"\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/;
const SPECIAL_ALL = /[&<>"\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/g;
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

/** Text safe inside an XML element or attribute; characters XML 1.0 forbids are dropped, not escaped. */
export function xmlText(s: string): string {
  return SPECIAL.test(s) ? s.replace(SPECIAL_ALL, (c) => ENTITIES[c] ?? '') : s;
}

/** `A`, `B` … `Z`, `AA` for a 1-based column number. */
export function columnLetter(n: number): string {
  let s = '';
  for (let k = n; k > 0; k = Math.floor((k - 1) / 26)) s = String.fromCharCode(65 + ((k - 1) % 26)) + s;
  return s;
}

const EXCEL_EPOCH = Date.UTC(1899, 11, 30);

const dayNumbers = new Map<string, number>();

/** A calendar day (`2026-12-31`) as Excel's day number, so the cell is a real date whatever the viewer's zone. */
export function excelDay(day: string): number {
  let n = dayNumbers.get(day);
  if (n === undefined) {
    n = (Date.parse(`${day}T00:00:00Z`) - EXCEL_EPOCH) / 86_400_000;
    // A ledger spans a few hundred days; the cap only guards a long-lived process against unbounded growth.
    if (dayNumbers.size > 10_000) dayNumbers.clear();
    dayNumbers.set(day, n);
  }
  return n;
}
