import { z } from "zod";
import { useEffect, useState } from "preact/hooks";
import { paginate, unwrap } from "../../sdk/rest";
import type { AgentSkill, Queue } from "../../shared/routing/schemas";
import { api } from "../lib/session";

/**
 * Names for the ids the desk and analytics answer with: agents, queues and customers. Lists are read once per page
 * load (and again on demand); customers are looked up one by one, as they appear, and remembered.
 */

const ContactRef = z.object({ id: z.string(), name: z.string().nullable().optional(), email: z.string().nullable().optional(), phone: z.string().nullable().optional() });
export type ContactRef = z.infer<typeof ContactRef>;

/** The index's list items as this page reads them; `contact` is the customer the list joins in. */
export const ListedConversation = z.object({
  id: z.string(),
  channel: z.string(),
  status: z.string(),
  contact_id: z.string(),
  assignee_id: z.string().nullable(),
  subject: z.string().nullable(),
  created_at: z.number(),
  updated_at: z.number(),
  contact: ContactRef.nullable().optional(),
});
export type ListedConversation = z.infer<typeof ListedConversation>;
const ConversationList = z.object({ data: z.array(ListedConversation), next_cursor: z.string().nullable() });

export type AgentEntry = { id: string; name: string; email: string; role: string; skills: AgentSkill[] };
export type QueueEntry = Pick<Queue, "id" | "name" | "required_skills" | "sla_first_response_s">;
export type Directory = {
  agents: AgentEntry[];
  agentName: (id: string | null) => string;
  queues: QueueEntry[];
  queueName: (id: string | null) => string;
  warnRatio: number;
};

/** The desk's default SLA warning point (shared/routing/schemas.ts DeskSettings). */
const DEFAULT_WARN_RATIO = 0.8;

async function loadDirectory(): Promise<Directory> {
  const agents: AgentEntry[] = [];
  for await (const a of paginate((cursor) => api.v1.agents.$get({ query: { limit: "100", ...(cursor ? { cursor } : {}) } }))) {
    agents.push({ id: a.id, name: a.name, email: a.email, role: a.role, skills: a.routing?.skills ?? [] });
  }
  const config = await unwrap(api.v1.routing.config.$get());
  // A tenant without queues routes everything to the desk's default queue (shared/routing-config.ts queuesOf).
  const queues: QueueEntry[] = config.queues.length ? config.queues : [{ id: "default", name: "Default", required_skills: [], sla_first_response_s: 60 }];
  const agentNames = new Map(agents.map((a) => [a.id, a.name]));
  const queueNames = new Map(queues.map((q) => [q.id, q.name]));
  return {
    agents,
    agentName: (id) => (id === null ? "Unassigned" : (agentNames.get(id) ?? "Former agent")),
    queues,
    queueName: (id) => (id === null ? "No queue" : (queueNames.get(id) ?? id)),
    warnRatio: config.settings.sla_warning_ratio ?? DEFAULT_WARN_RATIO,
  };
}

export type Loaded<T> = { state: "loading" } | { state: "error"; message: string } | { state: "ready"; value: T };

export const errorText = (err: unknown) => (err instanceof Error ? err.message : "Something went wrong.");

let shared: Promise<Directory> | null = null;

/** Agents and queues, shared by every page; `reload` reads them again (after an admin change, say). */
export function useDirectory(): Loaded<Directory> & { reload: () => void } {
  const [value, setValue] = useState<Loaded<Directory>>({ state: "loading" });
  const [round, setRound] = useState(0);
  useEffect(() => {
    let live = true;
    if (round > 0 || !shared) shared = loadDirectory();
    const pending = shared;
    pending.then(
      (d) => live && setValue({ state: "ready", value: d }),
      (err: unknown) => {
        if (shared === pending) shared = null;
        if (live) setValue({ state: "error", message: errorText(err) });
      },
    );
    return () => {
      live = false;
    };
  }, [round]);
  return { ...value, reload: () => setRound((r) => r + 1) };
}

/** Index list items of one status, newest activity first (up to the list's page size). */
export async function listConversations(status: "queued" | "assigned"): Promise<ListedConversation[]> {
  return ConversationList.parse(await unwrap(api.v1.conversations.$get({ query: { status, limit: "100" } }))).data;
}

const contacts = new Map<string, Promise<ContactRef | null>>();

/** A customer by id, through the conversation list (which names each item's customer); null when unknown. */
export function contactOf(contactId: string): Promise<ContactRef | null> {
  let pending = contacts.get(contactId);
  if (!pending) {
    pending = unwrap(api.v1.conversations.$get({ query: { contact_id: contactId, limit: "1" } }))
      .then((body) => ConversationList.parse(body).data[0]?.contact ?? null);
    pending.catch(() => contacts.delete(contactId));
    contacts.set(contactId, pending);
  }
  return pending;
}

/** Customers of the ids given, as they arrive; a failed lookup leaves the fallback label. */
export function useContacts(ids: readonly string[]): ReadonlyMap<string, ContactRef> {
  const [known, setKnown] = useState<ReadonlyMap<string, ContactRef>>(new Map());
  const key = [...new Set(ids)].sort().join(",");
  useEffect(() => {
    let live = true;
    for (const id of new Set(ids)) {
      contactOf(id).then(
        (c) => live && c && setKnown((m) => (m.get(id) === c ? m : new Map(m).set(id, c))),
        () => undefined,
      );
    }
    return () => {
      live = false;
    };
  }, [key]);
  return known;
}
