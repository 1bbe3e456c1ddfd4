import { describe, expect, it } from 'vitest';
import { describeTally, EMPTY_TALLY, tallyRecord } from './search-tally.js';
import { EMPTY_METRICS } from './metrics.js';
import type { IterationRecord } from './iteration-record.js';
import type { ArchiveDecision, FactorFamily } from './archive.js';

function record(operator: string | null, family: FactorFamily | null, level: 0 | 2 | 3, archive: ArchiveDecision['kind'] | null, score: number | null = null): IterationRecord {
  return {
    runId: 'r', iteration: 0, source: operator === null ? 'llm' : 'factor_graph', strategyCode: '//', strategyId: 'id', parentId: null,
    mutationOperator: operator, generation: 1, metrics: EMPTY_METRICS, holdoutMetrics: null,
    evidence: score === null ? null : { folds: [], score, profile: null, monthlyReturns: [], suspicious: [] },
    level, error: level === 0 ? { category: 'calculation', message: 'x', step: 'metrics' } : null, championUpdated: false, championDecision: null,
    search: { cell: null, family, parentCell: null, mateId: null, parentChoice: 'archive', archive: archive === null ? null : archive === 'rejected' ? { kind: 'rejected', cell: null, correlation: { elite: null, parent: null }, reason: '' } : { kind: 'inserted', cell: 'c', correlation: { elite: null, parent: null }, reason: '' } },
    feedbackUsed: '', timings: {}, llmUsage: null, timestamp: '2026-01-01T00:00:00.000Z',
  };
}

describe('search tally', () => {
  it('counts tries, profitable ones and archive improvements per operator and family, best score kept', () => {
    let tally = EMPTY_TALLY;
    tally = tallyRecord(tally, record('add_score_term', 'multi', 3, 'inserted', 0.9));
    tally = tallyRecord(tally, record('add_score_term', 'multi', 3, 'rejected', 1.1));
    tally = tallyRecord(tally, record('perturb_parameter', 'momentum', 2, null, -0.2));
    tally = tallyRecord(tally, record(null, null, 0, null));
    expect(tally.operators.get('add_score_term')).toEqual({ tried: 2, profitable: 2, improved: 1, best: 1.1 });
    expect(tally.operators.get('perturb_parameter')).toEqual({ tried: 1, profitable: 0, improved: 0, best: -0.2 });
    expect(tally.operators.get('llm')).toEqual({ tried: 1, profitable: 0, improved: 0, best: null });
    expect(tally.families.get('multi')).toEqual({ tried: 2, profitable: 2, improved: 1, best: 1.1 });
    expect(tally.families.has('null')).toBe(false);
  });

  it('leaves refused duplicates out', () => {
    const duplicate = { ...record('perturb_parameter', 'momentum', 0, null), error: { category: 'duplicate' as const, message: 'x', step: 'generate' as const } };
    expect(tallyRecord(EMPTY_TALLY, duplicate)).toBe(EMPTY_TALLY);
    expect(tallyRecord(EMPTY_TALLY, { ...record('x', null, 3, null), strategyId: null })).toBe(EMPTY_TALLY);
  });

  it('describes the most useful first, bounded per section', () => {
    let tally = EMPTY_TALLY;
    for (let i = 0; i < 10; i += 1) tally = tallyRecord(tally, record(`op${i}`, 'value', 3, i === 7 ? 'inserted' : null, i / 10));
    const text = describeTally(tally, 3);
    const lines = text.split('\n');
    expect(lines[0]).toBe('Factor families:');
    expect(lines[1]).toBe('- value: 10 tried, 10 profitable, 1 improved the archive, best score 0.90');
    expect(lines[2]).toBe('Ways of making strategies:');
    expect(lines[3]).toBe('- op7: 1 tried, 1 profitable, 1 improved the archive, best score 0.70');
    expect(lines).toHaveLength(6);
    expect(describeTally(EMPTY_TALLY)).toBe('');
  });
});
