import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergeSettings, readConfigFile, resolveSettings } from './settings.js';

describe('settings', () => {
  it('has defaults for everything', () => {
    const settings = resolveSettings({ env: {}, flags: {} })._unsafeUnwrap();
    expect(settings).toMatchObject({ run: 'default', iterations: 30, seed: 42, innovationRate: 100, db: '.alphaloop/db', data: 'synthetic' });
    expect(settings.llm.model).toBeNull();
    expect(settings.champion.minSharpeForFirst).toBe(0.5);
    expect(settings.databaseUrl).toBeUndefined();
  });

  it('layers file < environment < flags, merging nested objects', () => {
    const settings = resolveSettings({
      file: { path: 'alphaloop.config.json', values: { seed: 1, backtest: { timeoutMs: 5000 }, llm: { model: 'openai:gpt-4o-mini', temperature: 0.2 } } },
      env: { DATABASE_URL: 'postgres://u@h:5432/d', ALPHALOOP_LLM: 'anthropic:claude-x' },
      flags: { seed: 2, llm: { temperature: 0.9 } },
    })._unsafeUnwrap();
    expect(settings.seed).toBe(2);
    expect(settings.backtest.timeoutMs).toBe(5000);
    expect(settings.llm).toMatchObject({ model: 'anthropic:claude-x', temperature: 0.9 });
    expect(settings.databaseUrl).toBe('postgres://u@h:5432/d');
    expect(mergeSettings({ a: { b: 1, c: 2 } }, { a: { c: 3 }, d: undefined })).toEqual({ a: { b: 1, c: 3 } });
  });

  it('names an unknown key, where it came from and the allowed keys', () => {
    const error = resolveSettings({ file: { path: 'alphaloop.config.json', values: { iterashuns: 5 } }, env: {}, flags: {} })._unsafeUnwrapErr();
    expect(error.message).toMatch(/^alphaloop\.config\.json: unknown setting 'iterashuns' \(allowed: run, iterations, seed/);
    const nested = resolveSettings({ file: { path: 'c.json', values: { backtest: { timeout: 1 } } }, env: {}, flags: {} })._unsafeUnwrapErr();
    expect(nested.message).toBe("c.json: backtest: unknown setting 'timeout' (allowed: timeoutMs, memoryLimitMb, holdoutStart, feeRatio, taxRatio, folds)");
  });

  it('names a bad value and the allowed values', () => {
    const level = resolveSettings({ env: {}, flags: { log: { level: 'loud' } } })._unsafeUnwrapErr();
    expect(level.message).toContain('flags/environment: log.level');
    expect(level.message).toContain('(allowed: "debug", "info", "warn", "error", "silent")');
    const rate = resolveSettings({ env: {}, flags: { innovationRate: 150 } })._unsafeUnwrapErr();
    expect(rate.message).toMatch(/^flags\/environment: innovationRate: /);
    const url = resolveSettings({ env: { DATABASE_URL: 'mysql://x' }, flags: {} })._unsafeUnwrapErr();
    expect(url.message).toContain('databaseUrl: write it as postgres://');
  });

  it('reads a config file, tolerating only a missing default file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'alphaloop-settings-'));
    const path = join(dir, 'c.json');
    writeFileSync(path, '{"seed": 3}');
    expect(readConfigFile(path)._unsafeUnwrap()).toEqual({ path, values: { seed: 3 } });
    writeFileSync(path, '{seed: 3}');
    expect(readConfigFile(path)._unsafeUnwrapErr().message).toContain('is not valid JSON');
    expect(readConfigFile(join(dir, 'missing.json'))._unsafeUnwrapErr().message).toContain('cannot read config file');
  });

  it('takes the protocol settings: holdout start or none, costs, folds, and the zero-effect market', () => {
    const defaults = resolveSettings({ env: {}, flags: {} })._unsafeUnwrap();
    expect(defaults.backtest).toMatchObject({ feeRatio: 0.001425, taxRatio: 0.003, folds: 4 });
    expect(defaults.backtest.holdoutStart).toBeUndefined();
    expect(defaults.synthetic.effects).toBe('default');
    const set = resolveSettings({ env: {}, flags: { backtest: { holdoutStart: 'none', feeRatio: 0.0005, folds: 6 }, synthetic: { effects: 'none' } } })._unsafeUnwrap();
    expect(set.backtest).toMatchObject({ holdoutStart: 'none', feeRatio: 0.0005, folds: 6 });
    expect(set.synthetic.effects).toBe('none');
    expect(resolveSettings({ env: {}, flags: { synthetic: { effects: { momentum: 0 } } } })._unsafeUnwrap().synthetic.effects).toEqual({ momentum: 0 });
    for (const bad of [{ backtest: { holdoutStart: 'later' } }, { backtest: { feeRatio: -1 } }, { backtest: { folds: 0 } }, { synthetic: { effects: 'some' } }]) {
      expect(resolveSettings({ env: {}, flags: bad }).isErr()).toBe(true);
    }
  });
});
