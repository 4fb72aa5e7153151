import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startApp } from '../../src/app.js';
import { readConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { StoreOpenError } from '../../storage/errors.js';
import { Harness } from '../support/harness.js';
import { startSandbox } from '../support/sandbox.js';

/** A request with exactly the Host and Origin given (fetch does not let a caller choose Host). */
function raw(port: number, path: string, headers: Record<string, string>, body?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: body === undefined ? 'GET' : 'POST', headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Runs `npm start`'s entry point with `env` (and nothing from the parent's FEISHU_* or .env) until it exits. */
function mainWith(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('FEISHU_') && !k.startsWith('DUBAN_') && k !== 'HOST'));
  const cwd = mkdtempSync(join(tmpdir(), 'duban-mode-'));
  // A fresh working directory, so no .env is read and nothing is written into the repository.
  const child = spawn(join(process.cwd(), 'node_modules/.bin/tsx'), [join(process.cwd(), 'src/main.ts')], { cwd, env: { ...clean, PORT: '0', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += String(d)));
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  return new Promise((resolve) => child.on('exit', (code) => (clearTimeout(timer), resolve({ code, stderr }))));
}

describe('local (sandbox) mode never starts by accident and stays on this machine', () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of closers.splice(0)) await c();
  });

  it('refuses to start when FEISHU_APP_ID is blank but other Feishu secrets are set, naming it and printing no secret', async () => {
    const r = await mainWith({ FEISHU_APP_ID: ' ', FEISHU_APP_SECRET: 'sekrit-app-secret', FEISHU_ENCRYPT_KEY: 'sekrit-encrypt', FEISHU_VERIFICATION_TOKEN: 'sekrit-token' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('FEISHU_APP_ID');
    expect(r.stderr).not.toMatch(/sekrit/);
  }, 30_000);

  it('refuses to serve the sandbox on a non-loopback host unless allowed', async () => {
    const r = await mainWith({ HOST: '0.0.0.0' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('HOST');
    expect(r.stderr).toContain('DUBAN_SANDBOX_ALLOW_REMOTE');
  }, 30_000);

  it('answers the sandbox page and API only for a loopback Host on its port and a same-origin (or no) Origin', async () => {
    const s = await startSandbox();
    closers.push(s.close);
    const port = s.app.port;
    const send = JSON.stringify({ personId: 'nobody', chatId: 'nowhere', text: 'hi' });
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]) {
      expect(await raw(port, '/sandbox/api/state', { host }), host).toBe(200);
    }
    // DNS rebinding: a hostile name resolving to 127.0.0.1, or the right address on another port.
    for (const host of [`evil.example:${port}`, `127.0.0.1:${port + 1}`, 'localhost', `127.0.0.1.evil.example:${port}`]) {
      expect(await raw(port, '/sandbox/api/state', { host }), host).toBe(403);
      expect(await raw(port, '/sandbox', { host }), host).toBe(403);
    }
    // CSRF: a page elsewhere posting to the sandbox.
    for (const origin of ['http://evil.example', `http://localhost:${port + 1}`, 'null']) {
      expect(await raw(port, '/sandbox/api/send', { host: `127.0.0.1:${port}`, origin }, send), origin).toBe(403);
      expect(await raw(port, '/sandbox/api/clock', { host: `127.0.0.1:${port}`, origin }, JSON.stringify({ reset: true })), origin).toBe(403);
    }
    // The page itself posts same-origin; tools send no Origin at all.
    expect(await raw(port, '/sandbox/api/send', { host: `127.0.0.1:${port}`, origin: `http://127.0.0.1:${port}` }, send)).toBe(400);
    expect(await raw(port, '/sandbox/api/send', { host: `localhost:${port}` }, send)).toBe(400);
  });

  it('never opens a data file a Feishu-mode process has used', async () => {
    const h = await Harness.start();
    const file = h.opts.dataFile;
    await h.close();
    const config = readConfig({ PORT: '0', DUBAN_DATA_FILE: file, LOG_LEVEL: 'silent', DUBAN_SCHEDULER: 'off' });
    expect(config.mode).toBe('local');
    const started = startApp({ config, logger: createLogger('silent') });
    await expect(started).rejects.toThrow(StoreOpenError);
    await expect(started).rejects.toThrow(file);
  });
});
