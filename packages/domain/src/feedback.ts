import type { Champion } from './champion.js';
import type { IterationRecord } from './iteration-record.js';
import { wasInterrupted } from './interrupted.js';
import { LEVEL_NAMES } from './levels.js';

export type FeedbackSituation =
  | 'first_iteration'
  | 'simple_success'
  | 'improving'
  | 'declining'
  | 'timeout'
  | 'execution_error';

export type TrendDirection = 'strongly improving' | 'improving' | 'declining' | 'weakening' | 'fluctuating';

export interface Feedback {
  readonly situation: FeedbackSituation;
  readonly text: string;
}

export interface FeedbackInput {
  /** The iteration the feedback is written for. */
  readonly iteration: number;
  /** The most recent records of the run, oldest first (the last one is the previous result). */
  readonly recent: readonly IterationRecord[];
  readonly champion: Champion | null;
}

export const FEEDBACK_WORD_LIMIT = 500;
const TREND_WINDOW = 5;
const MIN_TREND_RECORDS = 3;

const sharpeOf = (record: IterationRecord): number => record.metrics.sharpe ?? 0;

/** Direction of the Sharpe ratios (oldest first) over the last few records. */
export function trendDirection(sharpes: readonly number[]): TrendDirection {
  const n = sharpes.length;
  const [a, b, c] = [sharpes[n - 3] ?? 0, sharpes[n - 2] ?? 0, sharpes[n - 1] ?? 0];
  const first = sharpes[0] ?? 0;
  if (a < b && b < c) return 'strongly improving';
  if (c > first) return 'improving';
  if (a > b && b > c) return 'declining';
  if (c < first) return 'weakening';
  return 'fluctuating';
}

export function trendSummary(recent: readonly IterationRecord[]): string {
  if (recent.length < MIN_TREND_RECORDS) return 'Limited history for trend analysis.';
  const sharpes = recent.slice(-TREND_WINDOW).map(sharpeOf);
  return `Sharpe ${trendDirection(sharpes)}: ${sharpes.map((s) => s.toFixed(2)).join(' → ')}`;
}

/** Percentage gap of `sharpe` to the champion's (0 when the champion's Sharpe is not positive). */
export function championGapPercent(sharpe: number, champion: Champion): number {
  const target = champion.metrics.sharpe ?? 0;
  return target > 0 ? ((sharpe - target) / target) * 100 : 0;
}

function championSection(sharpe: number | null, champion: Champion | null): string {
  if (champion === null) return "No champion yet. You're setting the baseline: a champion needs a Sharpe above 0.5.";
  const target = `Champion target: Sharpe ${(champion.metrics.sharpe ?? 0).toFixed(3)} (iteration ${champion.iteration}).`;
  if (sharpe === null) return target;
  const gap = championGapPercent(sharpe, champion);
  return gap > 0 ? `${target} ABOVE champion by ${gap.toFixed(1)}%!` : `${target} Gap to champion: ${Math.abs(gap).toFixed(1)}% below.`;
}

function changeText(previous: number, current: number): string {
  if (previous === 0) return '(from zero)';
  if (previous < 0) return `(${current - previous >= 0 ? '+' : ''}${(current - previous).toFixed(2)} absolute)`;
  const percent = (current / previous - 1) * 100;
  return `(${percent >= 0 ? '+' : ''}${percent.toFixed(1)}%)`;
}

function lastSuccessSection(recent: readonly IterationRecord[]): string {
  for (let i = recent.length - 1; i >= 0; i -= 1) {
    const record = recent[i];
    if (record !== undefined && record.level >= 2 && record.metrics.sharpe !== null) {
      return `Last success: iteration ${record.iteration} (Sharpe ${record.metrics.sharpe.toFixed(3)}); consider returning to a similar structure.`;
    }
  }
  return 'No recent successful iterations. Go back to fundamentals: a simple, valid strategy first.';
}

function performanceBlock(record: IterationRecord): string {
  const m = record.metrics;
  const parts = [`Sharpe ${m.sharpe === null ? 'missing' : m.sharpe.toFixed(3)}`];
  if (m.totalReturn !== null) parts.push(`total return ${(m.totalReturn * 100).toFixed(1)}%`);
  if (m.maxDrawdown !== null) parts.push(`max drawdown ${(m.maxDrawdown * 100).toFixed(1)}%`);
  if (m.trades !== null) parts.push(`${m.trades} trades`);
  return `Previous result (iteration ${record.iteration}): ${parts.join(', ')}; level ${record.level} ${LEVEL_NAMES[record.level]}.`;
}

/** Cuts to the word limit, keeping line breaks when the text already fits. */
export function capWords(text: string, limit: number = FEEDBACK_WORD_LIMIT): string {
  const words = text.split(/\s+/).filter((w) => w.length > 0);
  return words.length <= limit ? text : `${words.slice(0, limit).join(' ')}...`;
}

export function situationOf(recent: readonly IterationRecord[]): FeedbackSituation {
  const last = recent[recent.length - 1];
  if (last === undefined) return 'first_iteration';
  if (last.error?.category === 'timeout') return 'timeout';
  if (last.level === 0) return 'execution_error';
  const previous = recent[recent.length - 2];
  if (previous === undefined) return 'simple_success';
  return sharpeOf(last) > sharpeOf(previous) ? 'improving' : 'declining';
}

/** The feedback for the next strategy, from what happened so far. Pure and deterministic. */
export function generateFeedback(input: FeedbackInput): Feedback {
  const { iteration, champion } = input;
  // an interrupted iteration (its process was killed) measured nothing: feedback is about the strategies before it
  const recent = input.recent.filter((r) => !wasInterrupted(r));
  const situation = situationOf(recent);
  const last = recent[recent.length - 1];
  const previous = recent[recent.length - 2];
  const lines: string[] = [];
  switch (situation) {
    case 'first_iteration':
      lines.push(
        `Starting iteration ${iteration}. No previous history yet.`,
        'Goal: a valid strategy with Sharpe > 1.0. Start with a simple combination of factors from the available data fields (for example momentum with a liquidity filter), make sure it compiles and trades, then improve.',
      );
      break;
    case 'timeout':
      lines.push(
        `Iteration ${iteration}: the previous strategy hit a TIMEOUT.`,
        `Message: ${last?.error?.message ?? 'time limit exceeded'}`,
        'Simplify: fewer operations, shorter rolling windows, fewer nested cross-sectional operations.',
        lastSuccessSection(recent),
      );
      break;
    case 'execution_error':
      lines.push(
        `Iteration ${iteration}: the previous strategy FAILED (category ${last?.error?.category ?? 'other'}).`,
        `Error: ${last?.error?.message ?? 'unknown error'}`,
        'Fix exactly this error: use only the listed data fields and operations, check every argument, and keep one return statement.',
        lastSuccessSection(recent),
      );
      break;
    case 'simple_success':
      lines.push(`Iteration ${iteration}: the previous strategy executed.`, performanceBlock(last as IterationRecord), 'Not enough history for a trend yet.');
      break;
    case 'improving':
    case 'declining': {
      const before = sharpeOf(previous as IterationRecord);
      const now = sharpeOf(last as IterationRecord);
      lines.push(
        situation === 'improving'
          ? `Iteration ${iteration}: PROGRESS. Sharpe ${before.toFixed(3)} → ${now.toFixed(3)} ${changeText(before, now)}.`
          : `Iteration ${iteration}: executed, but performance is DECLINING. Sharpe ${before.toFixed(3)} → ${now.toFixed(3)} ${changeText(before, now)}.`,
        performanceBlock(last as IterationRecord),
        situation === 'improving'
          ? 'Keep this direction with small, risk-aware changes.'
          : 'Review the last change and consider reverting to the better structure.',
      );
      break;
    }
  }
  if (situation !== 'first_iteration') {
    lines.push(trendSummary(recent), championSection(last?.level === 0 ? null : (last?.metrics.sharpe ?? null), champion));
  }
  return { situation, text: capWords(lines.join('\n')) };
}
