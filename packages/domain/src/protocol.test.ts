import { describe, expect, it } from 'vitest';
import { PROTOCOL_FIELDS, protocolDifferences, type RunProtocol } from './protocol.js';

const base: RunProtocol = {
  dataVersion: 'synthetic-abc', seed: 42, inSampleStart: '2012-01-02', inSampleEnd: '2022-12-30', holdoutStart: '2023-01-02',
  folds: 4, feeRatio: 0.001425, taxRatio: 0.003, riskFreeRate: 0.02,
};

describe('protocolDifferences', () => {
  it('finds nothing for the same protocol', () => {
    expect(protocolDifferences(base, { ...base })).toEqual([]);
  });

  it('names each differing setting with both values', () => {
    expect(protocolDifferences(base, { ...base, seed: 7, holdoutStart: null, feeRatio: 0 })).toEqual([
      'seed: the run has 42, this start asks for 7',
      'holdoutStart: the run has 2023-01-02, this start asks for none',
      'feeRatio: the run has 0.001425, this start asks for 0',
    ]);
  });

  it('checks every field of the protocol', () => {
    expect([...PROTOCOL_FIELDS].sort()).toEqual(Object.keys(base).sort());
    for (const field of PROTOCOL_FIELDS) {
      const changed = { ...base, [field]: typeof base[field] === 'number' ? -1 : 'other' } as RunProtocol;
      expect(protocolDifferences(base, changed)).toHaveLength(1);
    }
  });
});
