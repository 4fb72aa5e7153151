const CN_DIGITS: Readonly<Record<string, number>> = {
  零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9,
};
const CN_UNITS: Readonly<Record<string, number>> = { 十: 10, 百: 100, 千: 1000 };

/** Reads a count or date part written `12`, `十二`, `两`, `二十一`, `一百零五` or digit-by-digit years like `二〇二六`; undefined for anything else. */
export function parseChineseNumber(s: string): number | undefined {
  if (/^\d+$/.test(s)) return Number(s);
  if (/^[零〇一二三四五六七八九]{4}$/.test(s)) return Number([...s].map((c) => CN_DIGITS[c]).join(''));
  if (s === '') return undefined;
  let total = 0;
  let current: number | undefined;
  let lastUnit = Infinity;
  for (const c of s) {
    const digit = CN_DIGITS[c];
    const unit = CN_UNITS[c];
    if (c === '零' || c === '〇') continue;
    if (digit !== undefined) {
      // 「两两」「三三」 are not numbers.
      if (current !== undefined) return undefined;
      current = digit;
    } else if (unit !== undefined && unit < lastUnit) {
      total += (current ?? 1) * unit;
      current = undefined;
      lastUnit = unit;
    } else return undefined;
  }
  return total + (current ?? 0);
}

