import { requirePageUser } from "@/lib/auth/guard";
import { Card } from "@/components/ui";
import { ChangePasswordForm } from "@/components/account/change-password";

export default async function AccountPage() {
  const me = await requirePageUser();
  return (
    <div className="flex flex-col gap-4">
      <Card title="My account">
        <dl className="grid grid-cols-[8rem_1fr] gap-y-1 text-sm">
          <dt className="text-muted">User</dt><dd>{me.username}</dd>
          <dt className="text-muted">Role</dt><dd>{me.role}</dd>
        </dl>
      </Card>
      <Card title="Change password"><ChangePasswordForm /></Card>
    </div>
  );
}
