// Synthetic market generation: time to generate the default market (seed 42, 300 symbols, 2012–2024) and
// proof that the same seed gives the same bytes (SHA-256 over every frame's dates, symbols and values).
// Run: npm run bench -w @alphaloop/bench -- market.ts [runs=5]
import { createHash } from 'node:crypto';
import { generateSyntheticMarket, type MarketData } from '@alphaloop/adapter-market-data';

const RUNS = Number(process.argv[2] ?? 5);

function digest(market: MarketData): string {
  const hash = createHash('sha256');
  for (const key of [...market.frames.keys()].sort()) {
    const f = market.frames.get(key);
    if (f === undefined) continue;
    hash.update(key);
    hash.update(new Uint8Array(Int32Array.from(f.dates).buffer));
    hash.update(f.symbols.join('\u0000'));
    hash.update(new Uint8Array(f.values.buffer, f.values.byteOffset, f.values.byteLength));
  }
  return hash.digest('hex');
}

const times: number[] = [];
const digests = new Set<string>();
let cells = 0;
for (let k = 0; k < RUNS; k++) {
  const t0 = performance.now();
  const market = generateSyntheticMarket()._unsafeUnwrap();
  times.push(performance.now() - t0);
  digests.add(digest(market));
  cells = [...market.frames.values()].reduce((n, f) => n + f.values.length, 0);
}
times.sort((a, b) => a - b);
console.log(`default synthetic market: ${cells.toLocaleString('en')} cells; generated in median ${times[Math.floor(times.length / 2)]?.toFixed(0)} ms, max ${times[times.length - 1]?.toFixed(0)} ms over ${RUNS} runs (first run included)`);
console.log(`same seed → identical bytes: ${digests.size === 1 ? 'yes' : 'NO'} (${[...digests].map((d) => d.slice(0, 16)).join(', ')})`);
if (digests.size !== 1) process.exitCode = 1;
