import { err } from 'neverthrow';
import type { StrategyValidator } from './ai-sdk-llm.js';

/** Placeholder until @alphaloop/strategy exports compileStrategy: rejects everything, loudly. */
export const compilerValidator: StrategyValidator = () => err('the strategy compiler is not available yet');
