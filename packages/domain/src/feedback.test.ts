import { describe, expect, it } from 'vitest';
import type { Champion } from './champion.js';
import type { ErrorCategory } from './errors.js';
import {
  capWords,
  championGapPercent,
  FEEDBACK_WORD_LIMIT,
  generateFeedback,
  situationOf,
  trendDirection,
  trendSummary,
} from './feedback.js';
import type { IterationRecord } from './iteration-record.js';
import { metricsFrom } from './metrics.js';

let counter = 0;
const ok = (sharpe: number | null, extra: Partial<IterationRecord> = {}): IterationRecord => ({
  runId: 'r', iteration: (counter += 1), source: 'factor_graph', strategyCode: 'c', strategyId: 's', parentId: null,
  mutationOperator: null, generation: 0, metrics: metricsFrom({ sharpe, totalReturn: 0.25, maxDrawdown: -0.12, trades: 40 }),
  holdoutMetrics: null, evidence: null, championDecision: null, search: null, level: sharpe !== null && sharpe > 0 ? 3 : 2, error: null, championUpdated: false, feedbackUsed: '',
  timings: {}, llmUsage: null, timestamp: '2026-01-01T00:00:00.000Z', ...extra,
});
const failed = (category: ErrorCategory, message: string): IterationRecord =>
  ok(null, { level: 0, metrics: metricsFrom({}), error: { category, message, step: 'backtest' } });
const champion = (sharpe: number): Champion => ({
  runId: 'r', strategyId: 'champ', code: 'c', source: 'llm', metrics: metricsFrom({ sharpe }), evidence: null, holdout: null, iteration: 4, version: 1,
});

describe('feedback situations', () => {
  it('first iteration', () => {
    const feedback = generateFeedback({ iteration: 0, recent: [], champion: null });
    expect(feedback.situation).toBe('first_iteration');
    expect(feedback.text).toContain('Starting iteration 0. No previous history yet.');
    expect(feedback.text).not.toContain('Trend');
  });

  it('success without enough history', () => {
    const feedback = generateFeedback({ iteration: 1, recent: [ok(0.8)], champion: null });
    expect(feedback.situation).toBe('simple_success');
    expect(feedback.text).toContain('Not enough history for a trend yet.');
    expect(feedback.text).toContain('Sharpe 0.800, total return 25.0%, max drawdown -12.0%, 40 trades; level 3 PROFITABLE');
    expect(feedback.text).toContain('Limited history for trend analysis.');
    expect(feedback.text).toContain("No champion yet. You're setting the baseline");
  });

  it('improving', () => {
    const feedback = generateFeedback({ iteration: 3, recent: [ok(0.5), ok(0.6)], champion: champion(1) });
    expect(feedback.situation).toBe('improving');
    expect(feedback.text).toContain('PROGRESS. Sharpe 0.500 → 0.600 (+20.0%)');
    expect(feedback.text).toContain('Gap to champion: 40.0% below.');
  });

  it('declining (equal counts as declining)', () => {
    const feedback = generateFeedback({ iteration: 3, recent: [ok(0.6), ok(0.5)], champion: champion(0.4) });
    expect(feedback.situation).toBe('declining');
    expect(feedback.text).toContain('DECLINING. Sharpe 0.600 → 0.500 (-16.7%)');
    expect(feedback.text).toContain('ABOVE champion by 25.0%!');
    expect(situationOf([ok(0.6), ok(0.6)])).toBe('declining');
  });

  it('timeout', () => {
    const feedback = generateFeedback({ iteration: 5, recent: [ok(0.7), failed('timeout', 'backtest exceeded 30000 ms')], champion: null });
    expect(feedback.situation).toBe('timeout');
    expect(feedback.text).toContain('TIMEOUT');
    expect(feedback.text).toContain('backtest exceeded 30000 ms');
    expect(feedback.text).toMatch(/Last success: iteration \d+ \(Sharpe 0\.700\)/);
  });

  it('execution error with category, message and the last success', () => {
    const feedback = generateFeedback({ iteration: 5, recent: [failed('syntax', "3:17: unknown data key 'price:成交量'")], champion: champion(1) });
    expect(feedback.situation).toBe('execution_error');
    expect(feedback.text).toContain('FAILED (category syntax)');
    expect(feedback.text).toContain("Error: 3:17: unknown data key 'price:成交量'");
    expect(feedback.text).toContain('No recent successful iterations.');
    expect(feedback.text).toContain('Champion target: Sharpe 1.000 (iteration 4).');
    expect(feedback.text).not.toContain('Gap to champion');
  });
});

describe('change text', () => {
  it('handles negative and zero previous Sharpe', () => {
    expect(generateFeedback({ iteration: 2, recent: [ok(-0.5), ok(0.25)], champion: null }).text).toContain('(+0.75 absolute)');
    expect(generateFeedback({ iteration: 2, recent: [ok(-0.5), ok(-0.75)], champion: null }).text).toContain('(-0.25 absolute)');
    expect(generateFeedback({ iteration: 2, recent: [ok(0), ok(0.3)], champion: null }).text).toContain('(from zero)');
  });
});

describe('trend', () => {
  it.each([
    [[0.1, 0.2, 0.3], 'strongly improving'],
    [[0.5, 0.1, 0.4, 0.3, 0.6], 'improving'],
    [[0.9, 0.5, 0.3], 'declining'],
    [[0.5, 0.9, 0.2, 0.4, 0.3], 'weakening'],
    [[0.5, 0.9, 0.5], 'fluctuating'],
  ])('%j is %s', (sharpes, word) => {
    expect(trendDirection(sharpes)).toBe(word);
  });

  it('needs 3 records, uses at most 5, missing Sharpe counts as 0', () => {
    expect(trendSummary([ok(1), ok(2)])).toBe('Limited history for trend analysis.');
    expect(trendSummary([ok(9), ok(1), ok(2), ok(null), ok(3), ok(4)])).toBe('Sharpe strongly improving: 1.00 → 2.00 → 0.00 → 3.00 → 4.00');
  });
});

describe('champion gap', () => {
  it('is a percentage of the champion Sharpe, 0 when that is not positive', () => {
    expect(championGapPercent(1.5, champion(1))).toBeCloseTo(50, 12);
    expect(championGapPercent(0.5, champion(1))).toBeCloseTo(-50, 12);
    expect(championGapPercent(0.5, champion(0))).toBe(0);
    expect(championGapPercent(0.5, champion(-1))).toBe(0);
  });
});

describe('word cap', () => {
  it(`keeps at most ${FEEDBACK_WORD_LIMIT} words`, () => {
    const long = Array.from({ length: 600 }, (_, i) => `w${i}`).join(' ');
    const capped = capWords(long);
    expect(capped.split(' ')).toHaveLength(500);
    expect(capped.endsWith('w499...')).toBe(true);
    expect(capWords('a\nb  c')).toBe('a\nb  c');
    expect(capWords(Array.from({ length: 500 }, () => 'x').join('\n')).includes('...')).toBe(false);
    const feedback = generateFeedback({ iteration: 9, recent: [failed('other', long)], champion: null });
    expect(feedback.text.split(/\s+/).length).toBeLessThanOrEqual(500);
  });
});
