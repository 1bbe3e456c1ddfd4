// Appends three records (the first with a champion change), then appends a fourth with a champion
// change, saying "appending" just before. The parent has installed a trigger that stalls that fourth
// append after all of its writes (counter, champion, history row, strategies, record) and before its
// COMMIT, and kills this process with SIGKILL while it stalls.
import { metricsFrom } from '@alphaloop/domain';
import { sampleChampion, sampleRecord } from '@alphaloop/ports/contracts';
import { openStorage } from '../../src/index.js';
import { configFrom, fail, say } from './protocol.js';

const [runId = '', ...target] = process.argv.slice(2);
const opened = await openStorage(configFrom(target));
if (opened.isErr()) fail(opened.error.message);
const { history } = opened.value;

const next = async (): Promise<number> => {
  const allocated = await history.allocateIteration(runId);
  if (allocated.isErr()) fail(allocated.error.message);
  return allocated.value;
};

const first = await next();
const v1 = sampleChampion({ runId, version: 1, iteration: first, strategyId: 'crash-champion-1' });
const saved = await history.append(sampleRecord({ runId, iteration: first, championUpdated: true }), { expectedVersion: 0, next: v1 });
if (saved.isErr()) fail(saved.error.message);
for (let i = 0; i < 2; i += 1) {
  const ok = await history.append(sampleRecord({ runId, iteration: await next() }));
  if (ok.isErr()) fail(ok.error.message);
}
const doomed = await next();
say('appending', { iteration: doomed, pid: process.pid });
const v2 = sampleChampion({ runId, version: 2, iteration: doomed, strategyId: 'crash-champion-2', metrics: metricsFrom({ sharpe: 2 }) });
const last = await history.append(sampleRecord({ runId, iteration: doomed, strategyId: 'crash-record-strategy', championUpdated: true }), { expectedVersion: 1, next: v2 });
say('appended', { ok: last.isOk() });
await opened.value.close();
