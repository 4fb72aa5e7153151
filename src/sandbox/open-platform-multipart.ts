/** One part of a multipart/form-data body. */
export interface Part {
  name: string;
  filename?: string;
  data: Buffer;
}

/** The boundary of a multipart/form-data content type. */
export function boundaryOf(contentType: string): string | undefined {
  if (!/^multipart\/form-data/i.test(contentType)) return undefined;
  const m = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return m?.[1] ?? m?.[2];
}

/** Parses a fully buffered multipart/form-data body (RFC 7578); throws on anything malformed. */
export function parseMultipart(body: Buffer, boundary: string): Part[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const nextDelimiter = Buffer.from(`\r\n--${boundary}`);
  let pos = body.indexOf(delimiter);
  if (pos < 0) throw new Error('no opening boundary');
  pos += delimiter.length;
  const parts: Part[] = [];
  for (;;) {
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) return parts; // closing "--"
    while (body[pos] === 0x20 || body[pos] === 0x09) pos++; // transport padding
    if (body[pos] !== 0x0d || body[pos + 1] !== 0x0a) throw new Error('boundary not followed by CRLF');
    pos += 2;
    let dataStart: number;
    let headerText = '';
    if (body[pos] === 0x0d && body[pos + 1] === 0x0a) {
      dataStart = pos + 2;
    } else {
      const headerEnd = body.indexOf('\r\n\r\n', pos);
      if (headerEnd < 0) throw new Error('unterminated part headers');
      headerText = body.subarray(pos, headerEnd).toString('utf8');
      dataStart = headerEnd + 4;
    }
    const end = body.indexOf(nextDelimiter, dataStart);
    if (end < 0) throw new Error('unterminated part');
    const disposition = headerText.split('\r\n').find((l) => /^content-disposition\s*:/i.test(l)) ?? '';
    const params = dispositionParams(disposition);
    const name = params.get('name');
    if (name === undefined) throw new Error('part without a name');
    const filename = params.get('filename');
    parts.push({ name, ...(filename === undefined ? {} : { filename }), data: body.subarray(dataStart, end) });
    pos = end + nextDelimiter.length;
  }
}

function dispositionParams(line: string): Map<string, string> {
  const params = new Map<string, string>();
  const re = /;\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]*))/g;
  for (let m = re.exec(line); m; m = re.exec(line)) {
    const key = (m[1] ?? '').toLowerCase();
    const value = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? '');
    if (key === 'filename*') {
      const ext = /^([^']*)'[^']*'(.*)$/.exec(value);
      if (ext?.[2] !== undefined) params.set('filename', decodeURIComponent(ext[2]));
    } else if (!(key === 'filename' && params.has('filename'))) {
      params.set(key, value);
    }
  }
  return params;
}

