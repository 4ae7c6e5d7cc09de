"use client";
import { useEffect } from "react";
import { useRouter } from "next/navigation";

/** Re-renders the page's server data every few seconds while the tab is visible (incidents open and close on their own). */
export function AutoRefresh({ seconds = 5 }: { seconds?: number }) {
  const router = useRouter();
  useEffect(() => {
    const t = setInterval(() => { if (document.visibilityState === "visible") router.refresh(); }, seconds * 1000);
    return () => clearInterval(t);
  }, [router, seconds]);
  return null;
}
