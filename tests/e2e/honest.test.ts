import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { events, runCli, tempDir } from './cli.js';

/** The stored records as `history --json` prints them (the fields these tests read). */
interface Stored {
  readonly iteration: number;
  readonly level: number;
  readonly championUpdated: boolean;
  readonly holdoutMetrics: { readonly sharpe: number | null } | null;
  readonly evidence: { readonly score: number | null; readonly folds: readonly unknown[] } | null;
  readonly error: { readonly category: string; readonly message: string } | null;
  readonly championDecision: { readonly replace: boolean; readonly reasons: readonly string[] } | null;
}

async function history(cwd: string, run: string): Promise<Stored[]> {
  const result = await runCli(['history', '--run', run, '--json', '--limit', '100000'], { cwd });
  expect(result.code, result.stderr).toBe(0);
  return result.stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Stored);
}

const SMALL = ['--symbols', '60'];
const CHEAP = "const close = data.get('price:close');\nreturn sim(close.pctChange(1).isSmallest(10), { resample: 'D', feeRatio: 0, taxRatio: 0 });\n";

describe('honest champions, end to end (the real command on the embedded default)', () => {
  const cwd = tempDir('honest');

  it('a default run locks the last two calendar years as its holdout and looks at it only for new champions', async () => {
    const result = await runCli(['run', '--run', 'locked', '--iterations', '30'], { cwd });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('holdout: 2023-01-02 … 2024-12-31 is locked');
    expect(result.stdout).toContain('holdout from 2023-01-02 (locked)');
    expect(result.stdout).toMatch(/holdout looked at \d+ times?/);
    expect(result.stdout).toMatch(/DSR \d\.\d{3}/);
    const records = await history(cwd, 'locked');
    expect(records).toHaveLength(30);
    const looks = records.filter((r) => r.holdoutMetrics !== null);
    expect(looks.length).toBeGreaterThan(0);
    // a look only where the policy promoted (one run, no conflicts): the champion's holdout
    expect(looks.every((r) => r.championDecision?.replace === true)).toBe(true);
    expect(records.filter((r) => r.championUpdated).length).toBe(looks.length);
    for (const r of records.filter((x) => x.error === null)) {
      expect(r.evidence?.folds).toHaveLength(4);
      expect(r.championDecision).not.toBeNull();
    }
    // no result is thrown away for being large: an error is never a sanity bound on returns
    expect(records.some((r) => r.error?.category === 'calculation' && /totalReturn/.test(r.error.message))).toBe(false);
    const shown = await runCli(['history', '--run', 'locked'], { cwd });
    expect(shown.stdout).toMatch(/promoted: first champion: Sharpe \d\.\d{4} > 0\.5, robust score/);
    const champion = await runCli(['champion', '--run', 'locked', '--json'], { cwd });
    const parsed = JSON.parse(champion.stdout) as { holdout: unknown; holdoutLooks: number; significance: { dsr: number; significant: boolean } };
    expect(parsed.holdout).not.toBeNull();
    expect(parsed.holdoutLooks).toBe(looks.length);
    expect(parsed.significance.significant).toBe(parsed.significance.dsr >= 0.95);
  });

  it('--holdout none says so loudly and measures no holdout', async () => {
    const result = await runCli(['run', '--run', 'open', '--iterations', '3', '--holdout', 'none', ...SMALL], { cwd });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('alphaloop: WARNING holdout: NONE (--holdout none)');
    expect(result.stdout).toContain('holdout NONE');
    expect((await history(cwd, 'open')).every((r) => r.holdoutMetrics === null)).toBe(true);
  });

  it('refuses to resume a run with another seed, naming what differs', async () => {
    const result = await runCli(['run', '--run', 'locked', '--iterations', '1', '--seed', '7', ...SMALL], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("run 'locked' is one experiment and cannot be resumed with other settings");
    expect(result.stderr).toContain('seed: the run has 42, this start asks for 7');
    expect(result.stderr).toContain('dataVersion: the run has synthetic-');
    expect(await history(cwd, 'locked')).toHaveLength(30);
  });

  it('validates a run: PBO stored with the run and shown by champion', async () => {
    const result = await runCli(['validate', '--run', 'locked', '--top', '6', '--splits', '4'], { cwd });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/probability of backtest overfitting \d\.\d{3}/);
    const champion = await runCli(['champion', '--run', 'locked'], { cwd });
    expect(champion.stdout).toMatch(/PBO \d\.\d{3} over the top \d+ strategies \(S 4, 6 splits/);
  });

  it('backtest rejects a strategy that sets its own fees, and honours them only for a FinLab port on request', async () => {
    writeFileSync(join(cwd, 'cheap.js'), CHEAP);
    const rejected = await runCli(['backtest', 'cheap.js', ...SMALL], { cwd });
    expect(rejected.code).toBe(1);
    expect(rejected.stderr).toMatch(/cheap\.js:2:\d+: 'feeRatio' is set by the run, not by the strategy/);
    expect(rejected.stderr).toContain('--strategy-costs');
    const ported = await runCli(['backtest', 'cheap.js', '--strategy-costs', ...SMALL], { cwd });
    expect(ported.code, ported.stderr).toBe(0);
    expect(ported.stdout).toContain('the loop rejects a strategy that sets feeRatio or taxRatio');
    expect(ported.stdout).toContain('holdout (from 2023-01-02)');
  });
});

describe('no false discoveries: a market with every planted effect at zero', () => {
  it.each([1, 2, 3])('seed %i: no champion is labelled significant', async (seed) => {
    const cwd = tempDir(`zero-${seed}`);
    writeFileSync(join(cwd, 'alphaloop.config.json'), JSON.stringify({ synthetic: { effects: 'none', symbols: 60 } }));
    const result = await runCli(['run', '--iterations', '40', '--seed', String(seed), '--json'], { cwd });
    expect(result.code, result.stderr).toBe(0);
    const champion = await runCli(['champion', '--json'], { cwd });
    const parsed = JSON.parse(champion.stdout) as { significance: { dsr: number; significant: boolean } | null } | null;
    if (parsed !== null) {
      expect(parsed.significance?.significant ?? false).toBe(false);
      expect(parsed.significance?.dsr ?? 0).toBeLessThan(0.95);
    }
  });
});

describe('the loop rejects an LLM strategy that sets its own costs (a real HTTP model server)', () => {
  let server: Server;
  let origin = '';
  let requests = 0;
  /** What the model is asked to write, in order; the last one repeats. */
  let script: string[] = [CHEAP];
  const bodies: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        bodies.push(body);
        const code = script[Math.min(requests, script.length - 1)] ?? CHEAP;
        requests += 1;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            id: 'chatcmpl-e2e',
            object: 'chat.completion',
            created: 1_764_000_000,
            model: 'e2e',
            choices: [{ index: 0, message: { role: 'assistant', content: `\`\`\`js\n${code}\`\`\`` }, finish_reason: 'stop' }],
            usage: { prompt_tokens: 1000, completion_tokens: 100, total_tokens: 1100 },
          }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('records the refusal with the reason, and measures nothing', async () => {
    const cwd = tempDir('llm-costs');
    const result = await runCli(['run', '--iterations', '1', '--json', '--llm', 'openai-compatible:e2e', '--llm-base-url', `${origin}/v1`, ...SMALL], { cwd });
    expect(result.code, result.stderr).toBe(0);
    expect(requests).toBeGreaterThan(0);
    const iteration = events(result.stdout).find((e) => e.type === 'iteration') as { record: Stored };
    expect(iteration.record.level).toBe(0);
    expect(iteration.record.error?.message).toContain("'feeRatio' is set by the run, not by the strategy");
    expect(iteration.record.evidence).toBeNull();
  });

  it('never shows the model the holdout: the champion it wrote is measured on it, the next prompts do not contain it', async () => {
    const cwd = tempDir('llm-holdout');
    const oracleLike = "const close = data.get('etl:adj_close');\nconst momentum = (close.shift(21) / close.shift(252) - 1).rank();\nconst calm = (-close.pctChange(1).rolling(60).std()).rank();\nreturn sim((momentum * 2 + calm).isLargest(20), { resample: 'M' });\n";
    const variant = oracleLike.replace('isLargest(20)', 'isLargest(25)');
    script = [oracleLike, variant, variant.replace('isLargest(25)', 'isLargest(30)')];
    requests = 0;
    bodies.length = 0;
    const result = await runCli(['run', '--iterations', '3', '--llm', 'openai-compatible:e2e', '--llm-base-url', `${origin}/v1`], { cwd });
    expect(result.code, result.stderr).toBe(0);
    const champion = JSON.parse((await runCli(['champion', '--json'], { cwd })).stdout) as { iteration: number; holdout: Record<string, number | null> | null };
    expect(champion.holdout).not.toBeNull();
    expect(bodies.length).toBeGreaterThanOrEqual(3);
    const planted = Object.values(champion.holdout ?? {}).filter((v): v is number => v !== null && Number.isFinite(v) && !Number.isInteger(v));
    expect(planted.length).toBeGreaterThan(3);
    // the way the prompt would show them: "Sharpe 0.887", "CAGR 12.3%"
    const h = champion.holdout ?? {};
    const shown = [`Sharpe ${(h.sharpe ?? 0).toFixed(3)}`, `CAGR ${((h.cagr ?? 0) * 100).toFixed(1)}%`, `total return ${((h.totalReturn ?? 0) * 100).toFixed(1)}%`];
    for (const body of bodies) for (const text of shown) expect(body).not.toContain(text);
    // no prompt (those after the promotion included): none of its holdout figures, at full precision or as shown (4 digits)
    for (const body of bodies) {
      for (const value of planted) {
        expect(body).not.toContain(String(value));
        expect(body).not.toContain(value.toFixed(4));
      }
    }
  });
});
