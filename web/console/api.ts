import { unwrap } from "../../sdk/rest";
import type { StateAction } from "../../shared/conversation-state";
import type { TransferTarget } from "../../shared/routing-config";
import { ConversationSnapshot } from "../../shared/events";
import { StandardMessage } from "../../shared/message";
import { api } from "../lib/session";

/** Every REST call the console makes, typed by the Worker's own routes through the one client. */

export const listConversations = (query: { status: string; limit: string; assignee_id?: string; q?: string }) => unwrap(api.v1.conversations.$get({ query }));
export type ConversationItem = Awaited<ReturnType<typeof listConversations>>["data"][number];

export const getConversation = async (id: string): Promise<ConversationSnapshot> => ConversationSnapshot.parse(await unwrap(api.v1.conversations[":id"].$get({ param: { id } })));

export async function messagesAfter(id: string, afterSeq: number, limit = 100): Promise<{ data: StandardMessage[]; next_after_seq: number | null }> {
  const page = await unwrap(api.v1.conversations[":id"].messages.$get({ param: { id }, query: { after_seq: String(afterSeq), limit: String(limit) } }));
  return { data: StandardMessage.array().parse(page.data), next_after_seq: page.next_after_seq };
}

/** The whole history, page by page (the conversation socket then continues from its last seq). */
export async function history(id: string): Promise<StandardMessage[]> {
  const out: StandardMessage[] = [];
  for (let after: number | null = 0; after !== null; ) {
    const page = await messagesAfter(id, after, 500);
    out.push(...page.data);
    after = page.next_after_seq;
  }
  return out;
}

export const changeState = (id: string, action: StateAction, extra: { note?: string; transfer_to?: TransferTarget } = {}) =>
  unwrap(api.v1.conversations[":id"].state.$post({ param: { id }, json: { action, ...extra } }));

export const insights = (id: string) => unwrap(api.v1.conversations[":id"].insights.$get({ param: { id } }));
export type ConversationInsights = Awaited<ReturnType<typeof insights>>;

export const assist = (id: string) => unwrap(api.v1.conversations[":id"].assist.$get({ param: { id } }));
export type Assist = Awaited<ReturnType<typeof assist>>;

export const contactProfile = (id: string) => unwrap(api.v1.contacts[":id"].$get({ param: { id } }));
export type ContactProfile = Awaited<ReturnType<typeof contactProfile>>;

export const listAgents = () => unwrap(api.v1.agents.$get({ query: { limit: "100" } }));
export type AgentItem = Awaited<ReturnType<typeof listAgents>>["data"][number];

export const routingConfig = () => unwrap(api.v1.routing.config.$get());

export const listNotes = (id: string) => unwrap(api.v1.conversations[":id"].notes.$get({ param: { id } }));
export const addNote = (id: string, body: string) => unwrap(api.v1.conversations[":id"].notes.$post({ param: { id }, json: { body } }));
export type Note = Awaited<ReturnType<typeof addNote>>;

export const searchCanned = (q: string) => unwrap(api.v1["canned-responses"].$get({ query: { ...(q ? { q } : {}), limit: "8" } }));
export type Canned = Awaited<ReturnType<typeof searchCanned>>["data"][number];
