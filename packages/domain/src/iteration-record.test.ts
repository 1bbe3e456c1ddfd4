import { describe, expect, it } from 'vitest';
import { inSampleView, isSuccessful, type IterationRecord } from './iteration-record.js';
import { EMPTY_METRICS, metricsFrom } from './metrics.js';

const record: IterationRecord = {
  runId: 'r', iteration: 3, source: 'factor_graph', strategyCode: 'x', strategyId: 's', parentId: null, mutationOperator: null, generation: 1,
  metrics: metricsFrom({ sharpe: 1 }), holdoutMetrics: metricsFrom({ sharpe: 7.777 }), evidence: null, level: 3, error: null,
  championUpdated: true, championDecision: { replace: true, rule: 'first', reasons: ['first'] }, search: null, feedbackUsed: '', timings: {}, llmUsage: null,
  timestamp: '2026-01-01T00:00:00.000Z',
};

describe('inSampleView', () => {
  it('drops the holdout metrics and keeps everything else', () => {
    expect(inSampleView(record)).toEqual({ ...record, holdoutMetrics: null });
    expect(record.holdoutMetrics?.sharpe).toBe(7.777); // the stored record is not changed
  });

  it('returns a record without holdout as it is', () => {
    const plain = { ...record, holdoutMetrics: null };
    expect(inSampleView(plain)).toBe(plain);
  });
});

describe('isSuccessful', () => {
  it('needs level 1 or more and no error', () => {
    expect(isSuccessful(record)).toBe(true);
    expect(isSuccessful({ ...record, level: 0 })).toBe(false);
    expect(isSuccessful({ ...record, metrics: EMPTY_METRICS, level: 1, error: { category: 'other', message: 'x', step: 'save' } })).toBe(false);
  });
});
