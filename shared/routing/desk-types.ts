import { z } from "zod";
import type { Agent, AgentStatus, Calendar, ChannelClass, DeskSettings, Queue, RequiredSkill, Target, Task } from "./schemas";
import type { Breakdown, OverflowReason } from "./breakdown";

export type { Breakdown, OverflowReason };

export type TransferTo = { kind: "agent"; agent_id: string } | { kind: "team"; team: string } | { kind: "queue"; queue_id: string };
export type TransferNote = { at: number; from_agent_id: string | null; to: TransferTo; note: string };

export type AgentState = Agent & {
  /** Assignments plus outstanding offers, per channel class. */
  load: Record<ChannelClass, number>;
  /** When the agent last gained room or became available: FIFO and ties prefer the longest idle. */
  idle_since: number;
  /** The console socket dropped at this time; null while connected (or never known to be connected). */
  disconnected_at: number | null;
};

export type Waiting = {
  task: Task;
  /** The queue as it was when the conversation entered it, so configuration changes never strand it. */
  queue: Queue;
  class: ChannelClass;
  requirements: RequiredSkill[];
  enqueued_at: number;
  /** Nothing is offered before this instant (the queue's calendar opens). */
  not_before: number;
  /** First-response deadline; null once an agent has answered (after a transfer). */
  sla_due: number | null;
  sla_warned: boolean;
  sla_breached: boolean;
  /** Priority added by escalation. */
  bump: number;
  targets: Target[];
  target: number;
  target_since: number;
  /** Why the contact moved to its current target (absent: still its first, or stored before reasons were kept). */
  target_reason?: OverflowReason;
  /** Agents who rejected or missed this conversation (or handed it over), and until when they are skipped. */
  declined: Record<string, number>;
  offer_id: string | null;
  transfers: number;
  notes: TransferNote[];
  /** Last queue position and estimate sent to the customer, to send only changes. */
  position: number | null;
  estimate_s: number | null;
};

export type Offer = {
  offer_id: string;
  conversation_id: string;
  agent_id: string;
  class: ChannelClass;
  offered_at: number;
  expires_at: number;
  breakdown: Breakdown;
};

export type Assignment = {
  conversation_id: string;
  agent_id: string;
  class: ChannelClass;
  queue: Queue;
  task: Task;
  assigned_at: number;
  transfers: number;
  notes: TransferNote[];
  breakdown: Breakdown;
};

/** A queue's recent traffic: arrivals per minute (the last hour), handle times and queue exits. */
export type QueueStats = {
  arrivals: [minute: number, count: number][];
  handle_ms: number[];
  settled: { waited_ms: number; abandoned: boolean }[];
};

export type DeskConfig = { settings: DeskSettings; queues: Record<string, Queue>; calendars: Record<string, Calendar> };

export type DeskState = {
  config: DeskConfig;
  agents: Record<string, AgentState>;
  waiting: Record<string, Waiting>;
  offers: Record<string, Offer>;
  assignments: Record<string, Assignment>;
  /** Source of offer ids. */
  seq: number;
  /** Round-robin cursor: the agent chosen last. */
  rr_last: string | null;
  /** Recent handle times per class (newest last), for estimated waits. */
  handle_ms: Record<ChannelClass, number[]>;
  /** How recent contacts left the queue, per class (newest last): observed patience for estimates (desk-estimates.ts). */
  settled: Record<ChannelClass, { waited_ms: number; abandoned: boolean }[]>;
  /** Per queue, what the staffing estimate can use when no rates are given (desk-estimates.ts observeQueue). */
  queue_stats: Record<string, QueueStats>;
  /** The timer the last settle reported; until then nothing is due (desk-settle.ts settleIfDue). Absent: unknown. */
  quiet_until?: number | null;
  /** Per pool key and class, the last arrival to a protecting queue, for scarce pools' forecast demand (desk-scarcity.ts). */
  last_arrival: Record<string, Partial<Record<ChannelClass, number>>>;
};


export const WaitReason = z.enum(["offered", "out_of_hours", "no_staffed_agent", "declined_by_all", "agents_busy"]);
export type WaitReason = z.infer<typeof WaitReason>;

export type Effect =
  | { type: "queued"; conversation_id: string; queue_id: string; target: Target["kind"] }
  | { type: "offer"; offer_id: string; conversation_id: string; agent_id: string; queue_id: string; expires_at: number; breakdown: Breakdown }
  | { type: "offer_expired"; offer_id: string; conversation_id: string; agent_id: string }
  | {
      type: "offer_revoked";
      offer_id: string;
      conversation_id: string;
      agent_id: string;
      reason: "rejected" | "agent_unavailable" | "abandoned" | "resolved" | "transferred";
    }
  | {
      type: "assigned";
      offer_id: string;
      conversation_id: string;
      agent_id: string;
      queue_id: string;
      waited_ms: number;
      transfers: number;
      notes: TransferNote[];
      breakdown: Breakdown;
    }
  | { type: "transferred"; conversation_id: string; from_agent_id: string | null; to: TransferTo; note: string }
  | { type: "resolved"; conversation_id: string; agent_id: string | null; handle_ms: number | null }
  | { type: "abandoned"; conversation_id: string; queue_id: string; waited_ms: number }
  | { type: "queue_position"; conversation_id: string; queue_id: string; position: number; estimated_wait_s: number | null }
  | { type: "overflow"; conversation_id: string; queue_id: string; from: number; to: number; reason: OverflowReason }
  | { type: "sla_warning"; conversation_id: string; queue_id: string; due_at: number }
  | { type: "sla_breach"; conversation_id: string; queue_id: string; due_at: number; priority: number }
  | { type: "supervisor_alert"; conversation_id: string; queue_id: string; reason: "sla_breach" }
  | { type: "out_of_hours"; conversation_id: string; queue_id: string; message: string | null; opens_at: number | null }
  | { type: "agent_status"; agent_id: string; status: AgentStatus; reason: "set" | "missed_offer" | "disconnected" }
  | { type: "invalid"; action: string; reason: string }
  /** The earliest pending deadline; the Durable Object sets its alarm here (null: none). */
  | { type: "timer"; at: number | null };

export type DeskInit = {
  settings?: Partial<DeskSettings>;
  queues?: readonly Queue[];
  calendars?: readonly Calendar[];
  agents?: readonly Agent[];
};

/** What a conversation keeps when it re-enters a queue: a fresh SLA clock, none (already answered), or the running one. */
export type Carried = {
  sla: "start" | "none" | Pick<Waiting, "sla_due" | "sla_warned" | "sla_breached" | "bump">;
  transfers: number;
  notes: TransferNote[];
  declined: Record<string, number>;
};
