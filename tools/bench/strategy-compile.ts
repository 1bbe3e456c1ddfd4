// Strategy compiler throughput on one core: parse (acorn) + validate + type-check + compile to the factor
// graph + print canonical source + hash, over the corpus of hand-written LLM-style strategies.
// Run: cd tools/bench && node --conditions=@alphaloop/source --import tsx strategy-compile.ts [seconds-per-round]
// Target (issue 3): ≥ 5,000 strategies/s.
import { parse } from 'acorn';
import { compileStrategy, MUTATION_OPERATORS, mutate, seededRandom, templateStrategy, type CompiledStrategy } from '@alphaloop/strategy';
import { STRATEGY_CORPUS, TEST_CONTEXT } from '@alphaloop/strategy/testing';

const secondsPerRound = Number(process.argv[2] ?? 3);
const TARGET = 5_000;
const rounds = 3;

function measure(label: string, body: (i: number) => void): number {
  for (let i = 0; i < 2_000; i += 1) body(i); // warm-up (JIT)
  const rates: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    let count = 0;
    const started = performance.now();
    const deadline = started + secondsPerRound * 1000;
    while (performance.now() < deadline) {
      for (let i = 0; i < 100; i += 1) body(count + i);
      count += 100;
    }
    rates.push(count / ((performance.now() - started) / 1000));
  }
  rates.sort((a, b) => a - b);
  const median = rates[1] ?? 0;
  console.log(`${label.padEnd(44)} ${rates.map((r) => Math.round(r).toLocaleString('en-US')).join(' / ').padStart(26)} per s  (median ${(1e6 / median).toFixed(1)} µs each)`);
  return median;
}

const corpus = STRATEGY_CORPUS;
const bytes = corpus.reduce((sum, s) => sum + s.length, 0);
console.log(`corpus: ${corpus.length} strategies, mean ${Math.round(bytes / corpus.length)} characters; Node ${process.version}; ${rounds} rounds of ${secondsPerRound} s`);

const compileRate = measure('compileStrategy (whole pipeline)', (i) => {
  const result = compileStrategy(corpus[i % corpus.length] ?? '', TEST_CONTEXT);
  if (result.isErr()) throw new Error('corpus strategy failed to compile');
});
measure('  of which acorn.parse alone', (i) => {
  parse(corpus[i % corpus.length] ?? '', { ecmaVersion: 2022, sourceType: 'script', allowReturnOutsideFunction: true });
});
const canonical = corpus.map((s) => compileStrategy(s, TEST_CONTEXT)._unsafeUnwrap().canonicalSource);
measure('compileStrategy on canonical sources', (i) => {
  compileStrategy(canonical[i % canonical.length] ?? '', TEST_CONTEXT);
});
const parents: CompiledStrategy[] = [templateStrategy(TEST_CONTEXT)._unsafeUnwrap(), ...corpus.map((s) => compileStrategy(s, TEST_CONTEXT)._unsafeUnwrap())];
const random = seededRandom(1);
measure('mutate (random operator; includes recompile)', (i) => {
  const parent = parents[i % parents.length] as CompiledStrategy;
  mutate(parent, MUTATION_OPERATORS[i % MUTATION_OPERATORS.length] ?? 'perturb_parameter', random);
});

const met = compileRate >= TARGET;
console.log(`target ≥ ${TARGET.toLocaleString('en-US')} strategies/s: ${met ? 'met' : 'MISSED'} (median ${Math.round(compileRate).toLocaleString('en-US')})`);
process.exitCode = met ? 0 : 1;
