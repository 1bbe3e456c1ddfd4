import shared from '@alphaloop/vitest-config';
import { defineConfig, mergeConfig } from 'vitest/config';

export default mergeConfig(shared, defineConfig({ test: {} }));
