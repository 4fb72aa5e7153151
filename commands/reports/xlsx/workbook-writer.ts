import { SheetWriter, type SheetLayout } from './sheet-writer.js';
import { STYLES_XML } from './styles.js';
import { xmlText } from './xml.js';
import { ZipWriter } from './zip-writer.js';

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const TYPE = 'application/vnd.openxmlformats-officedocument';

/**
 * A minimal .xlsx writer for the ledgers: sheets stream straight into a deflated zip entry (compression runs on
 * libuv's thread pool), so a 100,000-row ledger costs string building and little else. exceljs's own streaming
 * writer spends ~65 µs a row on its object model and per-cell style lookup; this spends a few.
 */
export class XlsxWriter {
  private readonly zip = new ZipWriter();
  private readonly sheets: SheetLayout[] = [];

  constructor(private readonly creator: string) {}

  /** Opens the next sheet; close it before finishing the workbook. */
  sheet(layout: SheetLayout): SheetWriter {
    this.sheets.push(layout);
    return new SheetWriter(this.zip.open(`xl/worksheets/sheet${this.sheets.length}.xml`), layout);
  }

  /** Writes the workbook parts around the sheets and returns the file. */
  async finish(): Promise<Buffer> {
    const n = this.sheets.length;
    const quoted = (name: string) => `'${name.replace(/'/g, "''")}'`;
    await this.zip.file(
      '[Content_Types].xml',
      `${XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
        `<Override PartName="/xl/workbook.xml" ContentType="${TYPE}.spreadsheetml.sheet.main+xml"/>` +
        this.sheets.map((_, i) => `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="${TYPE}.spreadsheetml.worksheet+xml"/>`).join('') +
        `<Override PartName="/xl/styles.xml" ContentType="${TYPE}.spreadsheetml.styles+xml"/>` +
        '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>' +
        `<Override PartName="/docProps/app.xml" ContentType="${TYPE}.extended-properties+xml"/></Types>`,
    );
    await this.zip.file(
      '_rels/.rels',
      `${XML_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
        `<Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/>` +
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>' +
        `<Relationship Id="rId3" Type="${REL}/extended-properties" Target="docProps/app.xml"/></Relationships>`,
    );
    await this.zip.file(
      'docProps/core.xml',
      `${XML_HEAD}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">` +
        `<dc:creator>${xmlText(this.creator)}</dc:creator></cp:coreProperties>`,
    );
    await this.zip.file('docProps/app.xml', `${XML_HEAD}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>Duban</Application></Properties>`);
    await this.zip.file(
      'xl/workbook.xml',
      `${XML_HEAD}<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="${REL}">` +
        '<bookViews><workbookView/></bookViews><sheets>' +
        this.sheets.map((s, i) => `<sheet name="${xmlText(s.name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join('') +
        '</sheets><definedNames>' +
        this.sheets.map((s, i) => `<definedName name="_xlnm.Print_Titles" localSheetId="${i}">${xmlText(quoted(s.name))}!$${s.printTitleFrom}:$${s.headerRow}</definedName>`).join('') +
        '</definedNames></workbook>',
    );
    await this.zip.file(
      'xl/_rels/workbook.xml.rels',
      `${XML_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
        this.sheets.map((_, i) => `<Relationship Id="rId${i + 1}" Type="${REL}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`).join('') +
        `<Relationship Id="rId${n + 1}" Type="${REL}/styles" Target="styles.xml"/></Relationships>`,
    );
    await this.zip.file('xl/styles.xml', STYLES_XML);
    return this.zip.finish();
  }
}
