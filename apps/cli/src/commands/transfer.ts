import { exportRunJsonlFile, importJsonlFile } from '@alphaloop/adapter-storage-kysely';
import { generateSyntheticMarket, writeMarketCsv } from '@alphaloop/adapter-market-data';
import { openDatabase } from '../app.js';
import type { MainIo } from '../main.js';
import type { Settings } from '../settings.js';

/** `alphaloop export --out FILE`: the run as JSONL, one record per line. */
export async function exportCommand(settings: Settings, out: string, io: MainIo): Promise<number> {
  const storage = await openDatabase(settings);
  if (storage.isErr()) return fail(io, storage.error.message);
  try {
    const written = await exportRunJsonlFile(storage.value.history, settings.run, out);
    if (written.isErr()) return fail(io, written.error.message);
    io.stdout.write(`exported ${written.value} records of run '${settings.run}' to ${out}\n`);
    return 0;
  } finally {
    await storage.value.close();
  }
}

/** `alphaloop import FILE`: our JSONL or the original system's innovations.jsonl; bad lines reported and skipped. */
export async function importCommand(settings: Settings, file: string, io: MainIo): Promise<number> {
  const storage = await openDatabase(settings);
  if (storage.isErr()) return fail(io, storage.error.message);
  try {
    const report = await importJsonlFile(storage.value.history, file, { runId: settings.run });
    if (report.isErr()) return fail(io, report.error.message);
    const { lines, imported, alreadyPresent, invalid } = report.value;
    for (const issue of invalid) io.stderr.write(`${file}:${issue.line}: skipped: ${issue.message}\n`);
    io.stdout.write(
      `imported ${imported} of ${lines} records into run '${settings.run}' (${alreadyPresent} already present, ${invalid.length} invalid lines skipped)\n`,
    );
    return invalid.length > 0 ? 1 : 0;
  } finally {
    await storage.value.close();
  }
}

/** `alphaloop data generate --out DIR`: the synthetic market as FinLab-style wide CSVs. */
export async function dataGenerateCommand(settings: Settings, out: string, io: MainIo): Promise<number> {
  const market = generateSyntheticMarket({
    seed: settings.seed,
    symbols: settings.synthetic.symbols,
    start: settings.synthetic.startDate,
    end: settings.synthetic.endDate,
  });
  if (market.isErr()) return fail(io, market.error.message);
  const written = await writeMarketCsv(market.value, out);
  if (written.isErr()) return fail(io, written.error.message);
  io.stdout.write(`wrote ${written.value.files.length} files (${(written.value.bytes / 1024 / 1024).toFixed(1)} MB) to ${written.value.dir}; use it with --data ${written.value.dir}\n`);
  return 0;
}

function fail(io: MainIo, message: string): number {
  io.stderr.write(`alphaloop: ${message}\n`);
  return 1;
}
