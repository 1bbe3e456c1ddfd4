import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from './cli.js';

describe('bad settings on the real command: exit 2 before anything is opened', () => {
  it.each([
    [['--holdout-start', '2023-13-45'], 'backtest.holdoutStart: no such calendar date'],
    [['--holdout-start', '2023-02-29'], 'backtest.holdoutStart: no such calendar date'],
    [['--llm', 'openai-compatible:llama3', '--llm-base-url', 'file:///etc/passwd'], 'llm.baseUrl: write an http:// or https:// URL'],
    [['--innovation-rate', '0x10'], "--innovation-rate must be a decimal number, got '0x10'"],
    [['--fee-ratio', ' 7 '], "--fee-ratio must be a decimal number, got ' 7 '"],
    [['--llm', 'openai-compatible:llama3'], 'LLM model openai-compatible:llama3 needs a base URL: pass --llm-base-url or set llm.baseUrl'],
    [['--llm', 'openai:gpt-4o-mini'], 'LLM model openai:gpt-4o-mini needs an API key: set OPENAI_API_KEY in the environment'],
  ])('%j', async (flags, message) => {
    const cwd = tempDir('bad-settings');
    const result = await runCli(['run', '--iterations', '1', ...flags], { cwd, env: { OPENAI_API_KEY: undefined } });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain(message);
    expect(existsSync(join(cwd, '.alphaloop', 'db'))).toBe(false);
  });

  it('reads a config file saved with a UTF-8 byte-order mark', async () => {
    const cwd = tempDir('bom');
    writeFileSync(join(cwd, 'alphaloop.config.json'), `\uFEFF${JSON.stringify({ run: 'bom', iterations: 2, synthetic: { symbols: 60 } })}`);
    const result = await runCli(['run'], { cwd });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("Run 'bom': 2 iterations");
  });
});

describe('an unwritable log destination on the real command: exit 2 naming the path and the setting, no hang', () => {
  it.each([
    ['a full device', () => '/dev/full', 'no space left on the device'],
    ['a folder under /proc', () => '/proc/alphaloop-nope/x.log', 'the folder cannot be created there'],
    ['a directory', () => tempDir('log-directory'), 'it is a directory'],
  ])('%s', async (_name, pathOf, reason) => {
    const cwd = tempDir('bad-log');
    const file = pathOf();
    writeFileSync(join(cwd, 'alphaloop.config.json'), JSON.stringify({ log: { file } }));
    const result = await runCli(['run', '--iterations', '1'], { cwd });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain(`cannot write the log file ${file}: ${reason}`);
    expect(result.stderr).toContain('set log.file');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(cwd, '.alphaloop', 'db'))).toBe(false);
  }, 60_000);
});
