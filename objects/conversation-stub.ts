import type { Conversation } from "./conversation";

type Rpc = Pick<Conversation, "create" | "get" | "history" | "post" | "act" | "ingest" | "delivery" | "queueStatus" | "systemNotice" | "insights" | "flag" | "facts" | "change" | "watermark">;

/**
 * The object's RPC surface with its declared return types: the values are plain JSON-shaped data,
 * which structured clone carries unchanged, but `unknown` metadata defeats the generated RPC types.
 */
export type ConversationStub = { [K in keyof Rpc]: (...args: Parameters<Rpc[K]>) => Promise<Awaited<ReturnType<Rpc[K]>>> } & {
  fetch(request: Request): Promise<Response>;
};

/** The one place a conversation object's name is derived: the tenant comes from credentials, never the client. */
export function conversationStub(env: Env, tenantId: string, conversationId: string): ConversationStub {
  return env.CONVERSATION.get(env.CONVERSATION.idFromName(`${tenantId}:${conversationId}`)) as unknown as ConversationStub;
}

export const ConversationIdPattern = /^cnv_[A-Za-z0-9_-]{8,64}$/;
