import { cloneElement, isValidElement, type ButtonHTMLAttributes, type ComponentProps, type ReactNode } from "react";
import { LoaderCircle } from "lucide-react";

export const cx = (...c: (string | false | undefined | null)[]) => c.filter(Boolean).join(" ");

export type Tone = "slate" | "green" | "red" | "amber" | "blue";

export function Button({ variant = "primary", size = "md", busy, className, children, disabled, ...p }: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: "primary" | "secondary" | "danger" | "ghost"; size?: "sm" | "md"; busy?: boolean }) {
  const styles = {
    primary: "bg-accent text-accent-fg hover:bg-accent-strong disabled:opacity-50",
    secondary: "border border-line-strong bg-surface text-fg hover:bg-surface-2 disabled:opacity-50",
    danger: "bg-red-700 text-white hover:bg-red-800 disabled:opacity-50",
    ghost: "text-fg hover:bg-surface-2 disabled:opacity-50",
  }[variant];
  return (
    <button className={cx("inline-flex items-center justify-center gap-1.5 rounded-md font-medium shadow-sm disabled:cursor-not-allowed", size === "sm" ? "px-2 py-1 text-xs" : "px-3 py-1.5 text-sm", styles, className)}
      disabled={disabled || busy} aria-busy={busy || undefined} {...p}>
      {busy && <Spinner />}{children}
    </button>
  );
}

export function Spinner({ label }: { label?: string }) {
  return <LoaderCircle aria-hidden={!label} aria-label={label} className="size-4 shrink-0 animate-spin" />;
}

/** A labelled control; an error marks the control itself (aria-invalid, red border) and is read with it. */
export function Field({ label, htmlFor, error, hint, children }: { label: string; htmlFor: string; error?: string; hint?: ReactNode; children: ReactNode }) {
  const control = isValidElement<{ "aria-invalid"?: boolean; "aria-describedby"?: string }>(children)
    ? cloneElement(children, { "aria-invalid": error ? true : children.props["aria-invalid"], "aria-describedby": error ? `${htmlFor}-error` : children.props["aria-describedby"] })
    : children;
  return (
    <div className="flex min-w-0 flex-col gap-1">
      <label htmlFor={htmlFor} className="text-sm font-medium text-fg">{label}</label>
      {control}
      {hint && !error && <p className="text-xs text-muted">{hint}</p>}
      {error && <p id={`${htmlFor}-error`} role="alert" className="text-xs text-red-700 dark:text-red-400">{error}</p>}
    </div>
  );
}

const inputCls = "w-full min-w-0 rounded-md border border-line-strong bg-surface px-2 py-1.5 text-sm text-fg shadow-sm placeholder:text-muted focus:border-focus focus:outline-none focus:ring-1 focus:ring-focus aria-[invalid=true]:border-red-600";
export function Input({ className, ...p }: ComponentProps<"input">) {
  return <input className={cx(inputCls, className)} {...p} />;
}
export function Textarea({ className, ...p }: ComponentProps<"textarea">) {
  return <textarea className={cx(inputCls, "mono text-xs", className)} {...p} />;
}
export function Select({ className, ...p }: ComponentProps<"select">) {
  return <select className={cx(inputCls, className)} {...p} />;
}

export function Card({ title, actions, children, className, id }: { title?: ReactNode; actions?: ReactNode; children: ReactNode; className?: string; id?: string }) {
  return (
    <section id={id} aria-label={typeof title === "string" ? title : undefined} className={cx("min-w-0 rounded-lg border border-line bg-surface p-4 shadow-sm", className)}>
      {(title || actions) && (
        <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
          {title && <h2 className="text-base font-semibold">{title}</h2>}
          {actions}
        </div>
      )}
      {children}
    </section>
  );
}

const TONES: Record<Tone, string> = {
  slate: "bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-300",
  green: "bg-green-100 text-green-800 dark:bg-green-900/50 dark:text-green-300",
  red: "bg-red-100 text-red-800 dark:bg-red-900/50 dark:text-red-300",
  amber: "bg-amber-100 text-amber-900 dark:bg-amber-900/50 dark:text-amber-200",
  blue: "bg-blue-100 text-blue-800 dark:bg-blue-900/50 dark:text-blue-300",
};

export function Badge({ tone = "slate", children, title }: { tone?: Tone; children: ReactNode; title?: string }) {
  return <span title={title} className={cx("inline-block whitespace-nowrap rounded px-1.5 py-0.5 text-xs font-medium", TONES[tone])}>{children}</span>;
}

export function Notice({ tone = "slate", title, children, className }: { tone?: Tone; title?: ReactNode; children?: ReactNode; className?: string }) {
  const t = {
    slate: "border-line bg-surface-2", green: "border-green-300 bg-green-50 dark:border-green-800 dark:bg-green-950/40",
    red: "border-red-300 bg-red-50 dark:border-red-800 dark:bg-red-950/40", amber: "border-amber-300 bg-amber-50 dark:border-amber-800 dark:bg-amber-950/40",
    blue: "border-blue-300 bg-blue-50 dark:border-blue-800 dark:bg-blue-950/40",
  }[tone];
  return (
    <div className={cx("min-w-0 rounded-md border p-3 text-sm", t, className)}>
      {title && <p className="font-semibold">{title}</p>}
      {children}
    </div>
  );
}

export function StatusLine({ state }: { state: { ok?: boolean; message?: string } | null }) {
  return (
    <p aria-live="polite" role="status" className={cx("text-sm", state?.ok === false ? "text-red-700 dark:text-red-400" : "text-green-700 dark:text-green-400")}>
      {state?.message ?? ""}
    </p>
  );
}

export function Forbidden({ need }: { need: string }) {
  return (
    <Card title="Not allowed">
      <p className="text-sm">This page needs the <b>{need}</b> role.</p>
    </Card>
  );
}

/** Preformatted text that wraps instead of running off to the right. */
/** Scrolls when long: focusable, so keyboard users can scroll it too. */
export function Pre({ className, ...p }: ComponentProps<"pre">) {
  return <pre tabIndex={0} className={cx("mono overflow-auto whitespace-pre-wrap break-all rounded bg-code-bg p-2 text-xs text-code-fg", className)} {...p} />;
}

/** Props for a box that may scroll (a wide table on a phone): a named, focusable region, so it scrolls from the keyboard too. */
export const scrollable = (label: string) => ({ tabIndex: 0, role: "region", "aria-label": label }) as const;
