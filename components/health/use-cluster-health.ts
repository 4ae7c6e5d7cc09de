"use client";
import { useQuery } from "@tanstack/react-query";
import type { ClusterHealth } from "@/lib/health/derive";

async function getJson<T>(url: string): Promise<T> {
  const r = await fetch(url, { cache: "no-store" });
  if (!r.ok) throw new Error(`${r.status}`);
  return r.json();
}

/** The cluster's live health, about once a second while the tab is visible (react-query pauses hidden tabs). */
export function useClusterHealth(clusterId: string) {
  return useQuery({
    queryKey: ["health", clusterId],
    queryFn: () => getJson<ClusterHealth>(`/api/v1/clusters/${clusterId}/health`),
    refetchInterval: 1000,
    refetchIntervalInBackground: false,
    staleTime: 0,
  });
}

export interface HistoryPoint { at: string; up: number; nodes: number; mem: Record<string, number>; messages: number | null; connections: number | null; backends: Record<string, { s: number; b: number }>; alarms: number }

export function useClusterHistory(clusterId: string, hours: number) {
  return useQuery({
    queryKey: ["history", clusterId, hours],
    queryFn: () => getJson<{ res: number; samples: HistoryPoint[] }>(`/api/v1/clusters/${clusterId}/health/history?hours=${hours}`),
    refetchInterval: 10_000,
    refetchIntervalInBackground: false,
  });
}

export interface TimelineEvent { alarmId: string; severity: string; subject: string; message: string; raisedAt: string; clearedAt: string | null }

export function useAlarmTimeline(clusterId: string) {
  return useQuery({
    queryKey: ["timeline", clusterId],
    queryFn: () => getJson<{ events: TimelineEvent[] }>(`/api/v1/clusters/${clusterId}/health/events`).then((r) => r.events),
    refetchInterval: 5000,
    refetchIntervalInBackground: false,
  });
}
