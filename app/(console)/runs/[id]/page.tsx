import { notFound } from "next/navigation";
import { requirePageUser } from "@/lib/auth/guard";
import { roleAllows } from "@/lib/auth/roles";
import { db } from "@/lib/db";
import { RunView } from "@/components/ops/run-view";

export default async function RunPage({ params }: { params: Promise<{ id: string }> }) {
  const me = await requirePageUser();
  const { id } = await params;
  if (!(await db().run.findUnique({ where: { id }, select: { id: true } }))) notFound();
  return <RunView runId={id} canOperate={roleAllows(me.role, "operator")} />;
}
