import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from '../../src/config.js';

describe('readConfig', () => {
  it('runs in local mode with defaults when nothing is set', () => {
    const c = readConfig({});
    expect(c.feishu).toBeUndefined();
    expect(c).toMatchObject({ port: 3000, host: '127.0.0.1', dataFile: './data/sandbox.json', timezone: 'Asia/Shanghai', admins: [] });
  });

  it('reads a full Feishu configuration', () => {
    const c = readConfig({
      FEISHU_APP_ID: 'cli_a1b2c3d4e5f60718',
      FEISHU_APP_SECRET: 's3cret',
      FEISHU_VERIFICATION_TOKEN: 'tok',
      FEISHU_ENCRYPT_KEY: 'key',
      FEISHU_DOMAIN: 'http://127.0.0.1:9000',
      FEISHU_MODE: 'ws',
      PORT: '8080',
      DUBAN_ADMINS: 'ou_a, ou_b',
    });
    expect(c.feishu).toMatchObject({ appId: 'cli_a1b2c3d4e5f60718', domain: 'http://127.0.0.1:9000', mode: 'ws' });
    expect(c.port).toBe(8080);
    expect(c.host).toBe('0.0.0.0');
    expect(c.admins).toEqual(['ou_a', 'ou_b']);
  });

  it('names every bad key and never prints a value', () => {
    let err: unknown;
    try {
      readConfig({ FEISHU_APP_ID: 'cli_a1b2c3d4e5f60718', FEISHU_APP_SECRET: 'TOPSECRET', PORT: 'eighty', FEISHU_DOMAIN: 'https://open.feishu.cn/' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as Error).message;
    for (const key of ['FEISHU_ENCRYPT_KEY', 'FEISHU_VERIFICATION_TOKEN', 'PORT', 'FEISHU_DOMAIN']) expect(msg).toContain(key);
    expect(msg).not.toContain('TOPSECRET');
    expect(msg).not.toContain('eighty');
  });
});
