import { describe, expect, it } from 'vitest';
import type { IterationRecord } from './iteration-record.js';
import { metricsFrom } from './metrics.js';
import { consecutiveLlmFailures, decideSource, DEFAULT_SOURCE_POLICY } from './source-decision.js';

const record = (source: 'llm' | 'factor_graph', failedStep: 'generate' | 'backtest' | null): IterationRecord => ({
  runId: 'r', iteration: 0, source, strategyCode: null, strategyId: null, parentId: null, mutationOperator: null, generation: null,
  metrics: metricsFrom({}), holdoutMetrics: null, evidence: null, championDecision: null, search: null, level: failedStep ? 0 : 3,
  error: failedStep ? { category: 'llm', message: 'x', step: failedStep } : null,
  championUpdated: false, feedbackUsed: '', timings: {}, llmUsage: null, timestamp: '2026-01-01T00:00:00.000Z',
});

describe('consecutiveLlmFailures', () => {
  it('counts trailing LLM generation failures only', () => {
    expect(consecutiveLlmFailures([])).toBe(0);
    expect(consecutiveLlmFailures([record('llm', 'generate'), record('llm', 'generate')])).toBe(2);
    expect(consecutiveLlmFailures([record('llm', 'generate'), record('factor_graph', null), record('llm', 'generate')])).toBe(1);
    expect(consecutiveLlmFailures([record('llm', 'generate'), record('llm', null)])).toBe(0);
    // a usable strategy that failed in the backtest is not an LLM failure
    expect(consecutiveLlmFailures([record('llm', 'generate'), record('llm', 'backtest')])).toBe(0);
  });
});

describe('decideSource', () => {
  const never = () => {
    throw new Error('random must not be drawn');
  };
  it('uses the factor graph when no LLM is configured, without drawing', () => {
    expect(decideSource({ llmConfigured: false, consecutiveLlmFailures: 0 }, DEFAULT_SOURCE_POLICY, never)).toEqual({
      source: 'factor_graph', reason: 'llm_not_configured', detail: 'no LLM is configured',
    });
  });
  it('falls back after 3 consecutive failures, not after 2', () => {
    expect(decideSource({ llmConfigured: true, consecutiveLlmFailures: 3 }, DEFAULT_SOURCE_POLICY, never)).toEqual({
      source: 'factor_graph', reason: 'llm_failure_fallback', detail: '3 consecutive LLM failures',
    });
    expect(decideSource({ llmConfigured: true, consecutiveLlmFailures: 2 }, DEFAULT_SOURCE_POLICY, () => 0.5).source).toBe('llm');
  });
  it('draws against the innovation rate (percent)', () => {
    const policy = { innovationRate: 30, maxConsecutiveLlmFailures: 3 };
    expect(decideSource({ llmConfigured: true, consecutiveLlmFailures: 0 }, policy, () => 0.2999)).toEqual({
      source: 'llm', reason: 'innovation_rate', detail: 'draw 30.0 < innovation rate 30',
    });
    expect(decideSource({ llmConfigured: true, consecutiveLlmFailures: 0 }, policy, () => 0.3)).toEqual({
      source: 'factor_graph', reason: 'innovation_rate', detail: 'draw 30.0 ≥ innovation rate 30',
    });
    expect(decideSource({ llmConfigured: true, consecutiveLlmFailures: 0 }, { ...policy, innovationRate: 100 }, () => 0.99999).source).toBe('llm');
    expect(decideSource({ llmConfigured: true, consecutiveLlmFailures: 0 }, { ...policy, innovationRate: 0 }, () => 0).source).toBe('factor_graph');
    expect(DEFAULT_SOURCE_POLICY).toEqual({ innovationRate: 100, maxConsecutiveLlmFailures: 3 });
  });
});
