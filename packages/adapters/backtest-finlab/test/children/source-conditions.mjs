// The CLI's loader (apps/cli/bin): a resolve hook adds the @alphaloop/source condition, no --conditions flag.
export async function resolve(specifier, context, nextResolve) {
  const conditions = context.conditions.includes('@alphaloop/source') ? context.conditions : ['@alphaloop/source', ...context.conditions];
  return nextResolve(specifier, { ...context, conditions });
}
