import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PBO_SPLITS, describePboInputProblem, MAX_PBO_SPLITS } from './pbo-input.js';
import { probabilityOfOverfitting, type OverfittingReport } from './pbo.js';

/** A stream of S blocks of 2 rows, each block holding its value (in %) twice. */
const twoRowBlocks = (...percent: number[]): number[] => percent.flatMap((value) => [value / 100, value / 100]);

/** Uniform noise in [−1, 1] from fast-check's seeded generator (no bias: every draw is uniform and independent). */
function noise(seed: number, trials: number, rows: number): number[][] {
  const row = fc.noBias(fc.array(fc.integer({ min: -1_000_000, max: 1_000_000 }), { minLength: rows, maxLength: rows }));
  return fc.sample(row, { seed, numRuns: trials }).map((values) => values.map((value) => value / 1_000_000));
}

const report = (returns: readonly ArrayLike<number>[], splits?: number): OverfittingReport =>
  probabilityOfOverfitting(returns, splits === undefined ? {} : { splits })._unsafeUnwrap();

/** CSCV written the slow, obvious way (concatenate the rows, recompute everything), to check the fast one against. */
function directCscv(returns: readonly number[][], splits: number) {
  const rows = (returns[0] as number[]).length;
  const dropped = rows % splits;
  const size = (rows - dropped) / splits;
  const sharpe = (values: number[]): number => {
    if (values.every((value) => value === values[0])) return 0;
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1);
    return mean / Math.sqrt(variance);
  };
  const halves: number[][] = [];
  const choose = (from: number, chosen: number[]): void => {
    if (chosen.length === splits / 2) halves.push(chosen);
    else for (let block = from; block < splits; block += 1) choose(block + 1, [...chosen, block]);
  };
  choose(0, []);
  const rowsOf = (stream: number[], blocks: number[]) => blocks.flatMap((b) => stream.slice(dropped + b * size, dropped + (b + 1) * size));
  const logits: number[] = [];
  const winners: [number, number][] = [];
  for (const inBlocks of halves) {
    const outBlocks = [...Array(splits).keys()].filter((b) => !inBlocks.includes(b));
    const inSample = returns.map((stream) => sharpe(rowsOf(stream, inBlocks)));
    const outOfSample = returns.map((stream) => sharpe(rowsOf(stream, outBlocks)));
    const winner = inSample.indexOf(Math.max(...inSample));
    const value = outOfSample[winner] as number;
    const rank = outOfSample.filter((v) => v < value).length + (outOfSample.filter((v) => v === value).length + 1) / 2;
    const omega = rank / (returns.length + 1);
    logits.push(Math.log(omega / (1 - omega)));
    winners.push([inSample[winner] as number, value]);
  }
  const n = winners.length;
  const mx = winners.reduce((a, [x]) => a + x, 0) / n;
  const my = winners.reduce((a, [, y]) => a + y, 0) / n;
  const slope = winners.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0) / winners.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  return {
    logits,
    pbo: logits.filter((l) => l <= 0).length / n,
    probabilityOfLoss: winners.filter(([, y]) => y < 0).length / n,
    slope,
    intercept: my - slope * mx,
  };
}

describe('probabilityOfOverfitting: the toy check (T 8, N 4, S 4 → 6 splits)', () => {
  // Each block is two equal rows x, x (in %). On two blocks with values a and b a trial's rows are a, a, b, b:
  // mean (a + b)/2, sample std |a − b|/√3, so its Sharpe is (√3/2)·g with g = (a + b)/|a − b|. Ranks only need g.
  //
  //   block:        0    1    2    3
  //   trial 0:     −1    5   −2    2
  //   trial 1:     −1    1   −2    2
  //   trial 2:      3   −1    1    2
  //   trial 3:      2    1    3    4
  //
  // g on each pair of blocks, trials 0–3:
  //   {0,1}: 2/3, 0, 1/2, 3     {0,2}: −3, −3, 2, 5     {0,3}: 1/3, 1/3, 5, 3
  //   {1,2}: 3/7, −1/3, 0, 2    {1,3}: 7/3, 3, 1/3, 5/3  {2,3}: 0, 0, 3, 7
  //
  // split (in-sample J | J̄)  winner n* (g in J)   g of n* in J̄ among J̄   rank  ω     λ = ln(ω/(1−ω))
  //   {0,1} | {2,3}          trial 3 (3)           7 of 0, 0, 3, 7         4     4/5   ln 4    = +1.386
  //   {0,2} | {1,3}          trial 3 (5)           5/3 of 7/3, 3, 1/3, 5/3 2     2/5   ln 2/3  = −0.405
  //   {0,3} | {1,2}          trial 2 (5)           0 of 3/7, −1/3, 0, 2    2     2/5   ln 2/3  = −0.405
  //   {1,2} | {0,3}          trial 3 (2)           3 of 1/3, 1/3, 5, 3     3     3/5   ln 3/2  = +0.405
  //   {1,3} | {0,2}          trial 1 (3)           −3 of −3, −3, 2, 5      1.5   3/10  ln 3/7  = −0.847
  //   {2,3} | {0,1}          trial 3 (7)           3 of 2/3, 0, 1/2, 3     4     4/5   ln 4    = +1.386
  //
  // PBO = 3/6 (three λ ≤ 0); one out-of-sample Sharpe below 0 (split 5; split 3's is exactly 0) → 1/6.
  // Degradation, in g: x = 3, 5, 5, 2, 3, 7 and y = 7, 5/3, 0, 3, −3, 3 → Sxx = 101/6, Sxy = −23/18,
  // slope = −23/303, intercept = ȳ − slope·x̄ = 35/18 + (23/303)(25/6) = 685/303 (times √3/2 in Sharpe).
  const toy = [twoRowBlocks(-1, 5, -2, 2), twoRowBlocks(-1, 1, -2, 2), twoRowBlocks(3, -1, 1, 2), twoRowBlocks(2, 1, 3, 4)];

  it('gives the hand-computed logits and PBO 0.5', () => {
    const result = report(toy, 4);
    const expected = [Math.log(4), Math.log(2 / 3), Math.log(2 / 3), Math.log(3 / 2), Math.log(3 / 7), Math.log(4)];
    expect(result.logits).toHaveLength(6);
    result.logits.forEach((logit, i) => expect(logit).toBeCloseTo(expected[i] as number, 12));
    expect(result.logits.map((l) => Number(l.toFixed(3)))).toEqual([1.386, -0.405, -0.405, 0.405, -0.847, 1.386]);
    expect(result).toMatchObject({ pbo: 0.5, splitCount: 6, trials: 4, observations: 8, blockSize: 2 });
    expect(result.probabilityOfLoss).toBe(1 / 6);
    expect(result.degradationSlope).toBeCloseTo(-23 / 303, 12);
    expect(result.degradationIntercept).toBeCloseTo((685 / 303) * (Math.sqrt(3) / 2), 12);
  });

  it('drops the T mod S leading rows, whatever they hold', () => {
    const padded = toy.map((stream, i) => [Number.NaN, i / 10, Infinity, ...stream]);
    expect(report(padded, 4)).toEqual({ ...report(toy, 4), observations: 8 });
  });
});

describe('probabilityOfOverfitting: edge cases of the definition', () => {
  it('counts λ = 0 as overfit: identical trials tie everywhere, rank (N + 1)/2, ω = ½', () => {
    const stream = noise(7, 1, 40)[0] as number[];
    const result = report([stream, stream, stream], 4);
    expect(result.logits).toEqual([0, 0, 0, 0, 0, 0]);
    expect(result.pbo).toBe(1);
  });

  it('scores a trial whose rows are all equal 0 (no risk taken, nothing to rank), never ±1e16 from rounding', () => {
    // 0.001 every day: its sums carry rounding, but it has no variance. The other trial loses 0.05 % a day on average.
    const flat = Array.from({ length: 32 }, () => 0.001);
    const losing = Array.from({ length: 32 }, (_, row) => (row % 2 === 0 ? -0.002 : 0.001));
    const result = report([losing, flat], 8);
    // the flat trial (Sharpe 0) wins in sample and ranks 2 of 2 out of sample: ω = 2/3, λ = ln 2
    result.logits.forEach((logit) => expect(logit).toBeCloseTo(Math.log(2), 12));
    expect(result.probabilityOfLoss).toBe(0);
    expect(result.degradationSlope).toBeNaN(); // the winner's in-sample Sharpe never varies
    expect(result.degradationIntercept).toBeNaN();
    const zeros = Array.from({ length: 32 }, () => 0);
    expect(report([losing, zeros], 8).logits).toEqual(result.logits);
  });

  it('tells a genuine tiny variance (a Sharpe of ~28,900) from rounding noise', () => {
    // S = 2, blocks of 4 rows. In block 0 trial a returns 1 ± 3e-5: variance 1.2e-9 of its mean square, far
    // above rounding (~1e-16) though far below 1. Block 1: a loses, b gains, c breaks even.
    const d = 3e-5;
    const a = [1 + d, 1 - d, 1 + d, 1 - d, -0.01, 0.01, -0.02, 0.005];
    const b = [0.01, -0.005, 0.02, 0, 0.02, 0.01, 0.015, -0.005];
    const c = [-0.01, 0, -0.02, 0.005, 0, 0.01, -0.01, 0];
    // {0}|{1}: a wins (Sharpe ~28,868), ranks 1 of 3 out of sample → λ = ln ⅓. {1}|{0}: b wins, ranks 2 → λ = 0.
    expect(report([a, b, c], 2).logits).toEqual([Math.log(1 / 3), 0]);
  });

  it('gives the in-sample tie to the first trial', () => {
    // S = 2, blocks of 4 rows. Trials a and b are equal in block 0 and opposite in block 1; c trails in block 0.
    const common = [0.01, -0.005, 0.02, 0];
    const a = [...common, 0.03, 0.01, 0.02, 0.025];
    const b = [...common, -0.03, -0.01, -0.02, -0.025];
    const c = [-0.01, 0.005, -0.02, 0, 0, 0.01, -0.01, 0.005];
    // {0}|{1}: a and b tie in sample, the first listed wins; a ranks 3 of 3 out of sample (λ = ln 3), b 1 of 3 (λ = ln ⅓).
    // {1}|{0}: a wins, and ties with b out of sample: rank 2.5, ω = 2.5/4, λ = ln(5/3).
    expect(report([a, b, c], 2).logits).toEqual([Math.log(3), Math.log(5 / 3)]);
    expect(report([b, a, c], 2).logits).toEqual([Math.log(1 / 3), Math.log(5 / 3)]);
  });

  it('agrees with a direct implementation on random inputs, dropped rows included', () => {
    const input = fc
      .record({
        trials: fc.integer({ min: 2, max: 6 }),
        splits: fc.constantFrom(2, 4, 6),
        blockSize: fc.integer({ min: 2, max: 6 }),
        extra: fc.integer({ min: 0, max: 5 }),
        seed: fc.integer(),
      })
      .map(({ trials, splits, blockSize, extra, seed }) => ({ splits, returns: noise(seed, trials, splits * blockSize + (extra % splits)) }));
    fc.assert(
      fc.property(input, ({ returns, splits }) => {
        const fast = report(returns, splits);
        const direct = directCscv(returns, splits);
        expect(fast.logits).toHaveLength(direct.logits.length);
        fast.logits.forEach((logit, i) => expect(logit).toBeCloseTo(direct.logits[i] as number, 9));
        expect(fast.pbo).toBe(direct.pbo);
        expect(fast.probabilityOfLoss).toBe(direct.probabilityOfLoss);
        if (Number.isFinite(direct.slope)) {
          expect(fast.degradationSlope).toBeCloseTo(direct.slope, 8);
          expect(fast.degradationIntercept).toBeCloseTo(direct.intercept, 8);
        }
      }),
      { seed: 20_241_202, numRuns: 60 },
    );
  });

  it('uses S = 16 by default and reports the shape it used', () => {
    expect(DEFAULT_PBO_SPLITS).toBe(16);
    const result = report(noise(3, 3, 70));
    expect(result).toMatchObject({ splitCount: 12_870, trials: 3, observations: 64, blockSize: 4 });
    expect(result.logits).toHaveLength(12_870);
  });
});

describe('probabilityOfOverfitting: statistical behaviour', () => {
  it('is about ½ for strategies that are pure noise', () => {
    // 20 i.i.d. noise trials: the in-sample winner's out-of-sample rank is uniform on 1…20, so P(λ ≤ 0) = ½.
    // The splits of one data set share its rows and are far from independent: over 400 seeds (N 20,
    // T 800 and 1,600, S 8) one data set's PBO had a standard deviation of 0.20. The mean of 16 data sets
    // has one of 0.05, so ±0.15 is a 3-σ band.
    const results = Array.from({ length: 16 }, (_, seed) => report(noise(1000 + seed, 20, 800), 8));
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    const meanPbo = mean(results.map((r) => r.pbo));
    expect(Math.abs(meanPbo - 0.5)).toBeLessThan(0.15);
    expect(Math.abs(mean(results.map((r) => r.probabilityOfLoss)) - 0.5)).toBeLessThan(0.15);
    expect(results.every((r) => r.splitCount === 70 && r.observations === 800 && r.blockSize === 100)).toBe(true);
  });

  it('is near 0 when one strategy has a real edge among noise', () => {
    // uniform noise (std 0.577) plus 0.2 a day: a daily Sharpe of 0.35 against 19 trials of pure noise.
    // Over 400 seeds of this set-up PBO was 0 every time; we check 8 fixed seeds against < 0.1.
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 0, max: 19 }), (seed, edgeAt) => {
        const returns = noise(seed, 20, 800);
        returns[edgeAt] = (returns[edgeAt] as number[]).map((value) => value + 0.2);
        const result = report(returns, 8);
        expect(result.pbo).toBeLessThan(0.1);
        expect(result.probabilityOfLoss).toBeLessThan(0.1);
      }),
      { seed: 42, numRuns: 8 },
    );
  });
});

describe('probabilityOfOverfitting: invalid input', () => {
  const two = noise(9, 2, 40);
  const messageOf = (returns: readonly ArrayLike<number>[], splits?: number): string => {
    const error = probabilityOfOverfitting(returns, splits === undefined ? {} : { splits })._unsafeUnwrapErr();
    expect(error.kind).toBe('pbo_invalid_input');
    return error.message;
  };

  it('needs at least two trials', () => {
    expect(messageOf([])).toBe('PBO needs at least 2 trials (one return stream each), got 0');
    expect(messageOf([two[0] as number[]])).toBe('PBO needs at least 2 trials (one return stream each), got 1');
  });

  it.each([3, 0, -2, 2.5, Number.NaN])('needs an even number of splits ≥ 2 (got %s)', (splits) => {
    expect(messageOf(two, splits)).toBe(`splits must be an even integer of at least 2 (the paper suggests 16), got ${splits}`);
  });

  it('caps the splits', () => {
    expect(MAX_PBO_SPLITS).toBe(20);
    expect(messageOf(noise(9, 2, 44), 22)).toBe('splits must be at most 20 (the paper suggests 16), got 22');
    expect(describePboInputProblem(noise(9, 2, 40), 20)).toBeNull(); // accepted (not run: 184,756 splits are slow under mutation testing)
  });

  it('needs streams of equal length', () => {
    const [a, b] = two as [number[], number[]];
    expect(messageOf([a, b, b.slice(1)], 4)).toBe(
      'trial 2 has 39 returns but trial 0 has 40; pass return streams of equal length, aligned on the same periods',
    );
  });

  it('needs at least 2 rows per block', () => {
    expect(messageOf(noise(9, 2, 15), 8)).toBe('15 returns in 8 blocks leave 1 per block, need at least 2; pass at least 16 returns per trial or fewer splits');
    expect(probabilityOfOverfitting(noise(9, 2, 16), { splits: 8 }).isOk()).toBe(true);
  });

  it('needs finite returns in the rows it uses', () => {
    const [a, b] = two as [number[], number[]];
    const gap = [...b];
    gap[39] = Number.NaN;
    expect(messageOf([a, gap], 4)).toBe(
      'trial 1 has a non-finite return (NaN) at row 39; pass finite per-period returns (0 for periods without a position)',
    );
    const blowUp = [...a];
    blowUp[0] = -Infinity;
    expect(messageOf([blowUp, b], 4)).toBe(
      'trial 0 has a non-finite return (-Infinity) at row 0; pass finite per-period returns (0 for periods without a position)',
    );
  });
});
