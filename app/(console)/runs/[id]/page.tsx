import { notFound } from "next/navigation";
import { requirePageUser } from "@/lib/auth/guard";
import { roleAllows } from "@/lib/auth/roles";
import { runExists } from "@/lib/ops/service";
import { RunView } from "@/components/ops/run-view";

export default async function RunPage({ params }: { params: Promise<{ id: string }> }) {
  const me = await requirePageUser();
  const { id } = await params;
  if (!(await runExists(id))) notFound();
  return <RunView runId={id} canOperate={roleAllows(me.role, "operator")} />;
}
