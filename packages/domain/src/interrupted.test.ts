import { describe, expect, it } from 'vitest';
import { interruptedRecord, isInterrupted, wasInterrupted } from './interrupted.js';
import { consecutiveLlmFailures } from './source-decision.js';

const HOUR = 60 * 60 * 1000;

describe('isInterrupted', () => {
  it('takes a claim as interrupted when its process is gone, or cannot be asked and is older than the bound', () => {
    expect(isInterrupted({ iteration: 1, ownerAlive: false, ageMs: 0 }, HOUR)).toBe(true);
    expect(isInterrupted({ iteration: 1, ownerAlive: true, ageMs: 100 * HOUR }, HOUR)).toBe(false);
    expect(isInterrupted({ iteration: 1, ownerAlive: null, ageMs: HOUR }, HOUR)).toBe(false);
    expect(isInterrupted({ iteration: 1, ownerAlive: null, ageMs: HOUR + 1 }, HOUR)).toBe(true);
  });
});

describe('interruptedRecord', () => {
  it('is a level-0 record without a strategy, saying what happened, and no trial', () => {
    const record = interruptedRecord('run', 7, 'factor_graph', '2026-12-03T08:00:00.000Z');
    expect(record).toMatchObject({ runId: 'run', iteration: 7, level: 0, strategyId: null, strategyCode: null, championUpdated: false, evidence: null });
    expect(record.error).toEqual({ category: 'interrupted', step: 'save', message: expect.stringMatching(/iteration 7 stopped \(killed or crashed\) before storing it/) });
    expect(wasInterrupted(record)).toBe(true);
    expect(wasInterrupted({ ...record, error: null })).toBe(false);
  });

  it('does not count as an LLM failure', () => {
    expect(consecutiveLlmFailures([interruptedRecord('run', 0, 'llm', '2026-12-03T08:00:00.000Z')])).toBe(0);
  });
});
