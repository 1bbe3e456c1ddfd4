import { describe, expect, it } from 'vitest';
import { metricsFrom, type Champion, type IterationRecord } from '@alphaloop/domain';
import { sampleChampion, sampleElite, sampleEvidence, sampleFailureRecord, sampleProtocol, sampleRecord, sampleSearch, sampleValidation } from '@alphaloop/ports/contracts';
import { LEGACY_CHAMPION_JSON, LEGACY_FAILURE_JSON, LEGACY_RECORD_JSON } from '../test/legacy.js';
import {
  decodeChampion,
  decodeDailyReturns,
  decodeElite,
  decodeOutcome,
  decodeProtocol,
  decodeRecord,
  decodeValidation,
  eliteJson,
  encodeDailyReturns,
  encodeOutcome,
  storable,
  storableElite,
} from './record-codec.js';

/** JSON text → value, as the database hands a `jsonb` column back (its own key order: sorted here, to be sure). */
function throughStorage(value: unknown): unknown {
  const sortKeys = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(sortKeys) : typeof v === 'object' && v !== null ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? 1 : -1)).map(([k, x]) => [k, sortKeys(x)])) : v;
  return sortKeys(JSON.parse(JSON.stringify(value)));
}

/** decode(encode(x)) deep-equals x, keys in the domain's order. */
function expectRoundTrip<T>(value: T, decode: (json: unknown) => { isOk(): boolean; _unsafeUnwrap(): T }): void {
  const back = decode(throughStorage(value))._unsafeUnwrap();
  expect(back).toStrictEqual(value);
  expect(JSON.stringify(back)).toBe(JSON.stringify(value));
}

describe('record codec: the new fields', () => {
  it('round-trips records with evidence and champion decisions, every rule and every null, in the domain’s field order', () => {
    const records: IterationRecord[] = [
      sampleRecord(),
      sampleFailureRecord(),
      ...(['first', 'relative', 'absolute', 'tie_break'] as const).map((rule) =>
        sampleRecord({ championUpdated: true, championDecision: { replace: true, rule, reasons: [`${rule} ✓`, '動能'] }, holdoutMetrics: metricsFrom({ sharpe: 0.3 }) }),
      ),
      sampleRecord({ evidence: sampleEvidence({ folds: [], score: null, profile: null, monthlyReturns: [], suspicious: ['a', 'b'] }), championDecision: { replace: false, rule: null, reasons: [] } }),
      sampleRecord({ evidence: null, championDecision: null }),
    ];
    for (const record of records) expectRoundTrip(record, decodeRecord);
  });

  it('round-trips champions with evidence and holdout, or without either', () => {
    const champions: Champion[] = [
      sampleChampion(),
      sampleChampion({ holdout: metricsFrom({ sharpe: 0.45, totalReturn: 0.06, maxDrawdown: -0.1 }) }),
      sampleChampion({ evidence: null, holdout: null }),
    ];
    for (const champion of champions) expectRoundTrip(champion, decodeChampion);
  });

  it('round-trips protocols (with and without a holdout) and validations', () => {
    expectRoundTrip(sampleProtocol(), decodeProtocol);
    expectRoundTrip(sampleProtocol({ holdoutStart: null, riskFreeRate: 0, seed: -3 }), decodeProtocol);
    expectRoundTrip(sampleValidation(), decodeValidation);
    expectRoundTrip(sampleValidation({ strategyIds: [] }), decodeValidation);
  });

  it('reads rows stored before the fields existed (keys absent) with the new fields null — nothing already stored is refused', () => {
    // (its code lives in `strategies`; the repository puts it back before decoding)
    const record = decodeRecord({ ...(JSON.parse(LEGACY_RECORD_JSON) as object), strategyCode: 'return 1;' })._unsafeUnwrap();
    expect(record).toMatchObject({ iteration: 0, level: 3, championUpdated: true, evidence: null, championDecision: null });
    expect(Object.keys(record)).toEqual(Object.keys(sampleRecord()));
    expect(decodeRecord(JSON.parse(LEGACY_FAILURE_JSON))._unsafeUnwrap()).toMatchObject({ level: 0, evidence: null, championDecision: null });
    const champion = decodeChampion(JSON.parse(LEGACY_CHAMPION_JSON))._unsafeUnwrap();
    expect(champion).toEqual({ ...(JSON.parse(LEGACY_CHAMPION_JSON) as object), evidence: null, holdout: null });
    expect(Object.keys(champion)).toEqual(Object.keys(sampleChampion()));
  });

  it('refuses a new field that is present but wrong, naming it', () => {
    const record = (patch: object) => decodeRecord({ ...sampleRecord(), ...patch })._unsafeUnwrapErr();
    const evidence = (patch: object) => record({ evidence: { ...sampleEvidence(), ...patch } });
    expect(record({ evidence: 5 })).toBe('record.evidence is not an object');
    expect(record({ evidence: [] })).toBe('record.evidence is not an object');
    expect(evidence({ folds: {} })).toBe('record.evidence.folds is not an array');
    expect(evidence({ folds: [{ start: '2020-01-02', end: '2020-12-31', sharpe: 1 }, 7] })).toBe('record.evidence.folds[1] is not an object');
    expect(evidence({ folds: [{ start: '2020-01-02', sharpe: 1 }] })).toBe('record.evidence.folds[0].end is missing');
    expect(evidence({ score: '1' })).toBe('record.evidence.score is not a finite number');
    expect(evidence({ profile: { observations: 1.5, sharpe: 0, skewness: 0, kurtosis: 3 } })).toBe('record.evidence.profile.observations is not an integer');
    expect(evidence({ profile: { observations: -1, sharpe: 0, skewness: 0, kurtosis: 3 } })).toBe('record.evidence.profile.observations is negative');
    expect(evidence({ profile: { observations: 9, sharpe: 0, skewness: null, kurtosis: 3 } })).toBe('record.evidence.profile.skewness is not a finite number');
    expect(evidence({ monthlyReturns: [0.1, null] })).toBe('record.evidence.monthlyReturns[1] is not a finite number');
    expect(evidence({ suspicious: ['ok', 3] })).toBe('record.evidence.suspicious[1] is not a string');
    const { suspicious: _s, ...withoutSuspicious } = sampleEvidence();
    expect(record({ evidence: withoutSuspicious })).toBe('record.evidence.suspicious is missing');
    expect(record({ championDecision: { replace: 'yes', rule: null, reasons: [] } })).toBe('record.championDecision.replace is not a boolean');
    expect(record({ championDecision: { replace: true, rule: 'luck', reasons: [] } })).toBe('record.championDecision.rule is not one of first, relative, absolute, tie_break');
    expect(record({ championDecision: { replace: true, rule: 'first' } })).toBe('record.championDecision.reasons is missing');
    const champion = (patch: object) => decodeChampion({ ...sampleChampion(), ...patch })._unsafeUnwrapErr();
    expect(champion({ holdout: { sharpe: 'x' } })).toBe('champion.holdout.sharpe is not a finite number');
    expect(champion({ evidence: { folds: [] } })).toBe('champion.evidence.score is missing');
  });

  it('is as strict with protocols and validations: every field present and of its type', () => {
    const { holdoutStart: _h, ...noHoldoutKey } = sampleProtocol();
    expect(decodeProtocol(noHoldoutKey)._unsafeUnwrapErr()).toBe('protocol.holdoutStart is missing');
    expect(decodeProtocol({ ...sampleProtocol(), folds: 2.5 })._unsafeUnwrapErr()).toBe('protocol.folds is not an integer');
    expect(decodeProtocol({ ...sampleProtocol(), holdoutStart: 20250102 })._unsafeUnwrapErr()).toBe('protocol.holdoutStart is not a string');
    expect(decodeProtocol([])._unsafeUnwrapErr()).toBe('protocol is not an object');
    expect(decodeValidation({ ...sampleValidation(), strategyIds: ['a', null] })._unsafeUnwrapErr()).toBe('validation.strategyIds[1] is not a string');
    expect(decodeValidation({ ...sampleValidation(), splitCount: '70' })._unsafeUnwrapErr()).toBe('validation.splitCount is not a finite number');
  });

  it('tells a writer what would not read back: NaN or Infinity where a finite number is required (JSON writes null)', () => {
    const nan = sampleRecord({ evidence: sampleEvidence({ profile: { observations: 2, sharpe: Number.NaN, skewness: 0, kurtosis: 3 } }) });
    expect(storable(nan, decodeRecord)._unsafeUnwrapErr()).toBe('record.evidence.profile.sharpe is not a finite number');
    expect(storable(sampleProtocol({ taxRatio: Number.POSITIVE_INFINITY }), decodeProtocol)._unsafeUnwrapErr()).toBe('protocol.taxRatio is not a finite number');
    expect(storable(sampleRecord(), decodeRecord)._unsafeUnwrap()).toEqual(sampleRecord());
    // a missing metric or fold Sharpe (NaN) is null, as the domain has it: accepted
    expect(storable(sampleRecord({ metrics: metricsFrom({ sharpe: Number.NaN }) }), decodeRecord).isOk()).toBe(true);
  });

  it('round-trips a cached backtest outcome, its daily returns as a Float64Array, and refuses one stored before folds and costs', () => {
    const outcome = {
      strategyId: 's',
      canonicalCode: 'return 1;',
      metrics: metricsFrom({ sharpe: 1 }),
      folds: [{ start: '2020-01-02', end: '2020-12-31', sharpe: 1 }],
      profile: null,
      monthlyReturns: [0.01],
      holdoutMetrics: null,
      dailyReturns: Float64Array.from([0.5, -0.25]),
      traits: { family: 'multi' as const, averageHoldings: 8.25 },
      costs: { feeRatio: 0.001425, taxRatio: 0.003, setBy: 'run' as const },
    };
    const back = decodeOutcome(throughStorage(encodeOutcome(outcome)))._unsafeUnwrap();
    expect(back).toStrictEqual(outcome);
    expect(decodeOutcome({ strategyId: 's', canonicalCode: 'x', metrics: metricsFrom({}), holdoutMetrics: null })._unsafeUnwrapErr()).toBe('outcome.folds is missing');
    expect(decodeOutcome(throughStorage(encodeOutcome({ ...outcome, costs: { ...outcome.costs, setBy: 'user' as 'run' } })))._unsafeUnwrapErr()).toBe('outcome.costs.setBy is not one of run, strategy');
    const { traits: _t, ...beforeTraits } = outcome;
    expect(decodeOutcome(throughStorage(encodeOutcome(beforeTraits as typeof outcome)))._unsafeUnwrapErr()).toBe('outcome.traits is missing');
  });
});

describe('record codec: the search step and archive elites', () => {
  it('round-trips search steps, and reads a record stored before them (no key) with search null', () => {
    for (const search of [sampleSearch(), sampleSearch({ archive: null, parentChoice: 'llm' }), null]) expectRoundTrip(sampleRecord({ search }), decodeRecord);
    const { search: _s, ...before } = sampleRecord();
    expect(decodeRecord(throughStorage(before))._unsafeUnwrap()).toStrictEqual(sampleRecord({ search: null }));
  });

  it('refuses a search step that is present but wrong, naming the field', () => {
    const search = (patch: object) => decodeRecord({ ...sampleRecord(), search: { ...sampleSearch(), ...patch } })._unsafeUnwrapErr();
    expect(search({ family: 'astrology' })).toBe('record.search.family is not one of momentum, value, quality, risk, entry, multi, other');
    expect(search({ parentChoice: 'luck' })).toBe('record.search.parentChoice is not one of archive, champion, explore, template, llm');
    expect(search({ archive: { kind: 'kept', cell: 'x', correlation: { elite: null, parent: null }, reason: '' } })).toBe('record.search.archive.kind is not one of inserted, replaced, rejected');
    expect(search({ archive: { kind: 'replaced', cell: 'x', correlation: { elite: null, parent: null }, reason: '' } })).toBe('record.search.archive.previous is missing');
    expect(search({ archive: { kind: 'inserted', cell: null, correlation: { elite: null, parent: null }, reason: '' } })).toBe('record.search.archive.cell is not a string');
    expect(search({ archive: { kind: 'rejected', cell: null, correlation: { elite: 'high', parent: null }, reason: '' } })).toBe('record.search.archive.correlation.elite is not a finite number');
    expect(search({ mateId: 7 })).toBe('record.search.mateId is not a string');
  });

  it('round-trips an elite exactly: its JSON part, its children count and its daily returns bit for bit', () => {
    const elite = sampleElite({ children: 4 });
    const back = decodeElite(throughStorage(eliteJson(elite)), 4, encodeDailyReturns(elite.dailyReturns))._unsafeUnwrap();
    expect(back).toStrictEqual(elite);
    expect(JSON.stringify({ ...back, dailyReturns: null })).toBe(JSON.stringify({ ...elite, dailyReturns: null }));
    expect(Object.is(back.dailyReturns[4], -0)).toBe(true);
    expect(Array.from(back.dailyReturns)).toEqual(Array.from(elite.dailyReturns));
    expect(storableElite(elite)._unsafeUnwrap()).toStrictEqual(elite);
  });

  it('reads daily returns little-endian from a Uint8Array (PGlite), a pooled Buffer at any offset (node-postgres) or \\x hex text', () => {
    const values = Float64Array.from([1 / 3, -0, 1e-300, -2.5, Number.MIN_VALUE]);
    const bytes = encodeDailyReturns(values);
    expect(Array.from(bytes.slice(0, 8))).toEqual([0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0xd5, 0x3f]); // 1/3, little-endian
    const pooled = Buffer.concat([Buffer.from([9, 9, 9]), Buffer.from(bytes)]).subarray(3); // odd offset in a shared buffer
    for (const raw of [bytes, pooled, `\\x${Buffer.from(bytes).toString('hex')}`]) {
      const back = decodeDailyReturns(raw)._unsafeUnwrap();
      expect(Array.from(new Uint8Array(back.buffer))).toEqual(Array.from(bytes));
    }
    expect(decodeDailyReturns(new Uint8Array(12))._unsafeUnwrapErr()).toBe('elite.dailyReturns has 12 bytes, not a multiple of 8');
    expect(decodeDailyReturns([0.1])._unsafeUnwrapErr()).toBe('elite.dailyReturns is not bytes');
    expect(decodeDailyReturns(new Uint8Array(0))._unsafeUnwrap()).toEqual(new Float64Array(0));
  });

  it('refuses an elite with any field wrong, naming it', () => {
    const good = eliteJson(sampleElite()) as Record<string, unknown>;
    const bytes = encodeDailyReturns(sampleElite().dailyReturns);
    const elite = (patch: object, children: unknown = 0) => decodeElite({ ...good, ...patch }, children, bytes)._unsafeUnwrapErr();
    expect(elite({ traits: { family: 'astrology', averageHoldings: 3 } })).toBe('elite.traits.family is not one of momentum, value, quality, risk, entry, multi, other');
    expect(elite({ traits: { family: 'value' } })).toBe('elite.traits.averageHoldings is missing');
    expect(elite({ source: 'human' })).toBe('elite.source is not one of llm, factor_graph');
    expect(elite({ evidence: null })).toBe('elite.evidence is not an object');
    expect(elite({ metrics: { sharpe: 'x' } })).toBe('elite.metrics.sharpe is not a finite number');
    expect(elite({ iteration: -1 })).toBe('elite.iteration is negative');
    expect(elite({ cell: '' })).toBe('elite.cell is empty');
    expect(elite({ code: null })).toBe('elite.code is not a string');
    expect(elite({}, -1)).toBe('elite.children is not a whole number ≥ 0');
    expect(elite({}, 1.5)).toBe('elite.children is not a whole number ≥ 0');
    expect(storableElite({ ...sampleElite(), dailyReturns: [0.1] as unknown as Float64Array })._unsafeUnwrapErr()).toBe('elite.dailyReturns is not a Float64Array');
    expect(storableElite(sampleElite({ evidence: sampleEvidence({ monthlyReturns: [Number.NaN] }) }))._unsafeUnwrapErr()).toBe('elite.evidence.monthlyReturns[0] is not a finite number');
  });
});
