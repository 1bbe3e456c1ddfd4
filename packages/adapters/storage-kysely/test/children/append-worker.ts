// Appends `count` records to one run: allocate a number, append the record, repeat.
import { sampleRecord } from '@alphaloop/ports/contracts';
import { openStorage } from '../../src/index.js';
import { configFrom, fail, say, waitForLine } from './protocol.js';

const [runId, countText, ...target] = process.argv.slice(2);
const opened = await openStorage(configFrom(target));
if (opened.isErr()) fail(opened.error.message);
const storage = opened.value;
say('ready');
await waitForLine('go');
const iterations: number[] = [];
for (let i = 0; i < Number(countText); i += 1) {
  const allocated = await storage.history.allocateIteration(runId ?? '');
  if (allocated.isErr()) fail(allocated.error.message);
  const saved = await storage.history.append(sampleRecord({ runId: runId ?? '', iteration: allocated.value, feedbackUsed: `pid ${process.pid}` }));
  if (saved.isErr()) fail(saved.error.message);
  iterations.push(allocated.value);
}
await storage.close();
say('done', { iterations });
