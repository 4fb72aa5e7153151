import type { EvidenceType } from '../../storage/ledger.js';

/** The largest evidence file kept: scans and photos fit, a stray video does not fill the disk. */
export const EVIDENCE_LIMIT_BYTES = 20 * 1024 * 1024;

/** After `/佐证 P12`, files the same person sends within this many minutes go to P12. */
export const TARGET_MINUTES = 30;

const ASCII = (s: string) => Buffer.from(s, 'latin1');

/**
 * The type of a file by its first bytes, never by its name: PNG, JPEG, PDF, or a zip holding `word/` (docx) or
 * `xl/` (xlsx); anything else (an .exe renamed .pdf, a .doc, a video) is undefined and refused.
 */
export function sniffType(bytes: Uint8Array): EvidenceType | undefined {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.subarray(0, 5).equals(ASCII('%PDF-'))) return 'pdf';
  if (b.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) {
    // Office Open XML keeps its parts under word/ or xl/; the names appear in the zip's local headers.
    if (b.includes(ASCII('word/'))) return 'docx';
    if (b.includes(ASCII('xl/'))) return 'xlsx';
  }
  return undefined;
}

const LABEL: Record<EvidenceType, string> = { png: 'PNG 图片', jpeg: 'JPEG 图片', pdf: 'PDF', docx: 'Word', xlsx: 'Excel' };

/** `PDF，1.2 MB`: what a stored file is, for replies and lists. */
export function describeFile(type: EvidenceType, size: number): string {
  const amount = size >= 1024 * 1024 ? `${(size / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(size / 1024))} KB`;
  return `${LABEL[type]}，${amount}`;
}

/** The file name shown and exported: the sender's for files; images (which have none) get one from their type. */
export function evidenceName(given: string | undefined, type: EvidenceType, messageId: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = given?.replace(/[\u0000-\u001f\u007f/\\]/g, '_').trim().slice(0, 120);
  return clean || `图片-${messageId.slice(-8)}.${type === 'jpeg' ? 'jpg' : type}`;
}
