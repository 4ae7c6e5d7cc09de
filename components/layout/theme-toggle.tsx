"use client";
import { useEffect, useState } from "react";
import { useTheme } from "next-themes";
import { Monitor, Moon, Sun } from "lucide-react";

const NEXT = { system: "light", light: "dark", dark: "system" } as const;
const LABEL = { system: "Theme: follows the system", light: "Theme: light", dark: "Theme: dark" } as const;

/** Cycles system → light → dark; the choice is kept in this browser. */
export function ThemeToggle() {
  const { theme, setTheme } = useTheme();
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  const t = (mounted ? theme : "system") as keyof typeof NEXT;
  const Icon = t === "dark" ? Moon : t === "light" ? Sun : Monitor;
  return (
    <button type="button" onClick={() => setTheme(NEXT[t] ?? "system")} aria-label={`${LABEL[t] ?? LABEL.system}. Change theme`} title={LABEL[t] ?? LABEL.system}
      className="inline-flex items-center gap-1 rounded-md p-1.5 text-sm text-muted hover:bg-surface-2 hover:text-fg">
      <Icon aria-hidden className="size-4" />
    </button>
  );
}
