import { registerHooks } from "node:module";

let registered = false;

/**
 * shared/routing uses extensionless relative imports (for the Workers bundler), which Node's resolver refuses.
 * This resolve hook retries such specifiers from .ts files with ".ts", so Node runs the very files the Durable
 * Object bundles, with no build step and no extra dependency. Idempotent: hooks chain, so a second one would
 * only add a lookup per import.
 */
export function resolveExtensionlessTs(): void {
  if (registered) return;
  registered = true;
  registerHooks({
    resolve(specifier, context, nextResolve) {
      const fromTs = context.parentURL?.endsWith(".ts") ?? false;
      const relative = specifier.startsWith("./") || specifier.startsWith("../");
      if (fromTs && relative && !/\.[cm]?[jt]s$/.test(specifier)) return nextResolve(`${specifier}.ts`, context);
      return nextResolve(specifier, context);
    },
  });
}
