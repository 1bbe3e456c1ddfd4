import { describe, expect, it } from 'vitest';
import { ERROR_CATEGORIES, isErrorCategory, ITERATION_STEPS } from './errors.js';
import { isSuccessful, type IterationRecord } from './iteration-record.js';
import { EMPTY_METRICS } from './metrics.js';

describe('error categories and steps', () => {
  it('lists the eight categories and the ten steps in order', () => {
    expect(ERROR_CATEGORIES).toEqual(['timeout', 'data_missing', 'calculation', 'syntax', 'llm', 'duplicate', 'interrupted', 'other']);
    expect(ITERATION_STEPS).toHaveLength(10);
    expect(ITERATION_STEPS[0]).toBe('load_history');
    expect(ITERATION_STEPS[9]).toBe('save');
  });

  it('recognises a category', () => {
    expect(isErrorCategory('timeout')).toBe(true);
    expect(isErrorCategory('TIMEOUT')).toBe(false);
    expect(isErrorCategory(3)).toBe(false);
  });
});

describe('isSuccessful', () => {
  const base: IterationRecord = {
    runId: 'r', iteration: 0, source: 'llm', strategyCode: null, strategyId: null, parentId: null, mutationOperator: null,
    generation: null, metrics: EMPTY_METRICS, holdoutMetrics: null, evidence: null, championDecision: null, search: null, level: 1, error: null, championUpdated: false,
    feedbackUsed: '', timings: {}, llmUsage: null, timestamp: '2026-01-01T00:00:00.000Z',
  };
  it('means executed without error', () => {
    expect(isSuccessful(base)).toBe(true);
    expect(isSuccessful({ ...base, level: 0 })).toBe(false);
    expect(isSuccessful({ ...base, error: { category: 'other', message: 'x', step: 'save' } })).toBe(false);
  });
});
