import {
  describeArchiveRepositoryContract,
  describeHistoryRepositoryContract,
  describeRunProtocolRepositoryContract,
  describeValidationRepositoryContract,
} from '../src/contracts/index.js';
import { InMemoryHistory } from './doubles/in-memory-history.js';
import { InMemoryRunProtocols, InMemoryValidations } from './doubles/in-memory-run-ledger.js';

// The contract suites are themselves tested: faithful in-memory doubles must pass them.
describeHistoryRepositoryContract('in-memory double', async () => {
  const store = new InMemoryHistory();
  return { history: store, champions: store };
});
describeArchiveRepositoryContract('in-memory double', async () => {
  const store = new InMemoryHistory();
  return { history: store, champions: store, archive: store };
});
describeRunProtocolRepositoryContract('in-memory double', async () => ({ protocols: new InMemoryRunProtocols(), history: new InMemoryHistory() }));
describeValidationRepositoryContract('in-memory double', async () => ({ validations: new InMemoryValidations() }));
