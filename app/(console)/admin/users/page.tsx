import { requirePageUser } from "@/lib/auth/guard";
import { listUsers } from "@/lib/auth/users";
import { Card, Forbidden } from "@/components/ui";
import { AddUserForm, DeleteUserButton } from "@/components/admin/users";

export default async function UsersPage() {
  const me = await requirePageUser();
  if (me.role !== "admin") return <Forbidden need="admin" />;
  const users = await listUsers();
  return (
    <div className="flex flex-col gap-6">
      <Card title="Users">
        <table className="w-full text-left text-sm">
          <thead className="text-slate-500"><tr><th>Username</th><th>Role</th><th>Created</th><th /></tr></thead>
          <tbody>{users.map((u) => (
            <tr key={u.id} className="border-t border-slate-100"><td className="py-1">{u.username}</td><td>{u.role}</td><td>{u.createdAt.toISOString().slice(0, 16)}</td>
              <td className="text-right">{u.id !== me.userId && <DeleteUserButton id={u.id} name={u.username} />}</td></tr>
          ))}</tbody>
        </table>
      </Card>
      <Card title="Add a user"><AddUserForm /></Card>
    </div>
  );
}
