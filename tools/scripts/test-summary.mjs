// Sums every project's reports/vitest.json into the one plain line CI reads:
//   Tests: N passed, N failed, N skipped
// Exits 1 when a test failed, a suite failed to load, or no test ran at all.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const projectDirs = [];
const walk = (dir, depth) => {
  if (depth > 3) return;
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (!statSync(path).isDirectory()) continue;
    if (existsSync(join(path, 'package.json'))) projectDirs.push(path);
    walk(path, depth + 1);
  }
};
for (const top of ['packages', 'apps', 'tools', 'tests']) if (existsSync(join(root, top))) walk(join(root, top), 0);
if (existsSync(join(root, 'tests', 'package.json'))) projectDirs.push(join(root, 'tests'));

let passed = 0;
let failed = 0;
let skipped = 0;
let failedSuites = 0;
for (const dir of new Set(projectDirs)) {
  const report = join(dir, 'reports', 'vitest.json');
  if (!existsSync(report)) continue;
  const json = JSON.parse(readFileSync(report, 'utf8'));
  passed += json.numPassedTests ?? 0;
  failed += json.numFailedTests ?? 0;
  skipped += (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0);
  failedSuites += json.numFailedTestSuites ?? 0;
  for (const suite of json.testResults ?? []) {
    if (suite.status === 'failed' && (suite.assertionResults ?? []).length === 0) {
      console.error(`suite failed to run: ${suite.name}: ${(suite.message ?? '').split('\n')[0]}`);
    }
  }
}
console.log(`Tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
if (failed > 0 || failedSuites > 0 || passed === 0) process.exit(1);
