// Appends three records (the first with a champion change), then starts a fourth append with a champion
// change and stops dead inside its transaction — after the champion update and the record insert, before
// COMMIT — and says so. The parent then kills it with SIGKILL.
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import { metricsFrom } from '@alphaloop/domain';
import { sampleChampion, sampleRecord } from '@alphaloop/ports/contracts';
import { openStorage } from '../../src/index.js';
import { configFrom, fail, say } from './protocol.js';

class StopInsideTransaction implements KyselyPlugin {
  armed = false;
  private readonly inserts = new WeakSet<object>();

  transformQuery({ node, queryId }: PluginTransformQueryArgs): RootOperationNode {
    if (node.kind === 'RawNode' && node.sqlFragments.join('?').includes('insert into iterations')) this.inserts.add(queryId);
    return node;
  }

  async transformResult({ result, queryId }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    if (this.armed && this.inserts.has(queryId)) {
      say('in-transaction');
      await new Promise(() => undefined); // never returns: the transaction stays open until the kill
    }
    return result;
  }
}

const [runId = '', ...target] = process.argv.slice(2);
const stopper = new StopInsideTransaction();
const opened = await openStorage({ ...configFrom(target), plugins: [stopper] });
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
stopper.armed = true;
const doomed = await next();
say('appending', { iteration: doomed });
const v2 = sampleChampion({ runId, version: 2, iteration: doomed, strategyId: 'crash-champion-2', metrics: metricsFrom({ sharpe: 2 }) });
await history.append(sampleRecord({ runId, iteration: doomed, strategyId: 'crash-record-strategy', championUpdated: true }), { expectedVersion: 1, next: v2 });
fail('the append finished, but it should have stopped inside its transaction');
