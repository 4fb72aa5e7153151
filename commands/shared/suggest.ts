/** Traditional forms of the characters in our command words, so `/問題` and `/學習` find their command. */
const SIMPLIFIED: Readonly<Record<string, string>> = {
  務: '务', 廢: '废', 黨: '党', 課: '课', 學: '学', 習: '习', 審: '审', 導: '导', 幫: '帮', 願: '愿', 員: '员', 標: '标',
  銷: '销', 綁: '绑', 調: '调', 進: '进', 號: '号', 問: '问', 題: '题', 專: '专', 査: '查', 報: '报', 設: '设', 計: '计',
};

/** The word with traditional characters of our command words made simplified, NFKC-folded and lower-cased. */
export function toSimplified(word: string): string {
  return [...word.normalize('NFKC').toLowerCase()].map((c) => (Object.hasOwn(SIMPLIFIED, c) ? SIMPLIFIED[c]! : c)).join('');
}

/**
 * The known word nearest to a mistyped one (`问提` → 问题, `學習` → 学习, `stduy` → study), or undefined when none is
 * close: one character off for a Chinese word, about a third of the letters for an English one.
 */
export function suggestCommand(word: string, known: readonly string[]): string | undefined {
  const typed = toSimplified(word);
  if (typed === '') return undefined;
  const exact = known.find((k) => k.toLowerCase() === typed);
  if (exact) return exact;
  const allowed = /^[a-z]+$/.test(typed) ? Math.max(1, Math.floor(typed.length / 3)) : 1;
  let best: { word: string; d: number } | undefined;
  for (const k of known) {
    if (k.length < 2) continue;
    const d = distance(typed, k.toLowerCase());
    if (d <= allowed && (!best || d < best.d)) best = { word: k, d };
  }
  return best?.word;
}

/** Edit distance over code points, a swap of neighbours counting as one edit (`stduy`). */
function distance(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  const d = Array.from({ length: x.length + 1 }, (_, i) => Array.from({ length: y.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= x.length; i++) {
    for (let j = 1; j <= y.length; j++) {
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[x.length]![y.length]!;
}
