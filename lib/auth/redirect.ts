// Where a login may send the browser next: a path on Warren, whatever its
// spelling. Browsers read "//evil", "/\\evil", "\\/evil", "https:evil" and
// paths with tabs or newlines as other origins (or strip the characters), so
// the value is resolved as a browser would and only a same-origin result is kept.

const BASE = "http://warren.invalid";

export function safeNext(next: unknown): string {
  if (typeof next !== "string" || next.length > 2000) return "/";
  // Control characters and backslashes are never part of a Warren path; browsers strip or reinterpret them.
  // eslint-disable-next-line no-control-regex
  if (!next.startsWith("/") || /[\\\u0000-\u001f\u007f]/.test(next) || next.startsWith("//")) return "/";
  let u: URL;
  try { u = new URL(next, BASE); } catch { return "/"; }
  if (u.origin !== BASE) return "/";
  return u.pathname + u.search + u.hash;
}
