import { requirePageUser } from "@/lib/auth/guard";
import { listUsers } from "@/lib/auth/users";
import { Badge, Card, Forbidden, scrollable } from "@/components/ui";
import { Time } from "@/components/ui/time";
import { AddUserForm, DeleteUserButton, RoleSelect } from "@/components/admin/users";

export default async function UsersPage() {
  const me = await requirePageUser();
  if (me.role !== "admin") return <Forbidden need="admin" />;
  const users = await listUsers();
  return (
    <div className="flex min-w-0 flex-col gap-6">
      <Card title={`Users (${users.length})`}>
        <div className="overflow-x-auto" {...scrollable("Users table")}>
          <table className="w-full text-left text-sm" aria-label="Users">
            <thead className="text-muted"><tr><th className="py-1 font-normal">Username</th><th className="font-normal">Role</th><th className="font-normal">Created</th><th /></tr></thead>
            <tbody>{users.map((u) => (
              <tr key={u.id} className="border-t border-line" data-testid={`user-row-${u.username}`}>
                <td className="py-1.5">{u.username}{u.id === me.userId && <> <Badge tone="blue">you</Badge></>}</td>
                <td>{u.id === me.userId ? u.role : <RoleSelect id={u.id} name={u.username} role={u.role} />}</td>
                <td><Time date={u.createdAt} /></td>
                <td className="text-right">{u.id !== me.userId && <DeleteUserButton id={u.id} name={u.username} />}</td>
              </tr>
            ))}</tbody>
          </table>
        </div>
        <p className="mt-2 text-xs text-muted">Your own role and password: on <a className="text-accent underline" href="/account">your account page</a>.</p>
      </Card>
      <Card title="Add a user"><AddUserForm /></Card>
    </div>
  );
}
