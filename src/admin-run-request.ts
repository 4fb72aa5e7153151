import type { IncomingMessage } from 'node:http';
import { z } from 'zod';

const MAX_BODY = 64 * 1024;
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;
// Jobs are about a bureau's working days; anything outside these years is a typo, not a request.
const EARLIEST = Date.parse('2000-01-01T00:00:00Z');
const LATEST = Date.parse('2100-01-01T00:00:00Z');
// An operator's clock may run a little ahead of the server's; that is not "the future".
const FUTURE_SLACK_MS = 60_000;

const Body = z.strictObject({ at: z.string().optional(), dryRun: z.boolean().optional() });

/** A valid request to run a job: when, and whether only to show what it would send. */
export interface RunRequest {
  at: Date;
  dryRun: boolean;
}

/** Reads and checks `POST /admin/jobs/:name/run`'s body; an error string is the 400 answer. */
export async function readRunRequest(req: IncomingMessage, now: Date): Promise<RunRequest | { error: string }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY) return { error: `body over ${MAX_BODY / 1024} KB` };
    chunks.push(c as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  let json: unknown = {};
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      return { error: 'body must be JSON, e.g. {"at": "2026-11-23T09:00:00+08:00", "dryRun": true}' };
    }
  }
  const parsed = Body.safeParse(json);
  if (!parsed.success) return { error: 'body may hold only "at" (ISO time) and "dryRun" (true/false)' };
  const { at: given, dryRun = false } = parsed.data;
  const at = given === undefined ? now : ISO_WITH_ZONE.test(given) ? new Date(given) : new Date(NaN);
  if (Number.isNaN(at.getTime()) || at.getTime() < EARLIEST || at.getTime() >= LATEST) {
    return { error: '"at" must be an ISO time with its zone between 2000 and 2099, e.g. 2026-11-23T09:00:00+08:00' };
  }
  if (at.getTime() > now.getTime() + FUTURE_SLACK_MS && !dryRun) {
    return { error: '"at" is in the future: a real run would queue stale cards; add "dryRun": true to see what it would send' };
  }
  return { at, dryRun };
}
