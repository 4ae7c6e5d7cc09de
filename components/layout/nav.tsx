"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, useState } from "react";
import { Menu, X } from "lucide-react";
import { cx } from "@/components/ui";

export interface NavLink { href: string; label: string }

function isCurrent(path: string, href: string) {
  return href === "/" ? path === "/" : path === href || path.startsWith(`${href}/`);
}

function Links({ links, path }: { links: NavLink[]; path: string }) {
  return (
    <ul className="flex flex-col gap-0.5">
      {links.map((l) => {
        const current = isCurrent(path, l.href);
        return (
          <li key={l.href}>
            <Link href={l.href} aria-current={current ? "page" : undefined}
              className={cx("block rounded-md px-3 py-1.5 text-sm", current ? "bg-surface-2 font-semibold text-fg" : "text-muted hover:bg-surface-2 hover:text-fg")}>
              {l.label}
            </Link>
          </li>
        );
      })}
    </ul>
  );
}

/** The sidebar on wide screens. */
export function SideNav({ links }: { links: NavLink[] }) {
  const path = usePathname();
  return (
    <nav aria-label="Main" className="hidden w-52 shrink-0 border-r border-line bg-surface px-2 py-4 md:block">
      <Links links={links} path={path} />
    </nav>
  );
}

/** On narrow screens: a menu button that opens the same links. */
export function MobileNav({ links }: { links: NavLink[] }) {
  const path = usePathname();
  const [open, setOpen] = useState(false);
  useEffect(() => setOpen(false), [path]);
  return (
    <div className="md:hidden">
      <button type="button" aria-expanded={open} aria-controls="mobile-nav" aria-label={open ? "Close the menu" : "Open the menu"} onClick={() => setOpen((o) => !o)}
        className="rounded-md p-1.5 text-fg hover:bg-surface-2">
        {open ? <X aria-hidden className="size-5" /> : <Menu aria-hidden className="size-5" />}
      </button>
      {open && (
        <nav id="mobile-nav" aria-label="Main menu" className="absolute inset-x-0 top-12 z-20 border-b border-line bg-surface px-2 py-2 shadow-lg">
          <Links links={links} path={path} />
        </nav>
      )}
    </div>
  );
}
