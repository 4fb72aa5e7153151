// The long connection's frame is protobuf message `pbbp2.Frame` (the SDK's WSClient, lib/index.js "pbbp2"). The fake
// codes it by hand rather than with the SDK's own codec, so a mistake on either side shows up in the tests.

/** Frame `method`: control frames carry ping/pong, data frames carry events and their ACKs. */
export const FrameMethod = { control: 0, data: 1 } as const;

/** One decoded frame; `headers` keep their order, `payload` is raw bytes. */
export interface Frame {
  seqId: number;
  logId: number;
  service: number;
  method: number;
  headers: { key: string; value: string }[];
  payloadEncoding?: string;
  payloadType?: string;
  payload?: Uint8Array;
  logIdNew?: string;
}

function varint(out: number[], n: number): void {
  let v = n;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
}

function bytesField(out: number[], field: number, bytes: Uint8Array): void {
  varint(out, (field << 3) | 2);
  varint(out, bytes.length);
  for (const b of bytes) out.push(b);
}

const utf8 = new TextEncoder();

/** Encodes a frame; the four numeric fields are proto2 `required` and always written. */
export function encodeFrame(f: Frame): Uint8Array {
  const out: number[] = [];
  for (const [field, value] of [[1, f.seqId], [2, f.logId], [3, f.service], [4, f.method]] as const) {
    varint(out, field << 3);
    varint(out, value);
  }
  for (const h of f.headers) {
    const inner: number[] = [];
    bytesField(inner, 1, utf8.encode(h.key));
    bytesField(inner, 2, utf8.encode(h.value));
    bytesField(out, 5, Uint8Array.from(inner));
  }
  if (f.payloadEncoding !== undefined) bytesField(out, 6, utf8.encode(f.payloadEncoding));
  if (f.payloadType !== undefined) bytesField(out, 7, utf8.encode(f.payloadType));
  if (f.payload !== undefined) bytesField(out, 8, f.payload);
  if (f.logIdNew !== undefined) bytesField(out, 9, utf8.encode(f.logIdNew));
  return Uint8Array.from(out);
}

class Reader {
  pos = 0;
  constructor(private readonly buf: Uint8Array) {}
  get done(): boolean {
    return this.pos >= this.buf.length;
  }
  varint(): number {
    let result = 0;
    let scale = 1;
    for (;;) {
      if (this.pos >= this.buf.length) throw new Error('truncated frame');
      const b = this.buf[this.pos++]!;
      result += (b & 0x7f) * scale;
      if (b < 0x80) return result;
      scale *= 0x80;
    }
  }
  bytes(): Uint8Array {
    const len = this.varint();
    if (this.pos + len > this.buf.length) throw new Error('truncated frame');
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }
  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 2) this.bytes();
    else if (wireType === 1) this.pos += 8;
    else if (wireType === 5) this.pos += 4;
    else throw new Error(`unsupported wire type ${wireType}`);
  }
}

const text = new TextDecoder('utf-8');

function decodeHeader(bytes: Uint8Array): { key: string; value: string } {
  const r = new Reader(bytes);
  const h = { key: '', value: '' };
  while (!r.done) {
    const tag = r.varint();
    if (tag >>> 3 === 1) h.key = text.decode(r.bytes());
    else if (tag >>> 3 === 2) h.value = text.decode(r.bytes());
    else r.skip(tag & 7);
  }
  return h;
}

/** Decodes a frame; throws on truncated input. */
export function decodeFrame(buf: Uint8Array): Frame {
  const r = new Reader(buf);
  const f: Frame = { seqId: 0, logId: 0, service: 0, method: 0, headers: [] };
  while (!r.done) {
    const tag = r.varint();
    switch (tag >>> 3) {
      case 1: f.seqId = r.varint(); break;
      case 2: f.logId = r.varint(); break;
      case 3: f.service = r.varint(); break;
      case 4: f.method = r.varint(); break;
      case 5: f.headers.push(decodeHeader(r.bytes())); break;
      case 6: f.payloadEncoding = text.decode(r.bytes()); break;
      case 7: f.payloadType = text.decode(r.bytes()); break;
      case 8: f.payload = r.bytes(); break;
      case 9: f.logIdNew = text.decode(r.bytes()); break;
      default: r.skip(tag & 7);
    }
  }
  return f;
}

/** The value of a frame header, or undefined. */
export const headerOf = (f: Frame, key: string): string | undefined => f.headers.find((h) => h.key === key)?.value;
