/** What a cadre might type to make the bot @-mention everyone or post a link under its name. */
export const ATTACKS = [
  '<at user_id="all"></at>',
  '<at id=all></at>',
  '<at user_id="ou_0000evil"></at>',
  '<AT id="all">所有人</AT>',
  '[点此领取](https://evil.example/phish)',
  '[点此] (https://evil.example/phish)',
  '<a href="https://evil.example">官方通知</a>',
  '<font color=red>紧急</font>',
  '<link url="https://evil.example">链接</link>',
  '**加粗** ~~删除~~ `代码` # 标题',
  '![图](img_v2_evil)',
];

/** Markup in a text message that Feishu would act on: any tag, or a text link. */
export function unsafeInText(text: string): string[] {
  return [...text.matchAll(/<\s*[A-Za-z/!?][^>]*>?|\]\s*\(/g)].map((m) => m[0]);
}

/**
 * Markup in a card that did not come from Duban: in markdown, any tag but an `<at id=…>` of one of `allowed`,
 * any text link, emphasis or image from the attacks; anywhere in the card JSON, any other tag.
 */
export function unsafeInCard(card: unknown, allowed: ReadonlySet<string>): string[] {
  const found: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if (o.tag === 'markdown' && typeof o.content === 'string') {
      for (const m of o.content.matchAll(/<\s*\/?\s*([A-Za-z]+)[^>]*>/g)) {
        const at = /^<at id=(ou_[A-Za-z0-9_-]+)>$/.exec(m[0]);
        if (m[0] !== '</at>' && !(at && allowed.has(at[1]!))) found.push(m[0]);
      }
      for (const m of o.content.matchAll(/\]\s*\(|\*\*加粗|~~删除|`代码`|^#\s/gm)) found.push(m[0]);
    }
    for (const x of Object.values(o)) {
      if (typeof x === 'string' && o.tag !== 'markdown' && /<\s*[A-Za-z/]/.test(x)) found.push(x);
      else walk(x);
    }
  };
  walk(card);
  return found;
}
