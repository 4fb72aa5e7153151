import type Koa from 'koa';
import { ApiError, ok, type Reply } from './open-platform-http.js';
import { hex } from './open-platform-ids.js';
import { boundaryOf, parseMultipart, type Part } from './open-platform-multipart.js';
import type { StoredFile } from './open-platform-types.js';

const FILE_LIMIT = 30 * 1024 * 1024;
const FILE_TYPES = new Set(['opus', 'mp4', 'pdf', 'doc', 'xls', 'ppt', 'stream']);

/** The largest multipart body `POST /open-apis/im/v1/files` reads: the 30 MB file plus room for the other fields. */
export const MULTIPART_LIMIT = FILE_LIMIT + 2 * 1024 * 1024;

/** `POST /open-apis/im/v1/files`: checks the multipart form as Feishu does and keeps the file in `files`. */
export function uploadFile(ctx: Koa.Context, raw: Buffer, files: StoredFile[]): Reply {
  const boundary = boundaryOf(ctx.get('content-type'));
  if (!boundary) throw new ApiError(400, 234001, 'Invalid request param.');
  let parts: Part[];
  try {
    parts = parseMultipart(raw, boundary);
  } catch {
    throw new ApiError(400, 234001, 'Invalid request param.');
  }
  const field = (n: string) => parts.find((p) => p.name === n);
  const fileType = field('file_type')?.data.toString('utf8');
  const fileName = field('file_name')?.data.toString('utf8');
  const file = field('file');
  if (!fileType || !FILE_TYPES.has(fileType) || !fileName || !file) throw new ApiError(400, 234001, 'Invalid request param.');
  if (file.data.length === 0) throw new ApiError(400, 234010, "File's size can't be 0.");
  if (file.data.length > FILE_LIMIT) throw new ApiError(400, 234006, 'The file size exceed the max value.');
  const fileKey = `file_v3_${hex(16)}`;
  files.push({ fileKey, fileName, fileType, bytes: Buffer.from(file.data) });
  return ok({ file_key: fileKey });
}
