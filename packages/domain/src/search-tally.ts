import type { IterationRecord } from './iteration-record.js';

/** How one kind of search step has fared in a run: how often tried, how often profitable, how often it improved the archive. */
export interface TallyLine {
  readonly tried: number;
  readonly profitable: number;
  readonly improved: number;
  /** Best robust in-sample score reached (null when none had one). */
  readonly best: number | null;
}

/** A run's search so far, by mutation operator and by factor family (in-sample outcomes only). */
export interface SearchTally {
  readonly operators: ReadonlyMap<string, TallyLine>;
  readonly families: ReadonlyMap<string, TallyLine>;
}

export const EMPTY_TALLY: SearchTally = { operators: new Map(), families: new Map() };

function bump(map: ReadonlyMap<string, TallyLine>, key: string, record: IterationRecord): Map<string, TallyLine> {
  const old = map.get(key) ?? { tried: 0, profitable: 0, improved: 0, best: null };
  const score = record.evidence?.score ?? null;
  const archive = record.search?.archive?.kind;
  const next: TallyLine = {
    tried: old.tried + 1,
    profitable: old.profitable + (record.level === 3 ? 1 : 0),
    improved: old.improved + (archive === 'inserted' || archive === 'replaced' ? 1 : 0),
    best: score === null ? old.best : old.best === null ? score : Math.max(old.best, score),
  };
  return new Map(map).set(key, next);
}

/** The tally with one more record (records the search did not measure — refused duplicates — leave it unchanged). */
export function tallyRecord(tally: SearchTally, record: IterationRecord): SearchTally {
  if (record.strategyId === null || record.error?.category === 'duplicate') return tally;
  const operator = record.source === 'llm' ? 'llm' : (record.mutationOperator ?? 'unknown');
  const family = record.search?.family ?? null;
  return {
    operators: bump(tally.operators, operator, record),
    families: family === null ? tally.families : bump(tally.families, family, record),
  };
}

const line = (name: string, t: TallyLine): string =>
  `- ${name}: ${t.tried} tried, ${t.profitable} profitable, ${t.improved} improved the archive${t.best === null ? '' : `, best score ${t.best.toFixed(2)}`}`;

const byUsefulness = ([, a]: [string, TallyLine], [, b]: [string, TallyLine]): number =>
  b.improved / b.tried - a.improved / a.tried || b.tried - a.tried;

/**
 * A short account for the LLM of what has worked in this run: at most `maxLines` lines per section, the most
 * useful first (share of tries that improved the archive). Bounded whatever the run's length.
 */
export function describeTally(tally: SearchTally, maxLines = 6): string {
  if (tally.families.size === 0 && tally.operators.size === 0) return '';
  const families = [...tally.families].sort(byUsefulness).slice(0, maxLines).map(([k, v]) => line(k, v));
  const operators = [...tally.operators].sort(byUsefulness).slice(0, maxLines).map(([k, v]) => line(k, v));
  return [
    ...(families.length > 0 ? ['Factor families:', ...families] : []),
    ...(operators.length > 0 ? ['Ways of making strategies:', ...operators] : []),
  ].join('\n');
}
