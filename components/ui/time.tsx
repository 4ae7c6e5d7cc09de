"use client";
import { useEffect, useState } from "react";
import { formatDistanceToNowStrict } from "date-fns";

/** The one way Warren shows a moment: UTC with its zone, and how long ago (kept fresh). */
export function absolute(d: Date | string): string {
  return new Date(d).toISOString().replace("T", " ").slice(0, 19) + " UTC";
}

export function Time({ date, relative = true }: { date: Date | string | null | undefined; relative?: boolean }) {
  const [, tick] = useState(0);
  const [mounted, setMounted] = useState(false);
  useEffect(() => {
    setMounted(true);
    if (!relative) return;
    const t = setInterval(() => tick((x) => x + 1), 30_000);
    return () => clearInterval(t);
  }, [relative]);
  if (!date) return <span className="text-muted">never</span>;
  const iso = new Date(date).toISOString();
  return (
    <time dateTime={iso} title={absolute(date)} className="whitespace-nowrap">
      {absolute(date)}
      {relative && mounted && <span className="text-muted"> ({formatDistanceToNowStrict(new Date(date), { addSuffix: true })})</span>}
    </time>
  );
}
