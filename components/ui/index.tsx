import type { ButtonHTMLAttributes, ComponentProps, ReactNode } from "react";

const cx = (...c: (string | false | undefined | null)[]) => c.filter(Boolean).join(" ");

export function Button({ variant = "primary", className, ...p }: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: "primary" | "secondary" | "danger" }) {
  const styles = {
    primary: "bg-orange-600 text-white hover:bg-orange-700 disabled:bg-orange-300",
    secondary: "border border-slate-300 bg-white text-slate-800 hover:bg-slate-100 disabled:text-slate-400",
    danger: "bg-red-600 text-white hover:bg-red-700 disabled:bg-red-300",
  }[variant];
  return <button className={cx("rounded-md px-3 py-1.5 text-sm font-medium shadow-sm disabled:cursor-not-allowed", styles, className)} {...p} />;
}

export function Field({ label, htmlFor, error, hint, children }: { label: string; htmlFor: string; error?: string; hint?: ReactNode; children: ReactNode }) {
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={htmlFor} className="text-sm font-medium text-slate-700">{label}</label>
      {children}
      {hint && !error && <p className="text-xs text-slate-500">{hint}</p>}
      {error && <p id={`${htmlFor}-error`} role="alert" className="text-xs text-red-700">{error}</p>}
    </div>
  );
}

const inputCls = "rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm shadow-sm focus:border-orange-500 focus:outline-none focus:ring-1 focus:ring-orange-500";
export function Input({ className, ...p }: ComponentProps<"input">) {
  return <input className={cx(inputCls, className)} {...p} />;
}
export function Textarea({ className, ...p }: ComponentProps<"textarea">) {
  return <textarea className={cx(inputCls, "mono text-xs", className)} {...p} />;
}
export function Select({ className, ...p }: ComponentProps<"select">) {
  return <select className={cx(inputCls, className)} {...p} />;
}

export function Card({ title, actions, children, className }: { title?: ReactNode; actions?: ReactNode; children: ReactNode; className?: string }) {
  return (
    <section className={cx("rounded-lg border border-slate-200 bg-white p-4 shadow-sm", className)}>
      {(title || actions) && (
        <div className="mb-3 flex items-center justify-between gap-2">
          {title && <h2 className="text-base font-semibold">{title}</h2>}
          {actions}
        </div>
      )}
      {children}
    </section>
  );
}

export function Badge({ tone = "slate", children }: { tone?: "slate" | "green" | "red" | "amber" | "blue"; children: ReactNode }) {
  const t = {
    slate: "bg-slate-100 text-slate-700", green: "bg-green-100 text-green-800", red: "bg-red-100 text-red-800",
    amber: "bg-amber-100 text-amber-800", blue: "bg-blue-100 text-blue-800",
  }[tone];
  return <span className={cx("inline-block rounded px-1.5 py-0.5 text-xs font-medium", t)}>{children}</span>;
}

export function StatusLine({ state }: { state: { ok?: boolean; message?: string } | null }) {
  return (
    <p aria-live="polite" role="status" className={cx("text-sm", state?.ok === false ? "text-red-700" : "text-green-700")}>
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
