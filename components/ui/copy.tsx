"use client";
import { useState } from "react";
import { Check, Copy, Download } from "lucide-react";
import { Button } from "./index";

/** Copies text; falls back to a hidden textarea where the Clipboard API is unavailable (plain HTTP). */
async function copyText(text: string): Promise<void> {
  if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
  const t = document.createElement("textarea");
  t.value = text;
  t.setAttribute("readonly", "");
  t.style.position = "fixed";
  t.style.opacity = "0";
  document.body.appendChild(t);
  t.select();
  document.execCommand("copy");
  t.remove();
}

export function CopyButton({ text, label = "Copy" }: { text: string; label?: string }) {
  const [done, setDone] = useState(false);
  return (
    <Button variant="secondary" size="sm" type="button" onClick={async () => { await copyText(text); setDone(true); setTimeout(() => setDone(false), 2000); }}>
      {done ? <Check aria-hidden className="size-3.5" /> : <Copy aria-hidden className="size-3.5" />}
      <span aria-live="polite">{done ? "Copied" : label}</span>
    </Button>
  );
}

export function DownloadButton({ text, filename, label = "Download", type = "text/plain" }: { text: string; filename: string; label?: string; type?: string }) {
  return (
    <Button variant="secondary" size="sm" type="button" onClick={() => {
      const url = URL.createObjectURL(new Blob([text], { type }));
      const a = document.createElement("a");
      a.href = url;
      a.download = filename;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    }}>
      <Download aria-hidden className="size-3.5" />{label}
    </Button>
  );
}
