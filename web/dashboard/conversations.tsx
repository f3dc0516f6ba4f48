import { useEffect, useState } from "preact/hooks";
import { EdgedeskError, unwrap } from "../../sdk/rest";
import { ConversationsReport, type ConversationMetrics } from "../../shared/analytics/api";
import { contactName, duration } from "../lib/format";
import { api } from "../lib/session";
import { errorText, useContacts, type Directory, type Loaded } from "./directory";
import { channelLabel, statusLabel } from "./labels";
import { boundLabel, type Range } from "./range";
import { routeHash } from "./route";

const PAGE_SIZE = 25;
/** The API's largest page: one CSV file holds the newest this many conversations. */
const CSV_ROWS = 1000;

type Filters = Range & { channel?: string; queue?: string; agent?: string };

/** The drill-down's filters from the hash; without a range, the API's default (the last 7 days). */
function filtersOf(p: Record<string, string>): Partial<Filters> {
  const pick = (k: keyof Filters) => (p[k] ? { [k]: p[k] } : {});
  return { ...pick("from"), ...pick("to"), ...pick("channel"), ...pick("queue"), ...pick("agent") };
}

/** A bound in a file name: a date as it is, an instant as its UTC date and time. */
const fileBound = (b: string | undefined, none: string) => (b === undefined ? none : /^\d+$/.test(b) ? new Date(Number(b)).toISOString().slice(0, 16).replace(":", "") : b.replace(/[^0-9A-Za-z-]/g, "_"));

/** The file is fetched with the bearer token (a plain link cannot carry it) and handed to the browser as a blob. */
async function downloadCsv(filters: Partial<Filters>): Promise<void> {
  const res = await api.v1.analytics.conversations.$get({ query: { ...filters, limit: String(CSV_ROWS), format: "csv" } });
  if (!res.ok) throw await EdgedeskError.from(res as unknown as Response);
  const blob = await (res as unknown as Response).blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = `edgedesk-conversations-${fileBound(filters.from, "recent")}-${fileBound(filters.to, "now")}.csv`;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const seconds = (s: number | null) => (s === null ? "—" : duration(s));

export function ConversationsPage(props: { params: Record<string, string>; directory: Directory; tz: string }) {
  const filters = filtersOf(props.params);
  const key = JSON.stringify(filters);
  // Cursors of the pages before the current one, so "Previous" needs no second kind of cursor from the API.
  const [trail, setTrail] = useState<(string | undefined)[]>([]);
  const [cursor, setCursor] = useState<string | undefined>(undefined);
  const [page, setPage] = useState<Loaded<{ rows: ConversationMetrics[]; next: string | null }>>({ state: "loading" });
  const [exporting, setExporting] = useState<"idle" | "busy" | string>("idle");
  const contacts = useContacts(page.state === "ready" ? page.value.rows.map((r) => r.contact_id) : []);

  useEffect(() => {
    setTrail([]);
    setCursor(undefined);
  }, [key]);

  useEffect(() => {
    let live = true;
    setPage({ state: "loading" });
    unwrap(api.v1.analytics.conversations.$get({ query: { ...filters, limit: String(PAGE_SIZE), ...(cursor ? { cursor } : {}) } }))
      .then((body) => ConversationsReport.parse(body))
      .then(
      (body) => live && setPage({ state: "ready", value: { rows: body.data, next: body.next_cursor } }),
      (err: unknown) => live && setPage({ state: "error", message: errorText(err) }),
    );
    return () => {
      live = false;
    };
  }, [key, cursor]);

  const exportCsv = () => {
    setExporting("busy");
    downloadCsv(filters).then(
      () => setExporting("idle"),
      (err: unknown) => setExporting(`The export failed: ${errorText(err)}`),
    );
  };

  const d = props.directory;
  const described = [
    filters.from || filters.to ? `${filters.from ? boundLabel(filters.from, props.tz) : "…"} – ${filters.to ? boundLabel(filters.to, props.tz) : "now"}` : "Last 7 days",
    filters.channel && channelLabel(filters.channel),
    filters.queue && d.queueName(filters.queue),
    filters.agent && d.agentName(filters.agent),
  ].filter(Boolean);

  return (
    <section class="dash-page" aria-labelledby="conversations-title">
      <header class="page-head">
        <h1 id="conversations-title">Conversations</h1>
        <p class="muted" data-testid="conversations-filters">
          {described.join(" · ")} {filters.to && /^\d{4}-/.test(filters.to) ? "(end date included)" : ""}
        </p>
        <div class="head-actions">
          <a class="button secondary" href={routeHash("history", { preset: "custom", from: filters.from && /^\d{4}-/.test(filters.from) ? filters.from : "", to: filters.to && /^\d{4}-/.test(filters.to) ? filters.to : "", channel: filters.channel, queue: filters.queue, agent: filters.agent })}>
            Back to charts
          </a>
          <button type="button" data-testid="csv-export" onClick={exportCsv} disabled={exporting === "busy"}>
            {exporting === "busy" ? "Preparing CSV…" : "Export CSV"}
          </button>
        </div>
        {exporting !== "idle" && exporting !== "busy" && (
          <p class="notice error" role="alert">
            {exporting}
          </p>
        )}
        <p class="muted small">The export holds the newest {CSV_ROWS.toLocaleString("en")} conversations of the selection.</p>
      </header>
      {page.state === "error" ? (
        <p class="notice error" role="alert">
          The conversations could not be loaded: {page.message}
        </p>
      ) : page.state === "loading" ? (
        <p class="notice" aria-busy="true">
          Loading conversations…
        </p>
      ) : page.value.rows.length === 0 ? (
        <p class="notice" data-testid="conversations-empty">
          No conversations match.
        </p>
      ) : (
        <div class="table-wrap">
          <table class="data" data-testid="conversations-table">
            <thead>
              <tr>
                <th scope="col">Customer</th>
                <th scope="col">Channel</th>
                <th scope="col">Queue</th>
                <th scope="col">Agent</th>
                <th scope="col">Status</th>
                <th scope="col">Started</th>
                <th scope="col">Wait</th>
                <th scope="col">First response</th>
                <th scope="col">Handle time</th>
                <th scope="col">Ended</th>
                <th scope="col">CSAT</th>
              </tr>
            </thead>
            <tbody>
              {page.value.rows.map((r) => (
                <tr key={r.conversation_id} data-testid="conversation-row">
                  <td>{contactName(contacts.get(r.contact_id) ?? { id: r.contact_id })}</td>
                  <td>{channelLabel(r.channel)}</td>
                  <td>{r.queue ? d.queueName(r.queue) : r.bot_handled ? "Bot only" : "—"}</td>
                  <td>{r.agent ? d.agentName(r.agent) : "—"}</td>
                  <td>{statusLabel(r.status)}</td>
                  <td>{boundLabel(String(Date.parse(r.created_at)), props.tz)}</td>
                  <td>{r.answered || r.abandoned ? seconds(r.wait_s) : "—"}</td>
                  <td>{seconds(r.first_response_s)}</td>
                  <td>{r.handle_s ? seconds(r.handle_s) : "—"}</td>
                  <td>{r.ended_at ? boundLabel(String(Date.parse(r.ended_at)), props.tz) : "—"}</td>
                  <td data-testid="conversation-csat">{r.csat === null ? "—" : `${r.csat} / 5`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav class="pager" aria-label="Pages">
        <button
          type="button"
          class="secondary"
          disabled={trail.length === 0}
          onClick={() => {
            setCursor(trail[trail.length - 1]);
            setTrail(trail.slice(0, -1));
          }}
        >
          Previous
        </button>
        <span class="muted">Page {trail.length + 1}</span>
        <button
          type="button"
          class="secondary"
          data-testid="conversations-next"
          disabled={page.state !== "ready" || page.value.next === null}
          onClick={() => {
            if (page.state !== "ready" || !page.value.next) return;
            setTrail([...trail, cursor]);
            setCursor(page.value.next);
          }}
        >
          Next
        </button>
      </nav>
    </section>
  );
}
