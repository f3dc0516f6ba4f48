import { z } from "zod";
import type { OpenAPIHono } from "@hono/zod-openapi";
import { securitySchemes } from "./http/route";
import { CreateTenant } from "./routes/admin";
import { CreateAgent } from "./routes/agents";
import { PutChannel } from "./routes/channels";
import { UpdateContact } from "./routes/contacts";
import { ChangeState, CreateConversation, HistoryQuery, ListQuery, PostMessage } from "./routes/conversations";
import { UpdateTenant } from "./routes/tenant";
import { StartConversation, StartSession } from "./routes/widget";
import { StaffingQuery } from "./routes/routing";
import { BulkImport, CreateEntry, CreateLink, Entry, Graph, GraphQuery, Link, ListQuery as KbListQuery, SearchQuery, SearchResponse, UpdateEntry } from "../shared/kb/schemas";
import { EntitiesInput, ImportSessions, PredictInput, TextInput, TrainIntents } from "./routes/nlp";
import { ReportOutcome } from "./routes/bot";
import { ReportBehaviour } from "./routes/widget";
import { BotConfig, BotConfigPatch } from "../shared/bot/config";
import { NlpSettings } from "../shared/nlp/settings";
import { AgentRouting, RoutingConfig } from "../shared/routing-config";
import { AgentStatus } from "../shared/routing/schemas";
import { ConversationSnapshot } from "../shared/events";
import { StandardMessage } from "../shared/message";
import { AnalyticsTimeseries, BusinessQuery, ConversationsQuery, ReportOrders, SummaryQuery, TimeseriesQuery } from "./routes/analytics";
import { AnalyticsSummary } from "../shared/analytics/summary";
import { ConversationLive } from "../shared/analytics/live";
import { AnalyticsSettings } from "../shared/analytics/settings";

type Auth = "operator" | "apiKey" | "agent" | "visitor" | "none";
type Op = { method: "get" | "post" | "put" | "patch" | "delete"; path: string; summary: string; auth: Auth[]; body?: z.ZodType; query?: z.ZodObject; response?: z.ZodType; status?: number };

/** Every REST operation, with the same zod schemas the routes validate with: the contract cannot drift. */
export const OPERATIONS: Op[] = [
  { method: "get", path: "/v1/analytics/summary", summary: "Headline metrics of a period (JSON, or CSV by Accept: text/csv or ?format=csv)", auth: ["apiKey", "agent"], query: SummaryQuery, response: AnalyticsSummary },
  { method: "get", path: "/v1/analytics/timeseries", summary: "The summary per hour, day or week", auth: ["apiKey", "agent"], query: TimeseriesQuery, response: AnalyticsTimeseries },
  { method: "get", path: "/v1/analytics/agents", summary: "The summary per agent", auth: ["apiKey", "agent"], query: SummaryQuery },
  { method: "get", path: "/v1/analytics/queues", summary: "The summary per queue", auth: ["apiKey", "agent"], query: SummaryQuery },
  { method: "get", path: "/v1/analytics/channels", summary: "The summary per channel", auth: ["apiKey", "agent"], query: SummaryQuery },
  { method: "get", path: "/v1/analytics/intents", summary: "Contact reasons by intent with bot containment", auth: ["apiKey", "agent"], query: SummaryQuery },
  { method: "get", path: "/v1/analytics/patterns", summary: "Behaviour patterns: day-of-week × hour heat map, channel mix, intents by day, repeat contact, containment by intent", auth: ["apiKey", "agent"], query: SummaryQuery },
  { method: "get", path: "/v1/analytics/conversations", summary: "One row per conversation with its metrics (cursor pages; CSV export)", auth: ["apiKey", "agent"], query: ConversationsQuery },
  { method: "get", path: "/v1/analytics/business", summary: "Response time before/after, routing right-first-time, conversion from reported orders", auth: ["apiKey", "agent"], query: BusinessQuery },
  { method: "post", path: "/v1/analytics/orders", summary: "Report orders (idempotent by order_id) for conversion", auth: ["apiKey"], body: ReportOrders },
  { method: "get", path: "/v1/analytics/settings", summary: "Analytics settings: time zone, FCR window, service-level thresholds, surveys, retention", auth: ["apiKey", "agent"], response: AnalyticsSettings },
  { method: "put", path: "/v1/analytics/settings", summary: "Replace the analytics settings", auth: ["apiKey"], body: AnalyticsSettings, response: AnalyticsSettings },
  { method: "post", path: "/v1/admin/tenants", summary: "Create a tenant; returns its API key once", auth: ["operator"], body: CreateTenant, status: 201 },
  { method: "post", path: "/v1/admin/tenants/{id}/api-keys", summary: "Issue another API key for a tenant", auth: ["operator"], status: 201 },
  { method: "get", path: "/v1/tenant", summary: "The calling tenant's settings", auth: ["apiKey"] },
  { method: "patch", path: "/v1/tenant", summary: "Change tenant settings (origins, identity verification, CRM lookup)", auth: ["apiKey"], body: UpdateTenant },
  { method: "post", path: "/v1/agents", summary: "Create an agent", auth: ["apiKey"], body: CreateAgent, status: 201 },
  { method: "get", path: "/v1/agents", summary: "List agents", auth: ["apiKey", "agent"] },
  { method: "put", path: "/v1/agents/{id}/routing", summary: "Set an agent's skills, teams, languages and capacity", auth: ["apiKey"], body: AgentRouting },
  { method: "put", path: "/v1/agents/{id}/status", summary: "Set an agent's presence", auth: ["apiKey", "agent"], body: z.object({ status: AgentStatus }) },
  { method: "post", path: "/v1/agents/{id}/token", summary: "Mint a short-lived agent token", auth: ["apiKey"], status: 201 },
  { method: "post", path: "/v1/widget/session", summary: "Start a visitor session", auth: ["none"], body: StartSession, status: 201 },
  { method: "post", path: "/v1/widget/conversations", summary: "Start a conversation as the visitor", auth: ["visitor"], body: StartConversation, response: ConversationSnapshot, status: 201 },
  { method: "post", path: "/v1/conversations", summary: "Create a conversation for a contact", auth: ["apiKey"], body: CreateConversation, response: ConversationSnapshot, status: 201 },
  { method: "get", path: "/v1/conversations", summary: "List conversations from the index", auth: ["apiKey", "agent"], query: ListQuery },
  { method: "get", path: "/v1/conversations/{id}", summary: "A conversation's exact state", auth: ["apiKey", "agent", "visitor"], response: ConversationSnapshot },
  { method: "get", path: "/v1/conversations/{id}/messages", summary: "Page a conversation's messages", auth: ["apiKey", "agent", "visitor"], query: HistoryQuery },
  { method: "post", path: "/v1/conversations/{id}/messages", summary: "Post a message (idempotent by client_msg_id)", auth: ["apiKey", "agent", "visitor"], body: PostMessage, response: StandardMessage, status: 201 },
  { method: "post", path: "/v1/conversations/{id}/state", summary: "Queue, assign, transfer, resolve, reopen or close", auth: ["apiKey", "agent", "visitor"], body: ChangeState, response: ConversationSnapshot },
  { method: "get", path: "/v1/conversations/{id}/routing", summary: "Routing decisions and their score breakdowns", auth: ["apiKey", "agent"] },
  { method: "get", path: "/v1/conversations/{id}/ws", summary: "WebSocket for a conversation (?token=&last_seq=)", auth: ["agent", "visitor"], status: 101 },
  { method: "get", path: "/v1/contacts/{id}", summary: "A customer with identities, conversations, last intents and sentiment", auth: ["apiKey", "agent"] },
  { method: "patch", path: "/v1/contacts/{id}", summary: "Update a customer's details and value", auth: ["apiKey"], body: UpdateContact },
  { method: "get", path: "/v1/channels", summary: "Connected channels (credentials never returned)", auth: ["apiKey"] },
  { method: "put", path: "/v1/channels/{name}", summary: "Connect or reconfigure a channel", auth: ["apiKey"], body: PutChannel },
  { method: "delete", path: "/v1/channels/{name}", summary: "Disconnect a channel", auth: ["apiKey"], status: 204 },
  { method: "get", path: "/v1/routing/config", summary: "Routing configuration", auth: ["apiKey", "agent"], response: RoutingConfig },
  { method: "put", path: "/v1/routing/config", summary: "Replace the routing configuration", auth: ["apiKey"], body: RoutingConfig, response: RoutingConfig },
  { method: "get", path: "/v1/routing/desk", summary: "Live desk: agents, waiting conversations, offers", auth: ["apiKey", "agent"] },
  { method: "get", path: "/v1/routing/staffing", summary: "Staffing estimate for a queue (Erlang C, or Erlang A given patience)", auth: ["apiKey", "agent"], query: StaffingQuery },
  { method: "get", path: "/v1/routing/desk/ws", summary: "Agent console desk socket (offers, presence)", auth: ["agent"], status: 101 },
  { method: "get", path: "/v1/media/telegram/{fileId}", summary: "Telegram media, proxied without the bot token", auth: ["apiKey", "agent"] },
  { method: "get", path: "/v1/media/whatsapp/{mediaId}", summary: "WhatsApp media, resolved and proxied without the access token", auth: ["apiKey", "agent"] },
  { method: "get", path: "/v1/media/wechat/{mediaId}", summary: "WeChat media (images, voice, video), fetched and proxied without the access token", auth: ["apiKey", "agent"] },
  { method: "get", path: "/v1/media/slack/{fileId}", summary: "Slack files (Slack Connect ones too), resolved with files.info and proxied without the bot token", auth: ["apiKey", "agent"] },
  { method: "get", path: "/v1/media/line/{messageId}", summary: "LINE message content (images, video, audio, files), proxied without the channel access token", auth: ["apiKey", "agent"] },
  { method: "get", path: "/v1/conversations/{id}/metrics", summary: "Live metrics: waiting since, first response due, holding so far", auth: ["apiKey", "agent"], response: ConversationLive },
  { method: "get", path: "/v1/conversations/{id}/insights", summary: "Intent, sentiment trend, entities, handoff reason and quality flags", auth: ["apiKey", "agent"] },
  { method: "get", path: "/v1/conversations/{id}/assist", summary: "Agent assist: knowledge entries and a suggested reply for the latest customer message", auth: ["apiKey", "agent"] },
  { method: "post", path: "/v1/widget/events", summary: "Report the visitor's behaviour (page, product, cart, checkout, order, help); answers with a predicted intent and greeting", auth: ["visitor"], body: ReportBehaviour },
  { method: "get", path: "/v1/nlp/intents", summary: "The tenant's intent training set and model version", auth: ["apiKey", "agent"] },
  { method: "put", path: "/v1/nlp/intents", summary: "Replace the intent training set and train", auth: ["apiKey"], body: TrainIntents },
  { method: "post", path: "/v1/nlp/intent", summary: "Classify a message's intent (texts over 4,000 characters: 413)", auth: ["apiKey", "agent"], body: TextInput },
  { method: "post", path: "/v1/nlp/sentiment", summary: "Sentiment of a message: label and score in −1…1", auth: ["apiKey", "agent"], body: TextInput },
  { method: "post", path: "/v1/nlp/entities", summary: "Entities: e-mail, phone, order id, money, date, product", auth: ["apiKey", "agent"], body: EntitiesInput },
  { method: "post", path: "/v1/nlp/analyze", summary: "Language, intent, sentiment and entities at once", auth: ["apiKey", "agent"], body: EntitiesInput },
  { method: "get", path: "/v1/nlp/settings", summary: "NLP settings (time zone, order-number patterns)", auth: ["apiKey", "agent"], response: NlpSettings },
  { method: "put", path: "/v1/nlp/settings", summary: "Replace the NLP settings", auth: ["apiKey"], body: NlpSettings, response: NlpSettings },
  { method: "post", path: "/v1/nlp/sessions", summary: "Import past behaviour sessions with their intents and retrain the predictive model", auth: ["apiKey"], body: ImportSessions, status: 201 },
  { method: "post", path: "/v1/nlp/predict", summary: "Predict the intent of a behaviour sequence", auth: ["apiKey", "agent"], body: PredictInput },
  { method: "get", path: "/v1/bot/config", summary: "The bot's configuration", auth: ["apiKey", "agent"], response: BotConfig },
  { method: "patch", path: "/v1/bot/config", summary: "Change the bot's configuration (channels, handoff rules, learning switch)", auth: ["apiKey"], body: BotConfigPatch, response: BotConfig },
  { method: "get", path: "/v1/bot/stats", summary: "Containment rate, handoffs by reason, the policy's mean reward", auth: ["apiKey", "agent"] },
  { method: "post", path: "/v1/bot/policy/reset", summary: "Forget what the policy learnt", auth: ["apiKey"], status: 204 },
  { method: "post", path: "/v1/bot/outcomes", summary: "Report a conversation's CSAT for the policy to learn from", auth: ["apiKey"], body: ReportOutcome },
  { method: "post", path: "/v1/kb/entries", summary: "Create a knowledge-base entry (article, FAQ, product, process)", auth: ["apiKey"], body: CreateEntry, response: Entry, status: 201 },
  { method: "get", path: "/v1/kb/entries", summary: "List knowledge-base entries, newest change first", auth: ["apiKey", "agent"], query: KbListQuery },
  { method: "post", path: "/v1/kb/entries/bulk", summary: "Import up to 500 entries, all or nothing", auth: ["apiKey"], body: BulkImport, status: 201 },
  { method: "get", path: "/v1/kb/entries/{id}", summary: "A knowledge-base entry", auth: ["apiKey", "agent"], response: Entry },
  { method: "patch", path: "/v1/kb/entries/{id}", summary: "Change an entry (optionally only at a given version)", auth: ["apiKey"], body: UpdateEntry, response: Entry },
  { method: "delete", path: "/v1/kb/entries/{id}", summary: "Delete an entry and its links", auth: ["apiKey"], status: 204 },
  { method: "get", path: "/v1/kb/entries/{id}/graph", summary: "Entries linked to an entry, up to 3 links away", auth: ["apiKey", "agent"], query: GraphQuery, response: Graph },
  { method: "post", path: "/v1/kb/links", summary: "Link two entries (idempotent: 200 with the existing link)", auth: ["apiKey"], body: CreateLink, response: Link, status: 201 },
  { method: "delete", path: "/v1/kb/links/{id}", summary: "Delete a link", auth: ["apiKey"], status: 204 },
  { method: "get", path: "/v1/kb/search", summary: "Full-text search (English and Chinese) with scores and snippets", auth: ["apiKey", "agent"], query: SearchQuery, response: SearchResponse },
  { method: "get", path: "/v1/health", summary: "Liveness", auth: ["none"] },
  { method: "get", path: "/v1/openapi.json", summary: "This document", auth: ["none"] },
];

const schema = (s: z.ZodType, io: "input" | "output") => z.toJSONSchema(s, { io, unrepresentable: "any" });

type Generated = { getOpenAPI31Document(config: Parameters<OpenAPIHono["getOpenAPI31Document"]>[0]): ReturnType<OpenAPIHono["getOpenAPI31Document"]> };

/** The document: what the routes define (workers/http/route.ts), and the hand-kept operations not yet moved there. */
export function openApiDocument(app: Generated, serverUrl: string) {
  const doc = app.getOpenAPI31Document({
    openapi: "3.1.0",
    info: { title: "edgedesk API", version: "1.0.0", description: "Omnichannel customer-service runtime. Errors are RFC 9457 problem documents." },
    servers: [{ url: serverUrl }],
  });
  doc.components = { ...doc.components, securitySchemes: securitySchemes as never };
  const paths = (doc.paths ?? {}) as Record<string, Record<string, unknown>>;
  for (const op of OPERATIONS) {
    if (paths[op.path]?.[op.method]) continue;
    const params = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: "path", required: true, schema: { type: "string" } }));
    const query = op.query
      ? Object.entries(op.query.shape).map(([name, s]) => ({ name, in: "query", required: false, schema: schema(s as z.ZodType, "input") }))
      : [];
    const status = String(op.status ?? 200);
    paths[op.path] ??= {};
    paths[op.path]![op.method] = {
      summary: op.summary,
      security: op.auth.includes("none") ? [] : op.auth.map((a) => ({ [a]: [] })),
      parameters: [...params, ...query],
      ...(op.body ? { requestBody: { required: true, content: { "application/json": { schema: schema(op.body, "input") } } } } : {}),
      responses: {
        [status]: { description: "success", ...(op.response ? { content: { "application/json": { schema: schema(op.response, "output") } } } : {}) },
        default: { description: "error", content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } } },
      },
    };
  }
  doc.paths = paths as never;
  return doc;
}
