import { exportRunJsonlFile, importJsonlFile, type ImportReport } from '@alphaloop/adapter-storage-kysely';
import { generateSyntheticMarket, writeMarketCsv } from '@alphaloop/adapter-market-data';
import { openDatabase } from '../app.js';
import type { MainIo } from '../io.js';
import type { Settings } from '../settings.js';

/** `alphaloop export --out FILE`: the whole run as JSONL (protocol, records, champions, archive, validation). */
export async function exportCommand(settings: Settings, out: string, io: MainIo): Promise<number> {
  const storage = await openDatabase(settings);
  if (storage.isErr()) return fail(io, storage.error.message);
  try {
    const written = await exportRunJsonlFile(storage.value, settings.run, out);
    if (written.isErr()) return fail(io, written.error.message);
    const { records, champions, elites, protocol, validation } = written.value;
    const parts = [
      `${records} records`,
      `${champions} champion version${champions === 1 ? '' : 's'}`,
      `${elites} archive cell${elites === 1 ? '' : 's'}`,
      protocol ? 'the protocol' : 'no protocol (the run began before protocols were kept)',
      ...(validation ? ['the latest validation'] : []),
    ];
    io.stdout.write(`exported run '${settings.run}' to ${out}: ${parts.join(', ')}\n`);
    return 0;
  } finally {
    await storage.value.close();
  }
}

/**
 * `alphaloop import FILE`: our JSONL (any format version) or the original system's innovations.jsonl. Bad lines are
 * reported and skipped (exit 1); what the target run already holds is never replaced, and a part that could not be
 * imported because of it is said (exit 1); a file measured under another protocol than the run's is refused (exit 2).
 */
export async function importCommand(settings: Settings, file: string, io: MainIo): Promise<number> {
  const storage = await openDatabase(settings);
  if (storage.isErr()) return fail(io, storage.error.message);
  try {
    const imported = await importJsonlFile(storage.value, file, { runId: settings.run });
    if (imported.isErr()) {
      io.stderr.write(`alphaloop: ${imported.error.message}\n`);
      return imported.error.kind === 'protocol_mismatch' ? 2 : 1;
    }
    const report = imported.value;
    for (const issue of report.invalid) io.stderr.write(`${file}:${issue.line}: skipped: ${issue.message}\n`);
    io.stdout.write(`${importSummary(report, settings.run).join('\n')}\n`);
    const { champion, archive } = report;
    if (champion.conflict !== null) io.stderr.write(`alphaloop: warning: ${champion.conflict}\n`);
    if (archive.occupied > 0) {
      io.stderr.write(`alphaloop: warning: ${archive.occupied} of the file's archive cells already hold another elite in run '${settings.run}'; those were kept\n`);
    }
    return report.invalid.length > 0 || champion.conflict !== null || archive.occupied > 0 ? 1 : 0;
  } finally {
    await storage.value.close();
  }
}

function importSummary(report: ImportReport, run: string): string[] {
  const { lines, imported, alreadyPresent, invalid, protocol, champion, archive, validation } = report;
  const out = [`imported ${imported} records into run '${run}' (${alreadyPresent} already present, ${invalid.length} invalid lines skipped, ${lines} lines read)`];
  if (protocol !== null) out.push(`protocol: ${protocol === 'stored' ? 'stored' : 'the same as the run’s'}`);
  if (champion.versions > 0) {
    out.push(`champion: ${champion.restored} of ${champion.versions} versions restored${champion.alreadyPresent > 0 ? `, ${champion.alreadyPresent} already present` : ''}${champion.conflict === null ? '' : ' (the run’s own champion kept, see the warning)'}`);
  }
  if (archive.elites > 0) {
    out.push(`archive: ${archive.restored} of ${archive.elites} cells restored${archive.alreadyPresent > 0 ? `, ${archive.alreadyPresent} already present` : ''}${archive.occupied > 0 ? `, ${archive.occupied} kept the run’s own elite` : ''}`);
  }
  if (validation !== null) out.push(`validation: ${validation === 'restored' ? 'restored' : 'already present'}`);
  return out;
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
