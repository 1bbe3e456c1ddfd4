import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Champion } from './champion.js';
import type { SelectionEvidence } from './evidence.js';
import type { IterationRecord } from './iteration-record.js';
import { metricsFrom } from './metrics.js';
import { championSignificance, holdoutLooks, SIGNIFICANCE_LEVEL, trialsOf, type Trial } from './significance.js';
import { returnMoments } from './statistics/moments.js';

/** Gaussian daily returns (Box–Muller over fast-check's seeded uniform integers), mean `mu`, sd 1 %. */
function gaussian(seed: number, n: number, mu: number): number[] {
  const draws = fc.sample(fc.noBias(fc.array(fc.integer({ min: 1, max: 2 ** 30 }), { minLength: 2 * n, maxLength: 2 * n })), { seed, numRuns: 1 })[0] ?? [];
  const u = draws.map((k) => k / 2 ** 30);
  return Array.from({ length: n }, (_, i) => mu + 0.01 * Math.sqrt(-2 * Math.log(u[2 * i] as number)) * Math.cos(2 * Math.PI * (u[2 * i + 1] as number)));
}

/** 21-day compounded returns of a daily stream, as the evidence stores them. */
const monthly = (daily: readonly number[]): number[] => {
  const out: number[] = [];
  for (let i = 0; i < daily.length; i += 21) out.push(daily.slice(i, i + 21).reduce((g, r) => g * (1 + r), 1) - 1);
  return out;
};

function evidenceOf(daily: readonly number[]): SelectionEvidence {
  const m = returnMoments(daily);
  return {
    folds: [],
    score: m.sharpe * Math.sqrt(252),
    profile: { observations: m.observations, sharpe: m.sharpe, skewness: m.skewness, kurtosis: m.kurtosis },
    monthlyReturns: monthly(daily),
    suspicious: [],
  };
}

const record = (iteration: number, strategyId: string | null, evidence: SelectionEvidence | null, holdout = false): IterationRecord => ({
  runId: 'r', iteration, source: 'factor_graph', strategyCode: 'x', strategyId, parentId: null, mutationOperator: null, generation: null,
  metrics: metricsFrom({}), holdoutMetrics: holdout ? metricsFrom({ sharpe: 1 }) : null, evidence, level: 3, error: null,
  championUpdated: holdout, championDecision: null, search: null, feedbackUsed: '', timings: {}, llmUsage: null, timestamp: '2026-01-01T00:00:00.000Z',
});

const champion = (strategyId: string, evidence: SelectionEvidence | null): Champion => ({
  runId: 'r', strategyId, code: 'x', source: 'factor_graph', metrics: metricsFrom({}), evidence, holdout: null, iteration: 0, version: 1,
});

/** The best of `n` trials, each with its own stream, as a search would crown it. */
function bestOf(streams: readonly number[][]): { trials: Trial[]; best: Champion } {
  const records = streams.map((daily, i) => record(i, `s${i}`, evidenceOf(daily)));
  const trials = trialsOf(records);
  const top = [...trials].sort((a, b) => b.sharpe - a.sharpe)[0] as Trial;
  const index = Number(top.strategyId.slice(1));
  return { trials, best: champion(top.strategyId, records[index]?.evidence ?? null) };
}

describe('championSignificance', () => {
  it('noise in, no discovery out: the best of 200 luck-only strategies is not significant, though its PSR(0) looks fine', () => {
    for (const seed of [1, 2, 3]) {
      const { trials, best } = bestOf(Array.from({ length: 200 }, (_, i) => gaussian(seed * 1000 + i, 1250, 0)));
      const s = championSignificance(best, trials);
      expect(s).not.toBeNull();
      expect(s?.trials).toBe(200);
      expect(s?.effectiveTrials).toBeGreaterThan(150); // independent streams stay apart
      expect(s?.psr).toBeGreaterThan(0.9); // the trap DSR exists for
      expect(s?.dsr).toBeLessThan(SIGNIFICANCE_LEVEL);
      expect(s?.significant).toBe(false);
    }
  });

  it('a real edge among noise stays significant', () => {
    const streams = Array.from({ length: 100 }, (_, i) => gaussian(7000 + i, 2500, 0));
    streams.push(gaussian(42, 2500, 0.0015)); // daily Sharpe ≈ 0.15, ≈ 2.4 a year
    const { trials, best } = bestOf(streams);
    expect(best.strategyId).toBe('s100');
    const s = championSignificance(best, trials);
    expect(s?.dsr).toBeGreaterThan(0.99);
    expect(s?.significant).toBe(true);
    expect(s?.minTrackRecordDays).toBeLessThan(1000);
  });

  it('counts near-copies of one strategy as one trial, so they do not deflate it', () => {
    const base = gaussian(5, 1250, 0.0008);
    const copies = Array.from({ length: 50 }, (_, i) => base.map((r, t) => r * (1 + i / 100) + (t % 7 === i % 7 ? 1e-5 : 0)));
    const { trials, best } = bestOf(copies);
    const s = championSignificance(best, trials);
    expect(s?.trials).toBe(50);
    expect(s?.effectiveTrials).toBe(1);
    expect(s?.trialSharpeVariance).toBe(0);
    expect(s?.expectedMaxSharpe).toBe(0);
    expect(s?.dsr).toBeCloseTo(s?.psr ?? Number.NaN, 12);
  });

  it('counts each strategy once, skips records without a profile, and includes a champion missing from the trials', () => {
    const e = evidenceOf(gaussian(9, 300, 0.001));
    const records = [record(0, 'a', e), record(1, 'a', e), record(2, null, e), record(3, 'b', null), record(4, 'c', e)];
    expect(trialsOf(records).map((t) => t.strategyId)).toEqual(['a', 'c']);
    expect(championSignificance(champion('z', e), trialsOf(records))?.trials).toBe(3);
    expect(championSignificance(champion('z', null), [])).toBeNull();
    expect(championSignificance(champion('z', { ...e, profile: null }), [])).toBeNull();
  });

  it('counts the looks at the holdout', () => {
    expect(holdoutLooks([record(0, 'a', null, true), record(1, 'b', null), record(2, 'c', null, true)])).toBe(2);
    expect(holdoutLooks([])).toBe(0);
  });
});
