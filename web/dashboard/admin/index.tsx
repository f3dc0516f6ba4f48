import type { JSX } from "preact";
import "./admin.css";
import type { Session } from "../../lib/session";
import { AgentsPage } from "./agents";
import { ApiKeysPage } from "./api-keys";
import { BotPage } from "./bot";
import { CannedPage } from "./canned";
import { ChannelsPage } from "./channels";
import { HoursPage } from "./hours";
import { QueuesPage } from "./queues";
import { SurveysPage } from "./surveys";
import { WebhooksPage } from "./webhooks";
import { WidgetPage } from "./widget";

/** The tenant's configuration pages, in the order the dashboard's menu lists them (mounted at #/admin/<id>). */
export const adminPages: { id: string; title: string; Page: (p: { session: Session }) => JSX.Element }[] = [
  { id: "channels", title: "Channels", Page: () => <ChannelsPage /> },
  { id: "agents", title: "Agents", Page: (p) => <AgentsPage session={p.session} /> },
  { id: "queues", title: "Queues and rules", Page: () => <QueuesPage /> },
  { id: "hours", title: "Business hours", Page: () => <HoursPage /> },
  { id: "bot", title: "Bot and knowledge base", Page: () => <BotPage /> },
  { id: "surveys", title: "Surveys", Page: () => <SurveysPage /> },
  { id: "canned", title: "Canned responses", Page: () => <CannedPage /> },
  { id: "widget", title: "Chat widget", Page: (p) => <WidgetPage session={p.session} /> },
  { id: "webhooks", title: "Webhooks", Page: () => <WebhooksPage /> },
  { id: "api-keys", title: "API keys", Page: () => <ApiKeysPage /> },
];
