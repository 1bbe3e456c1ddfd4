import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { correlationOnOverlap } from './correlation.js';
import { clusterTrials, DEFAULT_MIN_CORRELATION, MIN_CORRELATION_OVERLAP, trialSharpeVariance, type ClusterableTrial } from './trial-clusters.js';

/** Uniform noise in [−1, 1] from fast-check's seeded generator. */
function noise(seed: number, streams: number, length: number): number[][] {
  const stream = fc.noBias(fc.array(fc.integer({ min: -1_000_000, max: 1_000_000 }), { minLength: length, maxLength: length }));
  return fc.sample(stream, { seed, numRuns: streams }).map((values) => values.map((value) => value / 1_000_000));
}

const trial = (id: string, sharpe: number, returns: ArrayLike<number>): ClusterableTrial => ({ id, sharpe, returns });
const [base, other, third] = noise(1, 3, 60) as [number[], number[], number[]];

describe('clusterTrials', () => {
  it('puts identical streams in one cluster led by the best Sharpe', () => {
    const result = clusterTrials([trial('a', 0.1, base), trial('b', 0.3, base), trial('c', 0.2, Float64Array.from(base))]);
    expect(result.count).toBe(1);
    expect(result.representatives).toEqual([{ id: 'b', sharpe: 0.3, members: 3 }]);
  });

  it('keeps independent noise streams apart: N clusters', () => {
    const streams = noise(2, 12, 250);
    const result = clusterTrials(streams.map((returns, i) => trial(`t${i}`, i / 100, returns)));
    expect(result.count).toBe(12);
    expect(result.representatives.map((r) => r.id)).toEqual(streams.map((_, i) => `t${11 - i}`));
    expect(result.representatives.every((r) => r.members === 1)).toBe(true);
  });

  it('lets a scaled copy join its original, but not a mirrored one', () => {
    const result = clusterTrials([trial('original', 0.2, base), trial('double', 0.2, base.map((v) => 2 * v)), trial('mirror', -0.2, base.map((v) => -v))]);
    expect(result.representatives).toEqual([
      { id: 'double', sharpe: 0.2, members: 2 }, // equal Sharpe: ids in order, "double" < "original"
      { id: 'mirror', sharpe: -0.2, members: 1 },
    ]);
  });

  it('does not depend on the order of the input', () => {
    const streams = noise(3, 6, 40);
    const trials = [
      ...streams.map((returns, i) => trial(`n${i}`, (i % 3) / 10, returns)),
      trial('copy0', 0.05, (streams[0] as number[]).map((v) => v * 3)),
      trial('copy1', 0.1, streams[1] as number[]),
      trial('tie', 0.1, streams[2] as number[]),
      trial('empty', Number.NaN, Array.from({ length: 40 }, () => Number.NaN)),
    ];
    const expected = clusterTrials(trials);
    expect(expected.count).toBe(7);
    fc.assert(
      fc.property(fc.shuffledSubarray(trials, { minLength: trials.length, maxLength: trials.length }), (shuffled) => {
        expect(clusterTrials(shuffled)).toEqual(expected);
      }),
      { seed: 7, numRuns: 50 },
    );
  });

  it('orders by descending Sharpe, NaN last, then by id', () => {
    const streams = noise(4, 5, 30);
    const ids = clusterTrials([
      trial('z', Number.NaN, streams[0] as number[]),
      trial('b', 0.5, streams[1] as number[]),
      trial('a', 0.5, streams[2] as number[]),
      trial('y', Number.NaN, streams[3] as number[]),
      trial('c', -1, streams[4] as number[]),
    ]).representatives.map((r) => r.id);
    expect(ids).toEqual(['a', 'b', 'c', 'y', 'z']);
  });

  it('joins the first matching cluster in Sharpe order, not the best-correlated one', () => {
    const lead = base;
    const second = base.map((v, i) => v + 0.8 * (other[i] as number));
    const between = base.map((v, i) => v + 0.4 * (other[i] as number));
    const toLead = correlationOnOverlap(lead, between).correlation;
    const toSecond = correlationOnOverlap(second, between).correlation;
    // preconditions: the two leaders are apart, the third is alike to both and closer to the second
    expect(correlationOnOverlap(lead, second).correlation).toBeLessThan(DEFAULT_MIN_CORRELATION);
    expect(toLead).toBeGreaterThanOrEqual(DEFAULT_MIN_CORRELATION);
    expect(toSecond).toBeGreaterThan(toLead);
    const result = clusterTrials([trial('between', 0.1, between), trial('second', 0.2, second), trial('lead', 0.3, lead)]);
    expect(result.representatives).toEqual([
      { id: 'lead', sharpe: 0.3, members: 2 },
      { id: 'second', sharpe: 0.2, members: 1 },
    ]);
  });

  it('takes the correlation threshold from the options (inclusive)', () => {
    const related = base.map((v, i) => v + (third[i] as number)); // correlation about 0.7
    const correlation = correlationOnOverlap(base, related).correlation;
    expect(correlation).toBeGreaterThan(0.5);
    expect(correlation).toBeLessThan(0.9);
    const trials = [trial('base', 0.2, base), trial('related', 0.1, related)];
    expect(clusterTrials(trials).count).toBe(2);
    expect(clusterTrials(trials, { minCorrelation: 0.5 }).count).toBe(1);
    expect(clusterTrials(trials, { minCorrelation: correlation }).count).toBe(1);
    // identical streams correlate exactly 1, so even minCorrelation 1 merges them
    expect(clusterTrials([trial('a', 1, base), trial('b', 1, base)], { minCorrelation: 1 }).count).toBe(1);
  });

  it(`needs ${MIN_CORRELATION_OVERLAP} shared periods to call two trials alike`, () => {
    expect(MIN_CORRELATION_OVERLAP).toBe(12);
    const gaps = (shared: number) => base.map((v, i) => (i < shared ? v : Number.NaN));
    expect(clusterTrials([trial('a', 1, base), trial('b', 0, gaps(11))]).count).toBe(2);
    expect(clusterTrials([trial('a', 1, base), trial('b', 0, gaps(12))]).count).toBe(1);
  });

  it('handles streams it cannot compare: all NaN, flat', () => {
    const allNaN = Array.from({ length: 60 }, () => Number.NaN);
    const zeros = Array.from({ length: 60 }, () => 0);
    const result = clusterTrials([
      trial('empty', Number.NaN, allNaN),
      trial('empty too', Number.NaN, allNaN),
      trial('idle', 0, zeros),
      trial('idle too', 0, Array.from({ length: 60 }, () => 0.0001)),
      trial('active', 0.1, base),
    ]);
    // two flat streams behave alike; a flat and an active one cannot be compared; NaN streams never match
    expect(result.representatives).toEqual([
      { id: 'active', sharpe: 0.1, members: 1 },
      { id: 'idle', sharpe: 0, members: 2 },
      { id: 'empty', sharpe: Number.NaN, members: 1 },
      { id: 'empty too', sharpe: Number.NaN, members: 1 },
    ]);
    expect(clusterTrials([])).toMatchObject({ count: 0, representatives: [] });
  });

  it('describes its method in one sentence, with the threshold it used', () => {
    expect(clusterTrials([]).method).toBe(
      "Greedy leader clustering: in descending Sharpe order, each trial joins the first cluster whose leader's returns correlate with its own at 0.9 or more (Pearson, over at least 12 shared periods; two flat streams count as alike), otherwise it leads a new cluster, and a trial that cannot be compared counts as independent.",
    );
    expect(clusterTrials([], { minCorrelation: 0.75 }).method).toContain('at 0.75 or more');
  });
});

describe('trialSharpeVariance', () => {
  it('is the sample variance (n − 1) of the representatives’ Sharpes', () => {
    expect(trialSharpeVariance([{ sharpe: 1 }, { sharpe: 2 }, { sharpe: 3 }])).toBe(1);
    expect(trialSharpeVariance([{ sharpe: 0.1 }, { sharpe: 0.3 }])).toBeCloseTo(0.02, 15);
  });

  it('leaves out non-finite Sharpes and is NaN with fewer than two left', () => {
    expect(trialSharpeVariance([{ sharpe: 1 }, { sharpe: Number.NaN }, { sharpe: 3 }, { sharpe: Infinity }])).toBe(2);
    expect(trialSharpeVariance([{ sharpe: 1 }, { sharpe: Number.NaN }])).toBeNaN();
    expect(trialSharpeVariance([])).toBeNaN();
  });
});
