"use client";
import { useEffect, useState } from "react";
import { usePathname } from "next/navigation";
import { X } from "lucide-react";
import { Notice } from "./index";

// A confirmation that outlives a navigation: an action that takes the
// operator elsewhere (a host deleted from its own page lands on the hosts
// list) says what it did on the page it lands on, and only there. Kept in
// this tab's sessionStorage, not in the URL, so a link cannot make Warren
// claim something it did not do.
const KEY = "warren-flash";
const EVENT = "warren-flash";
interface Message { text: string; path: string }

/** Leaves `text` for the page at `path` (the one the action navigates to). */
export function setFlash(text: string, path: string) {
  try { sessionStorage.setItem(KEY, JSON.stringify({ text, path })); } catch { /* storage off: the page still changes */ }
  window.dispatchEvent(new Event(EVENT));
}

/** Shows, once, the confirmation left for this page by the action that brought the operator here. */
export function Flash() {
  const path = usePathname();
  const [message, setMessage] = useState<Message | null>(null);
  useEffect(() => {
    // Leaving the page it was shown on ends it: back there later, it is not said again.
    setMessage((m) => (m?.path === path ? m : null));
    const take = () => {
      try {
        const m = JSON.parse(sessionStorage.getItem(KEY) ?? "null") as Message | null;
        if (m?.path !== window.location.pathname) return;
        sessionStorage.removeItem(KEY);
        setMessage(m);
      } catch { /* nothing to show */ }
    };
    take();
    window.addEventListener(EVENT, take);
    return () => window.removeEventListener(EVENT, take);
  }, [path]);
  if (message?.path !== path) return null;
  return (
    <div role="status" data-testid="flash" className="mb-4">
      <Notice tone="green" className="flex items-start justify-between gap-2">
        <span className="min-w-0 break-words">{message.text}</span>
        <button type="button" aria-label="Dismiss" className="shrink-0 rounded p-0.5 text-muted hover:bg-surface-2 hover:text-fg" onClick={() => setMessage(null)}><X aria-hidden className="size-4" /></button>
      </Notice>
    </div>
  );
}
