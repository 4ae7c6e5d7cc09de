import Link from "next/link";
import type { ReactNode } from "react";
import { requirePageUser } from "@/lib/auth/guard";
import { logout } from "@/lib/actions/auth";
import { MobileNav, SideNav, type NavLink } from "@/components/layout/nav";
import { ThemeToggle } from "@/components/layout/theme-toggle";
import { Flash } from "@/components/ui/flash";

export const dynamic = "force-dynamic";

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const me = await requirePageUser();
  const links: NavLink[] = [
    { href: "/", label: "Overview" },
    { href: "/clusters", label: "Clusters" },
    { href: "/hosts", label: "Hosts" },
    { href: "/runs", label: "Runs" },
    { href: "/alerts", label: "Alerts" },
    ...(me.role === "admin"
      ? [{ href: "/admin/users", label: "Users" }, { href: "/admin/tokens", label: "API tokens" }, { href: "/admin/audit", label: "Audit log" }, { href: "/admin/instances", label: "Instances" }]
      : []),
    { href: "/account", label: "My account" },
  ];
  return (
    <div className="flex min-h-screen flex-col">
      <header className="relative flex h-12 shrink-0 items-center gap-3 border-b border-line bg-surface px-3">
        <MobileNav links={links} />
        <Link href="/" className="text-lg font-bold text-accent">Warren</Link>
        <div className="ml-auto flex min-w-0 items-center gap-2 text-sm">
          <span data-testid="whoami" className="truncate">{me.username} <span className="text-muted">({me.role})</span></span>
          <ThemeToggle />
          <form action={logout}><button className="whitespace-nowrap rounded-md px-2 py-1 text-muted hover:bg-surface-2 hover:text-fg">Log out</button></form>
        </div>
      </header>
      <div className="flex min-h-0 flex-1">
        <SideNav links={links} />
        <main className="min-w-0 flex-1 px-3 py-4 md:px-6 md:py-6"><div className="mx-auto max-w-6xl"><Flash />{children}</div></main>
      </div>
    </div>
  );
}
