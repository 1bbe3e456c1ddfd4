// One challenger racing others for the champion: read, decide with the domain policy, then append its
// record with a compare-and-set champion change; on a conflict, re-read and decide again (as the executor does).
import { decideChampion, metricsFrom, robustScore, type Champion, type SelectionEvidence } from '@alphaloop/domain';
import { sampleRecord } from '@alphaloop/ports/contracts';
import { openStorage } from '../../src/index.js';
import { configFrom, fail, say, waitForLine } from './protocol.js';

const [runId = '', sharpeText, ...target] = process.argv.slice(2);
const sharpe = Number(sharpeText);
const metrics = metricsFrom({ sharpe, totalReturn: sharpe / 2, cagr: sharpe / 10, maxDrawdown: -0.2, calmar: sharpe / 2 });
const strategyId = `racer-${sharpeText}`;
// steady folds: the robust score equals the Sharpe, so the policy orders the racers by it
const folds = ['2019', '2020', '2021', '2022'].map((year) => ({ start: `${year}-01-02`, end: `${year}-12-31`, sharpe }));
const evidence: SelectionEvidence = { folds, score: robustScore(folds), profile: null, monthlyReturns: [], suspicious: [] };
const opened = await openStorage(configFrom(target));
if (opened.isErr()) fail(opened.error.message);
const storage = opened.value;

const read = async (): Promise<Champion | null> => {
  const current = await storage.champions.get(runId);
  if (current.isErr()) fail(current.error.message);
  return current.value;
};
let champion = await read();
const allocated = await storage.history.allocateIteration(runId);
if (allocated.isErr()) fail(allocated.error.message);
const iteration = allocated.value;
say('ready', { sawChampion: champion?.version ?? 0 });
await waitForLine('go');

let conflicts = 0;
let attempts = 0;
for (;;) {
  const decision = decideChampion(champion, { level: 3, metrics, score: evidence.score, iteration });
  const expectedVersion = champion?.version ?? 0;
  const record = sampleRecord({ runId, iteration, strategyId, metrics, evidence, level: 3, championUpdated: decision.replace, championDecision: decision });
  const next: Champion = { runId, strategyId, code: `return ${sharpe};`, source: 'factor_graph', metrics, evidence, holdout: null, iteration, version: expectedVersion + 1 };
  const change = decision.replace ? { expectedVersion, next } : undefined;
  attempts += 1;
  const saved = await storage.history.append(record, change);
  if (saved.isOk()) {
    say('done', { sharpe, replaced: decision.replace, conflicts, attempts, firstAttemptWon: decision.replace && attempts === 1 });
    break;
  }
  if (saved.error.kind !== 'champion_conflict') fail(saved.error.message);
  conflicts += 1;
  champion = await read();
}
await storage.close();
