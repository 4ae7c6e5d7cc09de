import "server-only";
import { publicError } from "@/lib/errors";

export type ActionResult<T = unknown> =
  | ({ ok: true; message?: string } & T)
  | { ok: false; message: string; fieldErrors?: Record<string, string> };

export function toActionError(e: unknown): { ok: false; message: string; fieldErrors?: Record<string, string> } {
  const p = publicError(e);
  return { ok: false, message: p.message, fieldErrors: p.fieldErrors };
}
