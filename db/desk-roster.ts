import type { agents } from "./schema";
import { Agent } from "../shared/routing/schemas";

/** An agent row as the routing desk sees it: the routing profile and the CSAT the analytics cron keeps. */
export const deskAgent = (a: typeof agents.$inferSelect) => Agent.parse({ id: a.id, name: a.name, ...(a.routing ?? {}), csat: a.csat });
