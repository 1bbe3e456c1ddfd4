import { describe, expect, it } from 'vitest';
import {
  cellOf,
  chooseMate,
  chooseParent,
  considerForArchive,
  DEFAULT_ARCHIVE_POLICY,
  isStagnating,
  lastImprovement,
  noveltyBar,
  parentWeights,
  returnCorrelation,
  type ArchiveCandidate,
  type ArchiveElite,
} from './archive.js';
import { metricsFrom } from './metrics.js';

function mulberry(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const noise = (seed: number, n = 250): Float64Array => {
  const r = mulberry(seed);
  return Float64Array.from({ length: n }, () => r() - 0.5);
};

function elite(cell: string, score: number, overrides: Partial<ArchiveElite> = {}): ArchiveElite {
  return {
    cell,
    strategyId: `id-${cell}-${score}`,
    code: '// code',
    source: 'factor_graph',
    metrics: metricsFrom({ sharpe: score, turnover: 4 }),
    evidence: { folds: [], score, profile: null, monthlyReturns: [], suspicious: [] },
    traits: { family: 'momentum', averageHoldings: 20 },
    dailyReturns: noise(cell.length * 7 + Math.round(score * 100)),
    iteration: 0,
    children: 0,
    ...overrides,
  };
}

function candidate(score: number, returns: Float64Array, cell: string | null = 'momentum/16-40/quarterly'): ArchiveCandidate & { cell: string | null } {
  return {
    cell,
    strategyId: `cand-${score}`,
    code: '// candidate',
    source: 'factor_graph',
    metrics: metricsFrom({ sharpe: score, turnover: 4 }),
    evidence: { folds: [], score, profile: null, monthlyReturns: [], suspicious: [] },
    traits: { family: 'momentum', averageHoldings: 20 },
    dailyReturns: returns,
    iteration: 9,
  };
}

describe('cellOf', () => {
  it('buckets turnover and holdings at the documented edges', () => {
    const traits = (h: number) => ({ family: 'value' as const, averageHoldings: h });
    expect(cellOf(1.99, traits(5))).toBe('value/1-5/slow');
    expect(cellOf(2, traits(5.5))).toBe('value/6-15/quarterly');
    expect(cellOf(6, traits(15.49))).toBe('value/6-15/monthly');
    expect(cellOf(19.99, traits(15.5))).toBe('value/16-40/monthly');
    expect(cellOf(20, traits(40.5))).toBe('value/41+/fast');
    expect(cellOf(300, traits(299))).toBe('value/41+/fast');
  });

  it('has no cell without a turnover or holdings', () => {
    expect(cellOf(null, { family: 'value', averageHoldings: 3 })).toBeNull();
    expect(cellOf(Number.NaN, { family: 'value', averageHoldings: 3 })).toBeNull();
    expect(cellOf(3, { family: 'value', averageHoldings: null })).toBeNull();
  });
});

describe('considerForArchive', () => {
  const cell = 'momentum/16-40/quarterly';

  it('inserts into an empty cell and replaces a lower elite with an unrelated strategy', () => {
    expect(considerForArchive(null, candidate(0.3, noise(1)), null)).toMatchObject({ kind: 'inserted', cell, correlation: { elite: null, parent: null } });
    const decision = considerForArchive(elite(cell, 0.5), candidate(0.51, noise(2)), null);
    expect(decision).toMatchObject({ kind: 'replaced', cell, previous: `id-${cell}-0.5` });
    expect(Math.abs(decision.correlation.elite ?? 1)).toBeLessThan(0.3);
  });

  it('rejects an unrelated strategy that does not beat the elite (ties keep the incumbent)', () => {
    expect(considerForArchive(elite(cell, 0.5), candidate(0.5, noise(3)), null)).toMatchObject({ kind: 'rejected', reason: 'score 0.5000 not above the elite\'s 0.5000' });
  });

  it('makes a near-copy of the elite beat it by the margin', () => {
    const incumbent = elite(cell, 1);
    const copy = Float64Array.from(incumbent.dailyReturns, (r, i) => r + (i % 2 === 0 ? 1e-4 : -1e-4));
    expect(noveltyBar(1)).toBeCloseTo(1.02, 12); // min(1 + 0.02, 1 × 1.05)
    const small = considerForArchive(incumbent, candidate(1.01, copy), null);
    expect(small.kind).toBe('rejected');
    expect(small.correlation.elite).toBeGreaterThan(0.95);
    expect(small.reason).toContain('near-copy of the elite');
    expect(considerForArchive(incumbent, candidate(1.02, copy), null).kind).toBe('replaced');
  });

  it('makes a near-copy of its parent beat the parent by the margin, even in an empty cell', () => {
    const parentReturns = noise(5);
    const parent = { strategyId: 'p', score: 0.8, dailyReturns: parentReturns };
    const copy = considerForArchive(null, candidate(0.81, Float64Array.from(parentReturns)), parent);
    expect(copy).toMatchObject({ kind: 'rejected', correlation: { elite: null, parent: 1 } });
    expect(considerForArchive(null, candidate(0.83, Float64Array.from(parentReturns)), parent).kind).toBe('inserted');
    expect(considerForArchive(null, candidate(0.5, noise(6)), parent).kind).toBe('inserted');
  });

  it('rejects a candidate without a cell or a score, and the elite itself', () => {
    expect(considerForArchive(null, candidate(1, noise(1), null), null)).toMatchObject({ kind: 'rejected', cell: null });
    const noScore = { ...candidate(1, noise(1)), evidence: { folds: [], score: null, profile: null, monthlyReturns: [], suspicious: [] } };
    expect(considerForArchive(null, noScore, null).kind).toBe('rejected');
    const incumbent = elite(cell, 0.5);
    expect(considerForArchive(incumbent, { ...candidate(2, incumbent.dailyReturns), strategyId: incumbent.strategyId }, null).reason).toBe('already the elite of its cell');
  });

  it('treats two flat return streams as the same behaviour', () => {
    expect(returnCorrelation(new Float64Array(10), new Float64Array(10))).toBe(1);
    expect(returnCorrelation(new Float64Array(10), noise(1, 10))).toBeNull();
  });
});

describe('parent choice', () => {
  it('weights by sigmoid of the standardised score and by 1 / (1 + children)', () => {
    const elites = [elite('a', 0), elite('b', 1), elite('c', 2, { children: 3 })];
    const w = parentWeights(elites);
    // scores 0, 1, 2: median 1, population sd √(2/3)
    const z = 1 / Math.sqrt(2 / 3);
    expect(w[0]).toBeCloseTo(1 / (1 + Math.exp(z)), 12);
    expect(w[1]).toBeCloseTo(0.5, 12);
    expect(w[2]).toBeCloseTo(1 / (1 + Math.exp(-z)) / 4, 12);
    expect(parentWeights([])).toEqual([]);
    expect(parentWeights([elite('a', 1), elite('b', 1)])).toEqual([0.5, 0.5]);
  });

  it('draws good cells more often but never only the best (seeded, 20,000 draws)', () => {
    const elites = [elite('a', 0.1), elite('b', 0.5), elite('c', 1.5)];
    const random = mulberry(7);
    const counts = new Map<string, number>();
    const draws = 20_000;
    for (let i = 0; i < draws; i += 1) {
      const parent = chooseParent(elites, random);
      counts.set(parent?.cell ?? '', (counts.get(parent?.cell ?? '') ?? 0) + 1);
    }
    const w = parentWeights(elites);
    const total = w.reduce((a, b) => a + b, 0);
    const u = DEFAULT_ARCHIVE_POLICY.uniformShare;
    elites.forEach((e, i) => {
      const expected = u / elites.length + (1 - u) * ((w[i] as number) / total);
      const share = (counts.get(e.cell) ?? 0) / draws;
      // binomial standard error at these shares is < 0.0036: 4 of them
      expect(Math.abs(share - expected)).toBeLessThan(0.015);
    });
    expect((counts.get('a') ?? 0) / draws).toBeGreaterThan(u / 3 - 0.01);
    expect((counts.get('c') ?? 0) > (counts.get('b') ?? 0)).toBe(true);
  });

  it('depends on the archive contents, not on their order', () => {
    const elites = [elite('a', 0.1), elite('b', 0.5), elite('c', 1.5)];
    const picks = (list: ArchiveElite[]) => {
      const r = mulberry(3);
      return Array.from({ length: 50 }, () => chooseParent(list, r)?.cell);
    };
    expect(picks([...elites].reverse())).toEqual(picks(elites));
  });

  it('finds a mate in another cell only', () => {
    const elites = [elite('a', 1), elite('b', 1)];
    const random = mulberry(1);
    for (let i = 0; i < 20; i += 1) expect(chooseMate(elites, elites[0] as ArchiveElite, random)?.cell).toBe('b');
    expect(chooseMate([elites[0] as ArchiveElite], elites[0] as ArchiveElite, random)).toBeNull();
    expect(chooseParent([], random)).toBeNull();
  });
});

describe('stagnation', () => {
  it('counts iterations since the newest elite was placed', () => {
    const elites = [elite('a', 1, { iteration: 4 }), elite('b', 1, { iteration: 10 })];
    expect(lastImprovement(elites)).toBe(10);
    expect(lastImprovement([])).toBeNull();
    expect(isStagnating(elites, 109)).toBe(false);
    expect(isStagnating(elites, 110)).toBe(true);
    expect(isStagnating([], 500)).toBe(false);
    expect(isStagnating(elites, 500, { ...DEFAULT_ARCHIVE_POLICY, stagnationWindow: 0 })).toBe(false);
  });
});
