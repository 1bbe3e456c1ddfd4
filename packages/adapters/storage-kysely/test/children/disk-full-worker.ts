// Under a small private tmpfs: create the database, append, fill the disk, append until the database
// refuses, then free the space and append again. Reports every step as JSON.
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { sampleRecord } from '@alphaloop/ports/contracts';
import { openStorage } from '../../src/index.js';
import { fail, say } from './protocol.js';

const mount = process.argv[2] ?? '';
const dataDir = join(mount, 'db');
const runId = 'full';
const opened = await openStorage({ kind: 'pglite', dataDir });
if (opened.isErr()) fail(opened.error.message);
const storage = opened.value;

const appendOne = async (): Promise<{ ok: true; iteration: number } | { ok: false; step: string; kind: string; message: string }> => {
  const allocated = await storage.history.allocateIteration(runId);
  if (allocated.isErr()) return { ok: false, step: 'allocate', kind: allocated.error.kind, message: allocated.error.message };
  // incompressible text, so each record needs new pages
  const saved = await storage.history.append(sampleRecord({ runId, iteration: allocated.value, feedbackUsed: randomBytes(3000).toString('hex') }));
  if (saved.isErr()) return { ok: false, step: 'append', kind: saved.error.kind, message: saved.error.message };
  return { ok: true, iteration: allocated.value };
};

for (let i = 0; i < 5; i += 1) {
  const r = await appendOne();
  if (!r.ok) fail(`before the disk was full: ${r.message}`);
}

const filler = join(mount, 'filler');
const fd = openSync(filler, 'w');
for (const size of [1 << 20, 4096, 512]) {
  const block = Buffer.alloc(size, 1);
  try {
    for (;;) writeSync(fd, block);
  } catch {
    // ENOSPC: on to the next, smaller block
  }
}
closeSync(fd);

let stored = 5;
let failure: { step: string; kind: string; message: string } | null = null;
for (let i = 0; i < 3000 && failure === null; i += 1) {
  const r = await appendOne();
  if (r.ok) stored += 1;
  else failure = r;
}
const counted = await storage.history.count(runId);
const complete = await storage.history.page(runId, { offset: 0, limit: 100_000 });
rmSync(filler);
const after = await appendOne();
await storage.close();
say('result', {
  failure,
  stored,
  counted: counted.isOk() ? counted.value : counted.error.message,
  readable: complete.isOk() ? complete.value.length : complete.error.message,
  afterFreeing: after,
});
