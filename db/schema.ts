import type { AgentRouting } from "../shared/routing-config";
import type { WidgetConfig } from "../shared/widget-config";
import { sqliteTable, text, integer, real, index, uniqueIndex, primaryKey } from "drizzle-orm/sqlite-core";

/** D1: what is queried across conversations. Every row carries tenant_id; every query filters by it. */
export const tenants = sqliteTable("tenants", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  /** HMAC key for visitor identity verification; only used when identity_verification is on. */
  identitySecret: text("identity_secret").notNull(),
  identityVerification: integer("identity_verification", { mode: "boolean" }).notNull().default(false),
  allowedOrigins: text("allowed_origins", { mode: "json" }).$type<string[]>().notNull().default([]),
  /** The tenant's CRM customer lookup (R2.1), AES-GCM sealed like channel credentials: {url, token}. */
  crmLookup: text("crm_lookup"),
  /** Widget branding and behaviour (shared/widget-config.ts), public: served to anyone who embeds the widget. */
  widget: text("widget", { mode: "json" }).$type<WidgetConfig>(),
  createdAt: integer("created_at").notNull(),
});

export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    name: text("name").notNull(),
    /** SHA-256 of the key, hex. The key itself is shown once and never stored. */
    keyHash: text("key_hash").notNull(),
    prefix: text("prefix").notNull(),
    /** What the key may do (shared/api-scopes.ts); keys issued before scopes existed hold every scope. */
    scopes: text("scopes", { mode: "json" }).$type<string[]>().notNull().default(["*"]),
    createdAt: integer("created_at").notNull(),
    revokedAt: integer("revoked_at"),
  },
  (t) => [uniqueIndex("api_keys_hash").on(t.keyHash), index("api_keys_tenant").on(t.tenantId)],
);

export const agents = sqliteTable(
  "agents",
  {
    id: text("id").notNull(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    name: text("name").notNull(),
    email: text("email").notNull(),
    role: text("role", { enum: ["agent", "supervisor", "admin"] }).notNull().default("agent"),
    /** Routing profile (shared/routing/schemas.ts Agent): skills with proficiency, teams, languages, capacity. */
    routing: text("routing", { mode: "json" }).$type<AgentRouting>(),
    csat: real("csat"),
    /** PBKDF2-SHA256 (shared/password.ts format); null until a password is set, then magic links still work. */
    passwordHash: text("password_hash"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), uniqueIndex("agents_email").on(t.tenantId, t.email)],
);

/**
 * Console sign-in sessions. Each refresh rotates the token; the family id ties rotations together so a reused
 * (stolen) refresh token revokes the whole family. Only SHA-256 hashes of tokens are stored.
 */
export const agentSessions = sqliteTable(
  "agent_sessions",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    agentId: text("agent_id").notNull(),
    familyId: text("family_id").notNull(),
    tokenHash: text("token_hash").notNull(),
    expiresAt: integer("expires_at").notNull(),
    /** Set when this token was exchanged for its successor; presenting it again is reuse. */
    rotatedAt: integer("rotated_at"),
    revokedAt: integer("revoked_at"),
    userAgent: text("user_agent"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("agent_sessions_token").on(t.tokenHash), index("agent_sessions_family").on(t.familyId), index("agent_sessions_agent").on(t.tenantId, t.agentId)],
);

/** One-time sign-in codes (hashed), short-lived; consumed on first use. */
export const agentMagicLinks = sqliteTable(
  "agent_magic_links",
  {
    codeHash: text("code_hash").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    agentId: text("agent_id").notNull(),
    expiresAt: integer("expires_at").notNull(),
    usedAt: integer("used_at"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("agent_magic_links_agent").on(t.tenantId, t.agentId)],
);

/** Saved replies agents insert from the console; `shortcut` is typed after "/" in the composer. */
export const cannedResponses = sqliteTable(
  "canned_responses",
  {
    id: text("id").notNull(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    shortcut: text("shortcut").notNull(),
    title: text("title").notNull(),
    body: text("body").notNull(),
    language: text("language"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), uniqueIndex("canned_responses_shortcut").on(t.tenantId, t.shortcut)],
);

/** Private notes on a conversation: agents and supervisors see them, the customer never does. */
export const conversationNotes = sqliteTable(
  "conversation_notes",
  {
    id: text("id").notNull(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    conversationId: text("conversation_id").notNull(),
    authorId: text("author_id").notNull(),
    authorName: text("author_name").notNull(),
    body: text("body").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), index("conversation_notes_conversation").on(t.tenantId, t.conversationId, t.createdAt)],
);

export const contacts = sqliteTable(
  "contacts",
  {
    id: text("id").notNull(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    name: text("name"),
    email: text("email"),
    phone: text("phone"),
    /** The widget's or the tenant's own user id (identity-verified when the tenant requires it). */
    externalUserId: text("external_user_id"),
    /** Customer value (R2.1): the tenant's tier label and lifetime value, set through the API or a CRM sync. */
    tier: text("tier").notNull().default("standard"),
    lifetimeValue: real("lifetime_value").notNull().default(0),
    /** SHA-256 (hex) of an anonymous visitor's current widget resume token; the token itself is never stored. */
    resumeTokenHash: text("resume_token_hash"),
    /** Epoch ms after which the resume token no longer resumes; pushed forward on every use. */
    resumeExpiresAt: integer("resume_expires_at"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex("contacts_external_user").on(t.tenantId, t.externalUserId),
    uniqueIndex("contacts_resume_token").on(t.tenantId, t.resumeTokenHash),
    index("contacts_email").on(t.tenantId, t.email),
    index("contacts_phone").on(t.tenantId, t.phone),
  ],
);

/** Fed by domain events; may lag the conversation object by seconds. `rev` keeps the newest state. */
export const conversations = sqliteTable(
  "conversations",
  {
    id: text("id").notNull(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    channel: text("channel").notNull(),
    status: text("status").notNull(),
    contactId: text("contact_id").notNull(),
    assigneeId: text("assignee_id"),
    subject: text("subject"),
    externalThreadId: text("external_thread_id"),
    lastSeq: integer("last_seq").notNull(),
    lastMessageAt: integer("last_message_at"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    rev: integer("rev").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index("conversations_status").on(t.tenantId, t.status, t.updatedAt),
    index("conversations_contact").on(t.tenantId, t.contactId),
  ],
);

/** Append-only log of every domain event; the primary key makes redelivery a no-op. */
export const events = sqliteTable(
  "events",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull(),
    type: text("type").notNull(),
    conversationId: text("conversation_id").notNull(),
    rev: integer("rev").notNull(),
    payload: text("payload", { mode: "json" }).notNull(),
    occurredAt: integer("occurred_at").notNull(),
    receivedAt: integer("received_at").notNull(),
    /** The consumer pass that stored the row: only that pass adds the event's metrics to the rollups. */
    batch: text("batch"),
  },
  (t) => [index("events_tenant_time").on(t.tenantId, t.occurredAt), index("events_conversation").on(t.tenantId, t.conversationId, t.rev)],
);

/** A tenant's connection to a channel. Credentials are AES-GCM encrypted; declarative channels carry their spec. */
export const channels = sqliteTable(
  "channels",
  {
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    name: text("name").notNull(),
    configCiphertext: text("config_ciphertext").notNull(),
    spec: text("spec", { mode: "json" }),
    enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.name] })],
);

/** Links a provider identity (a WhatsApp number, a Telegram user, an e-mail address) to one contact. */
export const contactIdentities = sqliteTable(
  "contact_identities",
  {
    tenantId: text("tenant_id").notNull(),
    channel: text("channel").notNull(),
    externalId: text("external_id").notNull(),
    contactId: text("contact_id").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.channel, t.externalId] }), index("contact_identities_contact").on(t.tenantId, t.contactId)],
);

/** Provider message id → our message, for status callbacks that do not name the thread. */
export const providerMessages = sqliteTable(
  "provider_messages",
  {
    tenantId: text("tenant_id").notNull(),
    channel: text("channel").notNull(),
    providerMessageId: text("provider_message_id").notNull(),
    conversationId: text("conversation_id").notNull(),
    messageId: text("message_id").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.channel, t.providerMessageId] })],
);

/**
 * Signed one-time values of deliveries whose signature leaves the body out (WeChat plain mode), with the SHA-256 of
 * the body first seen under them: a second body under the same signature is a replay (workers/channels/replay.ts).
 * Rows are dead after `expires_at` (the end of the signature's validity window) and purged by the cron.
 */
export const webhookNonces = sqliteTable(
  "webhook_nonces",
  {
    tenantId: text("tenant_id").notNull(),
    channel: text("channel").notNull(),
    nonce: text("nonce").notNull(),
    bodyHash: text("body_hash").notNull(),
    expiresAt: integer("expires_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.channel, t.nonce] }), index("webhook_nonces_expiry").on(t.expiresAt)],
);

/** The authoritative routing configuration (settings, queues, calendars, rules); pushed to the desk on change. */
export const routingConfig = sqliteTable("routing_config", {
  tenantId: text("tenant_id").primaryKey().references(() => tenants.id),
  body: text("body", { mode: "json" }).notNull(),
  updatedAt: integer("updated_at").notNull(),
});

const rollupDims = {
  tenantId: text("tenant_id").notNull(),
  channel: text("channel").notNull(),
  queue: text("queue").notNull(),
  team: text("team").notNull(),
  agent: text("agent").notNull(),
  /** shared/analytics/contributions.ts METRIC; `bin` is a duration's bin (shared/analytics/bins.ts) or 0. */
  metric: text("metric").notNull(),
  bin: integer("bin").notNull(),
  n: integer("n").notNull(),
  total: real("total").notNull(),
};

/** Sums of every stored event's metric deltas per UTC hour; written by the events consumer with the event log. */
export const rollupHourly = sqliteTable("rollup_hourly", { ...rollupDims, hour: integer("hour").notNull() }, (t) => [
  primaryKey({ columns: [t.tenantId, t.hour, t.metric, t.channel, t.queue, t.team, t.agent, t.bin] }),
]);

/** The hourly rollups summed per local day of the tenant's time zone; rebuilt by the cron for days late events touched. */
export const rollupDaily = sqliteTable("rollup_daily", { ...rollupDims, day: text("day").notNull() }, (t) => [
  primaryKey({ columns: [t.tenantId, t.day, t.metric, t.channel, t.queue, t.team, t.agent, t.bin] }),
  // Unfiltered queries read only the cells summed over agents (workers/analytics/query.ts ALL_AGENTS).
  index("rollup_daily_agent").on(t.tenantId, t.agent, t.day),
]);

/** Hours whose rollups changed since the cron last rebuilt the days and patterns that contain them. */
export const rollupDirty = sqliteTable("rollup_dirty", { tenantId: text("tenant_id").notNull(), hour: integer("hour").notNull() }, (t) => [primaryKey({ columns: [t.tenantId, t.hour] })]);

/** One row per conversation: its newest facts (shared/analytics/facts.ts), first contact resolution once decided. */
export const analyticsConversations = sqliteTable(
  "analytics_conversations",
  {
    tenantId: text("tenant_id").notNull(),
    conversationId: text("conversation_id").notNull(),
    channel: text("channel").notNull(),
    contactId: text("contact_id").notNull(),
    status: text("status").notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    rev: integer("rev").notNull(),
    queue: text("queue"),
    team: text("team"),
    agent: text("agent"),
    intent: text("intent"),
    bot: integer("bot").notNull(),
    firstResponseMs: real("first_response_ms"),
    firstHumanResponseMs: real("first_human_response_ms"),
    answered: integer("answered").notNull(),
    abandoned: integer("abandoned").notNull(),
    waitMs: real("wait_ms").notNull(),
    handleMs: real("handle_ms").notNull(),
    transfers: integer("transfers").notNull(),
    reopens: integer("reopens").notNull(),
    agentsCount: integer("agents_count").notNull(),
    resolutions: integer("resolutions").notNull(),
    firstResolvedAt: integer("first_resolved_at"),
    agentsAtFirstResolution: integer("agents_at_first_resolution"),
    resolvedBy: text("resolved_by"),
    reopenedAt: integer("reopened_at"),
    endedAt: integer("ended_at"),
    csat: integer("csat"),
    nps: integer("nps"),
    /** 1 or 0 once the window after the first resolution has passed; null before. */
    fcr: integer("fcr"),
    /** A late event changed a conversation whose first contact resolution was already decided: decide again. */
    fcrDirty: integer("fcr_dirty").notNull().default(0),
    receivedAt: integer("received_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.conversationId] }),
    index("analytics_conversations_created").on(t.tenantId, t.createdAt),
    index("analytics_conversations_contact").on(t.tenantId, t.contactId, t.createdAt),
    index("analytics_conversations_resolved").on(t.tenantId, t.firstResolvedAt),
    index("analytics_conversations_received").on(t.tenantId, t.receivedAt),
  ],
);

/** Behaviour patterns per local day (contact reasons, heat map, channel mix, repeat contact, containment by intent). */
export const analyticsPatterns = sqliteTable(
  "analytics_patterns",
  { tenantId: text("tenant_id").notNull(), day: text("day").notNull(), kind: text("kind").notNull(), key: text("key").notNull(), n: integer("n").notNull(), total: real("total").notNull() },
  (t) => [primaryKey({ columns: [t.tenantId, t.day, t.kind, t.key] })],
);

/** A tenant's analytics settings (shared/analytics/settings.ts) and where its cron run stands. */
export const analyticsSettings = sqliteTable("analytics_settings", {
  tenantId: text("tenant_id").primaryKey(),
  body: text("body", { mode: "json" }).notNull(),
  /** The cron's last pass over this tenant (epoch ms): conversations received since then may touch decided windows. */
  lastRunAt: integer("last_run_at").notNull().default(0),
  updatedAt: integer("updated_at").notNull(),
});

/** Orders the tenant reports, for conversion after a conversation. */
export const analyticsOrders = sqliteTable(
  "analytics_orders",
  {
    tenantId: text("tenant_id").notNull(),
    orderId: text("order_id").notNull(),
    contactId: text("contact_id").notNull(),
    conversationId: text("conversation_id"),
    amount: real("amount").notNull(),
    currency: text("currency").notNull(),
    orderedAt: integer("ordered_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.orderId] }), index("analytics_orders_contact").on(t.tenantId, t.contactId, t.orderedAt)],
);

/**
 * Outgoing webhook endpoints, for listing and for matching events to endpoints. The signing secret and the delivery
 * log live in the endpoint's Durable Object (objects/webhook-endpoint.ts), which also disables the row here.
 */
export const webhookEndpoints = sqliteTable(
  "webhook_endpoints",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull(),
    url: text("url").notNull(),
    description: text("description"),
    events: text("events", { mode: "json" }).$type<string[]>().notNull(),
    enabled: integer("enabled", { mode: "boolean" }).notNull(),
    disabledAt: integer("disabled_at"),
    disabledReason: text("disabled_reason"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("webhook_endpoints_tenant").on(t.tenantId, t.createdAt, t.id)],
);

/**
 * Idempotency-Key records (workers/http/idempotency.ts): the first response to a creating POST, replayed to repeats
 * for 24 h. `status` is null while the first request is still running; `lock` names the request that holds the row.
 */
export const idempotencyKeys = sqliteTable(
  "idempotency_keys",
  {
    /** Who asked and where: principal scope, method and path. */
    scope: text("scope").notNull(),
    key: text("key").notNull(),
    /** SHA-256 of method, path and body, hex: the same key with another request is refused. */
    fingerprint: text("fingerprint").notNull(),
    lock: text("lock").notNull(),
    status: integer("status"),
    headers: text("headers", { mode: "json" }).$type<Record<string, string>>(),
    /** The response body sealed under CHANNEL_KEY (shared/sealing.ts): it may hold a secret shown once. */
    body: text("body"),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.key] }), index("idempotency_keys_expires").on(t.expiresAt)],
);

/**
 * The audit log of configuration changes (workers/http/audit.ts): who changed what and when, with the request's
 * body as sent minus secrets. Written after the change succeeded; read through GET /v1/audit-log.
 */
export const auditLog = sqliteTable(
  "audit_log",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull(),
    at: integer("at").notNull(),
    actorKind: text("actor_kind", { enum: ["api", "agent", "operator"] }).notNull(),
    actorId: text("actor_id").notNull(),
    actorName: text("actor_name"),
    /** e.g. "PUT /v1/routing/config": the method and the route's pattern. */
    action: text("action").notNull(),
    /** The route's first path parameter (the changed object's id or name), when it has one. */
    target: text("target"),
    status: integer("status").notNull(),
    requestId: text("request_id").notNull(),
    changes: text("changes", { mode: "json" }).$type<unknown>(),
  },
  (t) => [index("audit_log_tenant").on(t.tenantId, t.at, t.id)],
);

/**
 * Tickets (R5.4): a conversation, or an API caller, opens one; the TICKETS queue creates it in the tenant's external
 * system when a connector is configured and emits ticket.* events (webhooks) off the request path.
 */
export const tickets = sqliteTable(
  "tickets",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull(),
    conversationId: text("conversation_id"),
    contactId: text("contact_id"),
    subject: text("subject").notNull(),
    description: text("description"),
    priority: text("priority", { enum: ["low", "normal", "high", "urgent"] }).notNull(),
    status: text("status", { enum: ["open", "pending", "on_hold", "solved", "closed"] }).notNull(),
    assigneeId: text("assignee_id"),
    dueAt: integer("due_at"),
    /** The ticket in the external system, once the connector created it. */
    externalId: text("external_id"),
    externalUrl: text("external_url"),
    syncStatus: text("sync_status", { enum: ["pending", "synced", "failed", "local"] }).notNull(),
    syncError: text("sync_error"),
    /** Bumped by every change; queue messages carry it so a redelivered stale change is not applied twice. */
    version: integer("version").notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    index("tickets_tenant").on(t.tenantId, t.updatedAt, t.id),
    uniqueIndex("tickets_conversation").on(t.tenantId, t.conversationId),
    // The cron's sweep for tickets whose external creation is still owed (workers/tickets-sweep.ts).
    index("tickets_sync").on(t.syncStatus, t.updatedAt),
  ],
);
