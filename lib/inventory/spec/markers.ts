// Annotations on option schemas that forms read; free of Node's modules, so
// client components may import them.

/**
 * An option whose effect cannot be undone once applied (Khepri, enabling
 * feature flags): off by default everywhere, and the forms say so. A unit test
 * holds every operation's schema to that.
 */
export const IRREVERSIBLE = { "x-irreversible": true } as const;
