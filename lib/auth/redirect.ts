// Where a login may send the browser next: a path on Warren, whatever its
// spelling. Browsers read "//evil", "/\\evil", "\\/evil", "https:evil" and
// paths with tabs or newlines as other origins (or strip the characters), so
// the value is resolved as a browser would and only a same-origin result is
// kept. The *result* is checked too, not only the input: resolving
// "/.//evil:8099/x" normalises the dot segment away and yields the path
// "//evil:8099/x", which a browser given it as a Location reads as another
// origin (the first fix checked only the input).

const BASE = "http://warren.invalid";

/** True when a browser that resolves `path` against Warren's origin stays on Warren. */
export function staysOnWarren(path: string): boolean {
  // Two leading slashes or backslashes in any mix are protocol-relative to a browser.
  if (!path.startsWith("/") || /^.[/\\]/.test(path)) return false;
  try {
    return new URL(path, BASE).origin === BASE;
  } catch {
    return false;
  }
}

export function safeNext(next: unknown): string {
  if (typeof next !== "string" || next.length > 2000) return "/";
  // Control characters and backslashes are never part of a Warren path; browsers strip or reinterpret them.
  // eslint-disable-next-line no-control-regex
  if (/[\\\u0000-\u001f\u007f]/.test(next) || !staysOnWarren(next)) return "/";
  const u = new URL(next, BASE);
  const out = u.pathname + u.search + u.hash;
  return staysOnWarren(out) ? out : "/";
}
