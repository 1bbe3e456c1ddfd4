// Module resolution hook: resolve workspace packages (@alphaloop/*) to their TypeScript sources, the
// same custom export condition that TypeScript, Vitest and `node --conditions` use.
export async function resolve(specifier, context, nextResolve) {
  const conditions = context.conditions.includes('@alphaloop/source')
    ? context.conditions
    : ['@alphaloop/source', ...context.conditions];
  return nextResolve(specifier, { ...context, conditions });
}
