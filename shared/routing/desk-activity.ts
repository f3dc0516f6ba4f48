import type { AgentActivity } from "../events";
import type { AgentStatus, ChannelClass } from "./schemas";
import type { DeskState } from "./desk-types";
import { used } from "./desk-capacity";

/** What analytics counts of an agent's time: presence (a dropped console is offline), conversations held, load share. */
export type Presence = { status: AgentStatus; conversations: number; load: number; since: number };

const HOUR_MS = 3_600_000;

/**
 * The agents' activity intervals that ended at `t`: an interval ends when presence, the number of conversations
 * held or the load changes, and at the first command in a new hour, so occupancy of the current hour does not wait
 * for the agent's next change. Ids name the agent and the interval's start, so a resend is the same event. An agent
 * whose interval goes on keeps its `prev` entry (the same object), so the caller stores only the entries that changed.
 */
export function activityChanges(prev: Readonly<Record<string, Presence>>, s: DeskState, tenantId: string, t: number): { next: Record<string, Presence>; events: AgentActivity[] } {
  // The desk's load counts outstanding offers too; analytics wants the conversations actually held.
  const held = new Map<string, Record<ChannelClass, number>>();
  for (const a of Object.values(s.assignments)) {
    let h = held.get(a.agent_id);
    if (!h) held.set(a.agent_id, (h = { voice: 0, chat: 0, email: 0 }));
    h[a.class] += 1;
  }
  const next: Record<string, Presence> = {};
  const events: AgentActivity[] = [];
  for (const agent of Object.values(s.agents)) {
    const load = held.get(agent.id) ?? { voice: 0, chat: 0, email: 0 };
    const now: Omit<Presence, "since"> = {
      status: agent.disconnected_at !== null ? "offline" : agent.status,
      conversations: load.voice + load.chat + load.email,
      // Rounded so float noise is no change; capped because a claim by hand may exceed what routing would give.
      load: Math.round(Math.min(1, used({ ...agent, load }, s.config.settings)) * 1000) / 1000,
    };
    const before = prev[agent.id];
    const changed = !before || before.status !== now.status || before.conversations !== now.conversations || before.load !== now.load;
    const newHour = before && Math.floor(before.since / HOUR_MS) !== Math.floor(t / HOUR_MS);
    if (before && (changed || newHour) && t > before.since) {
      events.push({
        id: `evt_agent_${tenantId}_${agent.id}_${before.since}`,
        tenant_id: tenantId,
        type: "agent.status",
        occurred_at: t,
        agent_id: agent.id,
        team: agent.teams[0] ?? null,
        status: before.status,
        conversations: before.conversations,
        load: before.load,
        from: before.since,
        to: t,
        next_status: now.status,
      });
    }
    next[agent.id] = before && !changed && !newHour ? before : { ...now, since: t };
  }
  return { next, events };
}
