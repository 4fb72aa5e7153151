import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type Router from '@koa/router';

const PAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), 'page');
const JS = 'text/javascript; charset=utf-8';
const FILES: Record<string, { path: string; type: string; cache?: boolean }> = {
  'index.html': { path: join(PAGE_DIR, 'index.html'), type: 'text/html; charset=utf-8' },
  'app.js': { path: join(PAGE_DIR, 'app.js'), type: JS },
  'cards.js': { path: join(PAGE_DIR, 'cards.js'), type: JS },
  'clock.js': { path: join(PAGE_DIR, 'clock.js'), type: JS },
  'app.css': { path: join(PAGE_DIR, 'app.css'), type: 'text/css; charset=utf-8' },
  // VChart's UMD bundle (global `VChart`), the same library Feishu draws card charts with.
  'vchart.js': { path: createRequire(import.meta.url).resolve('@visactor/vchart/build/index.min.js'), type: JS, cache: true },
};

/** Serves the page's files under the router's prefix; no build step, the files are read as they are. */
export function servePageFiles(router: Router): void {
  router.get('/', (ctx) => ctx.redirect('/sandbox/index.html'));
  router.get('/:file', async (ctx, next) => {
    const f = FILES[ctx.params.file ?? ''];
    if (!f) return next();
    ctx.type = f.type;
    if (f.cache) ctx.set('cache-control', 'public, max-age=86400');
    ctx.body = await readFile(f.path);
  });
}
