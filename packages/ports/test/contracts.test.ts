import { describeHistoryRepositoryContract } from '../src/contracts/index.js';
import { InMemoryHistory } from './doubles/in-memory-history.js';

// The contract suites are themselves tested: a faithful in-memory double must pass them.
describeHistoryRepositoryContract('in-memory double', async () => {
  const store = new InMemoryHistory();
  return { history: store, champions: store };
});
