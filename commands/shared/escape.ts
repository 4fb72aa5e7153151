/**
 * One escaper per place user text lands. Feishu reads markup in text messages (`<at user_id="all">`, `<b>`,
 * `[文字](链接)`) and in card markdown (the same plus `**`, `<font>`, headings, lists); Excel reads a leading
 * `= + - @` as a formula.
 */

/**
 * Text-message content with every tag (`<at …>`, `<a href>`, `<b>`) and text link (`[文字](链接)`) broken by a
 * full-width bracket. Duban's own replies use neither, so the whole message is escaped at once, losslessly.
 */
export function escapeText(s: string): string {
  return s.replace(/<(?=\s*[A-Za-z/!?])/g, '＜').replace(/\](?=\s*\()/g, '］');
}

const MARKDOWN_SPECIAL = /[&<>[\]*_~`\\|$]/g;

/**
 * Card markdown (`markdown` elements) that shows `s` literally, on one line: specials become HTML numeric
 * entities (Feishu's documented escape) and line breaks become spaces; at the start of a line a leading `#`,
 * `+`, `-`, `=` or `1.` is escaped too, so it cannot start a heading or a list.
 */
export function escapeMarkdown(s: string, atLineStart = true): string {
  const flat = s.replace(/\s*[\r\n\u2028\u2029]+\s*/g, ' ').trim();
  const escaped = flat.replace(MARKDOWN_SPECIAL, entity);
  if (!atLineStart) return escaped;
  return escaped.replace(/^[#+\-=]/, entity).replace(/^(\d+)([.)])/, (_, n: string, dot: string) => n + entity(dot));
}

/** A spreadsheet cell value that Excel and WPS show as text, never run as a formula (OWASP CSV injection). */
export function escapeCell(s: string): string {
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

function entity(c: string): string {
  return `&#${c.codePointAt(0)};`;
}
