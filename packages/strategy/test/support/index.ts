export { STRATEGY_CORPUS } from './corpus.js';
export { TEST_CONTEXT, TEST_FIELDS } from './market.js';
export { ADVERSARIAL_CORPUS, type AdversarialCase } from './adversarial.js';
export { arbitraryStrategy } from './arbitrary.js';
export { HOSTILE_CORPUS, HOSTILE_LOOK_ALIKES, type HostileCase, type HostileCategory } from './hostile.js';
