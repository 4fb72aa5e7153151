/** The few cell styles every ledger uses; the index is the `s` attribute of a cell. */
export const STYLE = {
  plain: 0,
  title: 1,
  infoLeft: 2,
  infoRight: 3,
  header: 4,
  text: 5,
  centered: 6,
  date: 7,
  hours: 8,
  marked: 9,
} as const;
export type StyleId = (typeof STYLE)[keyof typeof STYLE];

/** The body font: 宋体 is what Party affairs offices print in; viewers without it substitute a CJK serif. */
export const BODY_FONT_PT = 11;

const font = (pt: number, bold = false) => `<font>${bold ? '<b/>' : ''}<sz val="${pt}"/><name val="宋体"/><charset val="134"/></font>`;
const THIN = '<border><left style="thin"/><right style="thin"/><top style="thin"/><bottom style="thin"/><diagonal/></border>';
const xf = (fontId: number, opts: { border?: boolean; fill?: boolean; numFmt?: number; h?: string; wrap?: boolean }) =>
  `<xf numFmtId="${opts.numFmt ?? 0}" fontId="${fontId}" fillId="${opts.fill ? 2 : 0}" borderId="${opts.border ? 1 : 0}" xfId="0"` +
  `${opts.numFmt ? ' applyNumberFormat="1"' : ''} applyFont="1"${opts.border ? ' applyBorder="1"' : ''}${opts.fill ? ' applyFill="1"' : ''} applyAlignment="1">` +
  `<alignment horizontal="${opts.h ?? 'left'}" vertical="center"${opts.wrap ? ' wrapText="1"' : ''}/></xf>`;

/** styles.xml: fonts, one thin border, one header fill, and the cell formats in STYLE order. */
export const STYLES_XML =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
  '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' +
  '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/><numFmt numFmtId="165" formatCode="0.0"/></numFmts>' +
  `<fonts count="4">${font(BODY_FONT_PT)}${font(18, true)}${font(BODY_FONT_PT, true)}${font(12)}</fonts>` +
  '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>' +
  '<fill><patternFill patternType="solid"><fgColor rgb="FFF2F2F2"/><bgColor indexed="64"/></patternFill></fill></fills>' +
  `<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>${THIN}</borders>` +
  '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
  '<cellXfs count="10">' +
  '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>' +
  xf(1, { h: 'center' }) +
  xf(3, { h: 'left' }) +
  xf(3, { h: 'right' }) +
  xf(2, { border: true, fill: true, h: 'center', wrap: true }) +
  xf(0, { border: true, wrap: true }) +
  xf(0, { border: true, h: 'center', wrap: true }) +
  xf(0, { border: true, h: 'center', numFmt: 164 }) +
  xf(0, { border: true, h: 'center', numFmt: 165 }) +
  xf(2, { border: true, h: 'center', wrap: true }) +
  '</cellXfs>' +
  '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>' +
  '</styleSheet>';
