// What a server-action request must look like before Next.js decodes it.
// Next hands the body to React's reply decoder and answers 500 for anything
// it cannot decode — a reference to a part the body does not have ("$Q1"),
// text that is not JSON, nesting deep enough to overflow the stack, a body
// over its 1 MB limit — and logs the decoder's message, which quotes the
// input. proxy.ts checks here first and answers 4xx instead.
//
// Warren's actions take strings, numbers, booleans, null, plain objects and
// arrays of them, and FormData; React's client encodes those as JSON whose
// strings starting with "$" are either escaped ("$$…"), a literal
// (undefined, NaN, ±Infinity, -0, a Date, a BigInt) or, in a multipart body,
// a FormData ("$K<id>", its fields sent as "_<id>_<name>"), or a path to an
// object met earlier in the same arguments ("$0:1:name", React's way of
// sending one object twice). Any other "$" string refers to another part
// (Map, Set, promise, stream, blob, server reference, temporary reference,
// outlined object), none of which an action of Warren's takes: such a body
// is refused rather than decoded — as is a path that does not lead to an
// object of the arguments, or that goes through __proto__.

export interface ActionRequestProblem {
  status: 400 | 403 | 413 | 415;
  code: string;
  message: string;
}

/** Deeper than any argument of Warren's actions; far from what overflows a decoder's stack. */
export const MAX_DEPTH = 32;
export const MAX_VALUES = 20_000;
export const MAX_ARGS = 16;
export const MAX_FIELDS = 1000;

const bad = (message: string): ActionRequestProblem => ({ status: 400, code: "bad-action-request", message });

const LITERALS = new Set(["$undefined", "$NaN", "$Infinity", "$-Infinity", "$-0"]);

/** A "$" string React decodes to a value by itself, without looking at any other part of the body. */
export function isSelfContained(s: string, multipart: boolean): boolean {
  if (s[0] !== "$" || s.startsWith("$$") || LITERALS.has(s)) return true;
  if (s.startsWith("$D")) return !Number.isNaN(Date.parse(s.slice(2)));
  if (/^\$n-?\d{1,300}$/.test(s)) return true;
  return multipart && /^\$K[0-9a-f]{1,8}$/.test(s);
}

/** Whether "$0:a:b" leads, through own keys of the arguments, to an object or array in them. */
export function resolvesWithin(args: unknown, ref: string): boolean {
  const m = /^\$0((?::[^:]*)*)$/.exec(ref);
  if (!m) return false;
  let cur: unknown = args;
  for (const key of m[1].split(":").slice(1)) {
    if (key === "__proto__" || !cur || typeof cur !== "object" || !Object.hasOwn(cur, key)) return false;
    cur = (cur as Record<string, unknown>)[key];
  }
  return !!cur && typeof cur === "object";
}

/** How deeply JSON text nests, by one pass over its characters (parsers and revivers recurse). */
export function jsonDepth(text: string): number {
  let depth = 0, max = 0, inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) max = Math.max(max, ++depth);
    else if (c === 93 || c === 125) depth--;
  }
  return max;
}

/** The arguments row: a JSON array of self-contained values, bounded in depth, size and count. */
export function checkArguments(text: string, multipart: boolean): ActionRequestProblem | null {
  if (jsonDepth(text) > MAX_DEPTH) return bad(`the arguments nest more than ${MAX_DEPTH} levels deep`);
  let args: unknown;
  try {
    args = JSON.parse(text);
  } catch {
    return bad("the arguments are not JSON");
  }
  if (!Array.isArray(args)) return bad("the arguments are not a list");
  if (args.length > MAX_ARGS) return bad(`at most ${MAX_ARGS} arguments`);
  const todo: unknown[] = [args];
  let seen = 0;
  while (todo.length) {
    const v = todo.pop();
    if (++seen > MAX_VALUES) return bad(`the arguments hold more than ${MAX_VALUES} values`);
    if (typeof v === "string") {
      if (!isSelfContained(v, multipart) && !resolvesWithin(args, v)) return bad("the arguments refer to parts this request does not have, or of a kind no action takes");
    } else if (Array.isArray(v)) todo.push(...v);
    else if (v && typeof v === "object") {
      if (Object.hasOwn(v, "__proto__")) return bad("an argument names __proto__");
      todo.push(...Object.values(v));
    }
  }
  return null;
}

/** The fields of a multipart action body: the arguments in "0", FormData fields as "_<id>_<name>", nothing else. */
export function checkMultipart(fields: [string, unknown][]): ActionRequestProblem | null {
  if (fields.length > MAX_FIELDS) return bad(`at most ${MAX_FIELDS} fields`);
  let args: string | null = null;
  for (const [name, value] of fields) {
    if (name === "0") {
      if (typeof value !== "string" || args !== null) return bad("the arguments field is missing or repeated");
      args = value;
    } else if (!/^_[0-9a-f]{1,8}_/.test(name)) {
      return bad("a field that is not an argument or a form field");
    }
  }
  return args === null ? bad("the arguments field is missing") : checkArguments(args, true);
}

/** The declared type: multipart or text; anything else is not a body React's client sends. */
export function actionBodyKind(contentType: string | null): "multipart" | "text" | ActionRequestProblem {
  const type = (contentType ?? "").split(";")[0].trim().toLowerCase();
  if (type === "multipart/form-data") return "multipart";
  if (type === "text/plain") return "text";
  return { status: 415, code: "unsupported-media-type", message: "a server action is sent as multipart/form-data or text/plain" };
}
