import { redirect } from "next/navigation";
import { userCount } from "@/lib/auth/users";
import { currentPrincipal } from "@/lib/auth/guard";
import { LoginForm } from "./login-form";

export const dynamic = "force-dynamic";

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string; changed?: string }> }) {
  if ((await userCount()) === 0) redirect("/setup");
  if (await currentPrincipal()) redirect("/");
  const { next, changed } = await searchParams;
  return (
    <main className="mx-auto mt-24 max-w-sm px-4">
      <h1 className="mb-1 text-2xl font-semibold">Warren</h1>
      <p className="mb-6 text-sm text-muted">Log in to manage your RabbitMQ clusters.</p>
      <LoginForm next={typeof next === "string" ? next : "/"} notice={changed ? "Your password was changed: log in with the new one." : undefined} />
    </main>
  );
}
