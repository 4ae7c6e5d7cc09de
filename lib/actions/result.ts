import "server-only";
import { publicError } from "@/lib/errors";

export type ActionError = { ok: false; message: string; code?: string; fieldErrors?: Record<string, string> };
export type ActionResult<T = unknown> = ({ ok: true; message?: string } & T) | ActionError;

export function toActionError(e: unknown): ActionError {
  const p = publicError(e);
  return { ok: false, message: p.message, code: p.code, fieldErrors: p.fieldErrors };
}
