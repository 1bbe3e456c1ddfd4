import { describe, expect, it } from 'vitest';
import { classify, LEVEL_NAMES } from './levels.js';
import { metricsFrom } from './metrics.js';

describe('classify', () => {
  it.each([
    [false, { sharpe: 2, totalReturn: 1, maxDrawdown: -0.1 }, 0, 0],
    [true, {}, 1, 0],
    [true, { sharpe: 1 }, 1, 1],
    [true, { totalReturn: 0.1, maxDrawdown: -0.1 }, 2, 2],
    [true, { sharpe: 0, totalReturn: 0.1 }, 2, 2],
    [true, { sharpe: -0.5, totalReturn: 0.1, maxDrawdown: -0.1 }, 2, 3],
    [true, { sharpe: 0.0001, maxDrawdown: -0.1 }, 3, 2],
    [true, { sharpe: 1.5, totalReturn: 0.3, maxDrawdown: -0.1 }, 3, 3],
  ])('executed=%s metrics=%j → level %i (coverage %i)', (executed, raw, level, coverage) => {
    const result = classify(executed, metricsFrom(raw));
    expect(result.level).toBe(level);
    expect(result.coverage).toBe(coverage);
  });

  it('explains its decision', () => {
    expect(classify(false, metricsFrom({})).reason).toBe('the strategy did not execute');
    expect(classify(true, metricsFrom({ sharpe: 1 })).reason).toBe('executed, but only 1 of 3 core metrics are available');
    expect(classify(true, metricsFrom({ sharpe: 1.23456, totalReturn: 1 })).reason).toBe('profitable: Sharpe 1.235 > 0');
    expect(classify(true, metricsFrom({ sharpe: -0.5, totalReturn: 1 })).reason).toBe('valid metrics, but Sharpe is -0.500');
    expect(classify(true, metricsFrom({ totalReturn: 1, maxDrawdown: -0.1 })).reason).toBe('valid metrics, but Sharpe is missing');
    expect(LEVEL_NAMES).toEqual({ 0: 'FAILED', 1: 'EXECUTED', 2: 'VALID_METRICS', 3: 'PROFITABLE' });
  });
});
