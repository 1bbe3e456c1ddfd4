import { describe, expect, it } from 'vitest';
import { generateSyntheticMarket } from '@alphaloop/adapter-market-data';
import { resolveSettings } from './settings.js';
import { holdoutLine, protocolFor, sameExperiment } from './protocol.js';

const market = generateSyntheticMarket({ seed: 3, symbols: 10, start: '2016-01-01', end: '2020-06-30' })._unsafeUnwrap();
const settings = (backtest: Record<string, unknown> = {}) => resolveSettings({ env: {}, flags: { seed: 3, backtest } })._unsafeUnwrap();

describe('protocolFor', () => {
  it('locks the last two calendar years by default, the in-sample period ending the trading day before', () => {
    const p = protocolFor(settings(), market)._unsafeUnwrap();
    expect(p).toEqual({
      dataVersion: market.description.dataVersion,
      seed: 3,
      inSampleStart: market.description.startDate,
      inSampleEnd: '2018-12-31',
      holdoutStart: '2019-01-02',
      folds: 4,
      feeRatio: 0.001425,
      taxRatio: 0.003,
      riskFreeRate: 0.02,
    });
    expect(holdoutLine(p, '2020-06-30')).toBe('holdout: 2019-01-02 … 2020-06-30 is locked: no search or selection sees it; each new champion is measured on it once.');
  });

  it('moves the holdout to the first trading day on or after --holdout-start, or drops it for none', () => {
    expect(protocolFor(settings({ holdoutStart: '2019-06-01' }), market)._unsafeUnwrap().holdoutStart).toBe('2019-06-03');
    const none = protocolFor(settings({ holdoutStart: 'none' }), market)._unsafeUnwrap();
    expect(none).toMatchObject({ holdoutStart: null, inSampleEnd: market.description.endDate });
    expect(holdoutLine(none, market.description.endDate)).toContain('holdout: NONE (--holdout none)');
  });

  it('refuses a holdout that leaves less than a year in-sample, or starts after the data', () => {
    expect(protocolFor(settings({ holdoutStart: '2016-06-01' }), market)._unsafeUnwrapErr().message).toBe(
      `--holdout-start 2016-06-01 leaves less than a year in-sample (data from ${market.description.startDate}): choose a later --holdout-start, more data, or --holdout none`,
    );
    expect(protocolFor(settings({ holdoutStart: '2021-01-04' }), market)._unsafeUnwrapErr().message).toBe(
      '--holdout-start 2021-01-04 starts after the data ends (2020-06-30): choose an earlier --holdout-start, or --holdout none',
    );
    const short = generateSyntheticMarket({ seed: 3, symbols: 10, start: '2019-03-01', end: '2020-06-30' })._unsafeUnwrap();
    expect(protocolFor(settings(), short)._unsafeUnwrapErr().message).toMatch(/^the default holdout \(the last two calendar years of the data\) leaves less than a year in-sample/);
  });
});

describe('sameExperiment', () => {
  it('accepts the stored protocol and refuses another, naming every difference', () => {
    const stored = protocolFor(settings(), market)._unsafeUnwrap();
    expect(sameExperiment('r', stored, { ...stored })._unsafeUnwrap()).toEqual(stored);
    const error = sameExperiment('r', stored, { ...stored, seed: 4, feeRatio: 0 })._unsafeUnwrapErr();
    expect(error.kind).toBe('protocol_mismatch');
    expect(error.message.split('\n')).toEqual([
      "run 'r' is one experiment and cannot be resumed with other settings:",
      '  seed: the run has 3, this start asks for 4',
      '  feeRatio: the run has 0.001425, this start asks for 0',
      'resume it with its own settings, or start a new run with --run NEW_NAME',
    ]);
  });
});
