import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from './cli.js';

const cwd = tempDir('commands');
const nonEmptyLines = (text: string) => text.split('\n').filter((l) => l.trim() !== '');

describe('alphaloop backtest FILE', () => {
  it('prints the metrics of a valid strategy', async () => {
    writeFileSync(
      join(cwd, 'momentum.js'),
      "const close = data.get('price:close');\nconst momentum = close / close.shift(60) - 1;\nreturn sim(momentum.isLargest(20), { resample: 'M' });\n",
    );
    const result = await runCli(['backtest', 'momentum.js', '--symbols', '60'], { cwd });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/Sharpe -?\d+\.\d{3}/);
    expect(result.stdout).toMatch(/trades \d+/);
  });

  it('exits non-zero naming line and column of an invalid strategy', async () => {
    writeFileSync(join(cwd, 'broken.js'), "const close = data.get('price:close');\nreturn close.isLargest(-5);\n");
    const result = await runCli(['backtest', 'broken.js', '--symbols', '60'], { cwd });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/broken\.js:2:\d+/);
  });
});

describe('clear one-line errors', () => {
  it('a bad flag', async () => {
    const result = await runCli(['run', '--iterashuns', '5'], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown option '--iterashuns'");
  });

  it('an unknown config key', async () => {
    const dir = tempDir('config');
    writeFileSync(join(dir, 'alphaloop.config.json'), JSON.stringify({ seeed: 3 }));
    const result = await runCli(['run', '--iterations', '1'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(nonEmptyLines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toContain("alphaloop.config.json: unknown setting 'seeed' (allowed: run, iterations, seed");
  });

  it('an unreachable database', async () => {
    const result = await runCli(['run', '--iterations', '1'], { cwd, env: { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nowhere' } });
    expect(result.code).toBe(1);
    const errors = nonEmptyLines(result.stderr).filter((l) => l.startsWith('alphaloop: ') && !l.startsWith("alphaloop: run '"));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/127\.0\.0\.1:1/);
    expect(errors[0]).toMatch(/DATABASE_URL/);
  });
});
