import { redirect } from "next/navigation";
import { userCount } from "@/lib/auth/users";
import { SetupForm } from "./setup-form";

export const dynamic = "force-dynamic";

export default async function SetupPage() {
  if ((await userCount()) > 0) redirect("/login");
  return (
    <main className="mx-auto mt-24 max-w-sm px-4">
      <h1 className="mb-1 text-2xl font-semibold">Welcome to Warren</h1>
      <p className="mb-6 text-sm text-muted">No account exists yet. Create the admin account.</p>
      <SetupForm />
    </main>
  );
}
