import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig, secretsOf } from '../../src/config.js';

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

  const secrets = { FEISHU_APP_SECRET: 'TOPSECRET-app', FEISHU_VERIFICATION_TOKEN: 'TOPSECRET-vt', FEISHU_ENCRYPT_KEY: 'TOPSECRET-enc' };
  const errorOf = (env: Record<string, string>) => {
    try {
      readConfig(env);
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as Error).message).not.toContain('TOPSECRET');
      return (e as Error).message;
    }
    throw new Error('expected a ConfigError');
  };

  it('refuses, rather than falling back to the sandbox, when FEISHU_APP_ID is blank or misspelt beside other Feishu settings', () => {
    expect(errorOf({ FEISHU_APP_ID: '', ...secrets })).toMatch(/FEISHU_APP_ID: required because Feishu settings are present/);
    const misspelt = errorOf({ FEISHU_APPID: 'cli_a1b2c3d4e5f60718', ...secrets });
    expect(misspelt).toMatch(/FEISHU_APPID: unknown setting/);
    expect(misspelt).toMatch(/FEISHU_APP_ID: required/);
    // Even a non-secret Feishu setting means a real app was meant.
    expect(errorOf({ FEISHU_DOMAIN: 'lark' })).toMatch(/FEISHU_APP_ID: required/);
    expect(errorOf({ DUBAN_MODE: 'feishu' })).toMatch(/FEISHU_APP_ID: required because DUBAN_MODE=feishu/);
  });

  it('runs locally only with no Feishu setting, blank ones, or when asked for', () => {
    expect(readConfig({ FEISHU_APP_ID: '', FEISHU_APP_SECRET: ' ', FEISHU_DOMAIN: '' }).mode).toBe('local');
    const asked = readConfig({ DUBAN_MODE: 'local', FEISHU_APP_ID: 'cli_a1b2c3d4e5f60718', ...secrets });
    expect(asked).toMatchObject({ mode: 'local', feishu: undefined, host: '127.0.0.1', dataFile: './data/sandbox.json' });
  });

  it('keeps local mode on loopback unless remote use is allowed', () => {
    for (const host of ['0.0.0.0', '::', '192.168.1.5', 'example.org']) expect(errorOf({ HOST: host })).toMatch(/HOST: local \(sandbox\) mode/);
    for (const host of ['127.0.0.1', '127.0.0.2', 'localhost', '::1', '[::1]']) expect(readConfig({ HOST: host }).host).toBe(host);
    expect(readConfig({ HOST: '0.0.0.0', DUBAN_SANDBOX_ALLOW_REMOTE: '1' })).toMatchObject({ host: '0.0.0.0', sandboxAllowRemote: true });
  });

  it('lists every credential for the logger to scrub', () => {
    const c = readConfig({ FEISHU_APP_ID: 'cli_a1b2c3d4e5f60718', ...secrets, DUBAN_ADMIN_TOKEN: 'TOPSECRET-admin' });
    expect(secretsOf(c).sort()).toEqual(['TOPSECRET-admin', 'TOPSECRET-app', 'TOPSECRET-enc', 'TOPSECRET-vt']);
  });
});
