import Link from "next/link";
import type { ReactNode } from "react";
import { requirePageUser } from "@/lib/auth/guard";
import { logout } from "@/lib/actions/auth";

export const dynamic = "force-dynamic";

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const me = await requirePageUser();
  const links = [
    { href: "/", label: "Overview" },
    { href: "/clusters", label: "Clusters" },
    { href: "/hosts", label: "Hosts" },
    ...(me.role === "admin"
      ? [{ href: "/admin/users", label: "Users" }, { href: "/admin/tokens", label: "API tokens" }, { href: "/admin/audit", label: "Audit log" }]
      : []),
  ];
  return (
    <div className="min-h-screen">
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-6xl items-center gap-6 px-4 py-3">
          <Link href="/" className="text-lg font-bold text-orange-700">Warren</Link>
          <nav className="flex gap-4 text-sm" aria-label="Main">
            {links.map((l) => <Link key={l.href} href={l.href} className="text-slate-700 hover:text-orange-700">{l.label}</Link>)}
          </nav>
          <div className="ml-auto flex items-center gap-3 text-sm">
            <span data-testid="whoami">{me.username} <span className="text-slate-500">({me.role})</span></span>
            <form action={logout}><button className="text-slate-600 underline hover:text-slate-900">Log out</button></form>
          </div>
        </div>
      </header>
      <main className="mx-auto max-w-6xl px-4 py-6">{children}</main>
    </div>
  );
}
