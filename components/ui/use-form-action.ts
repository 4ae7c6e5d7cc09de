"use client";
import { startTransition, useActionState, useEffect, useRef, type FormEvent } from "react";

type Result = { ok: boolean; message?: string } | null;

/**
 * Like useActionState for a <form>, but keeps what the operator typed when the
 * server rejects it (React resets action forms after every submission), and
 * clears the form only on success.
 */
export function useFormAction<S extends Result>(action: (prev: S | null, form: FormData) => Promise<S>) {
  const [state, dispatch, pending] = useActionState(action, null);
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (state?.ok) formRef.current?.reset();
  }, [state]);
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    startTransition(() => dispatch(data));
  };
  const fieldErrors = (state && !state.ok ? (state as { fieldErrors?: Record<string, string> }).fieldErrors : undefined) ?? {};
  return { state, pending, formRef, onSubmit, fieldErrors };
}
