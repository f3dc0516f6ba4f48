import type { InferResponseType } from "hono/client";
import { useState } from "preact/hooks";
import type { DeliveryView as Delivery } from "../../../shared/webhooks/delivery";
import { paginate, unwrap } from "../../../sdk/rest";
import { WEBHOOK_EVENT_TYPES } from "../../../shared/webhooks/events";
import { api } from "../../lib/session";
import { Check, ConfirmButton, Empty, expectOk, FormActions, Notice, OnceSecret, Page, problemText, TextInput, toast, useLoad, useSubmit, when } from "./ui";

type Endpoint = InferResponseType<(typeof api.v1)["webhook-endpoints"]["$get"], 200>["data"][number];
const PREFIXES = [...new Set(WEBHOOK_EVENT_TYPES.map((t) => t.split(".")[0]!))];

/** Event types grouped by prefix; a whole group can be taken as `<prefix>.*`, so new types of it arrive too. */
function EventPicker(props: { value: string[]; onChange: (v: string[]) => void; error?: string | undefined }) {
  const has = (p: string) => props.value.includes(p);
  const toggle = (p: string, on: boolean) => props.onChange(on ? [...props.value, p] : props.value.filter((x) => x !== p));
  return (
    <fieldset class={`adm-events${props.error ? " adm-field-invalid" : ""}`} data-testid="field-events">
      <legend>Events</legend>
      <Check name="events-all" label="Every event (*)" checked={has("*")} onChange={(on) => props.onChange(on ? ["*"] : [])} />
      {!has("*") &&
        PREFIXES.map((prefix) => (
          <div key={prefix} class="adm-event-group">
            <Check name={`events-${prefix}.*`} label={`All ${prefix} events (${prefix}.*)`} checked={has(`${prefix}.*`)} onChange={(on) => props.onChange([...props.value.filter((x) => !x.startsWith(`${prefix}.`)), ...(on ? [`${prefix}.*`] : [])])} />
            {!has(`${prefix}.*`) && (
              <div class="adm-event-types">
                {WEBHOOK_EVENT_TYPES.filter((t) => t.startsWith(`${prefix}.`)).map((t) => (
                  <Check key={t} name={`events-${t}`} label={t} checked={has(t)} onChange={(on) => toggle(t, on)} />
                ))}
              </div>
            )}
          </div>
        ))}
      {props.error && (
        <small class="adm-error" data-testid="error-events">
          {props.error}
        </small>
      )}
    </fieldset>
  );
}

function EndpointForm(props: { endpoint: Endpoint | null; onSaved: (secret: string | null) => void; onCancel?: () => void }) {
  const e = props.endpoint;
  const [url, setUrl] = useState(e?.url ?? "");
  const [description, setDescription] = useState(e?.description ?? "");
  const [events, setEvents] = useState<string[]>(e?.events ?? []);
  const [enabled, setEnabled] = useState(e?.enabled ?? true);
  const form = useSubmit(["url", "events", "description", "enabled"], "manage webhooks");
  const submit = async (ev: Event) => {
    ev.preventDefault();
    if (events.length === 0) return form.setErrors({ events: "Choose at least one event." });
    const desc = description.trim();
    if (e) {
      const saved = await form.run(
        () => unwrap(api.v1["webhook-endpoints"][":id"].$patch({ param: { id: e.id }, json: { url: url.trim(), events, description: desc || null, enabled } })),
        "Endpoint saved",
      );
      if (saved) props.onSaved(null);
    } else {
      const created = await form.run(
        () => unwrap(api.v1["webhook-endpoints"].$post({ json: { url: url.trim(), events, enabled, ...(desc ? { description: desc } : {}) } })),
        "Endpoint created",
      );
      if (created) props.onSaved(created.secret);
    }
  };
  return (
    <form noValidate class="adm-card" onSubmit={submit} aria-label={e ? "Edit endpoint" : "New endpoint"} data-testid="endpoint-form">
      <h3>{e ? "Edit endpoint" : "New endpoint"}</h3>
      <TextInput name="url" label="URL" type="url" value={url} onInput={setUrl} error={form.errors.url} required placeholder="https://example.com/edgedesk" hint="Deliveries are POSTed here, signed with Standard Webhooks headers." />
      <TextInput name="description" label="Description" value={description} onInput={setDescription} error={form.errors.description} maxLength={500} />
      <EventPicker value={events} onChange={setEvents} error={form.errors.events} />
      <Check name="enabled" label="Enabled" checked={enabled} onChange={setEnabled} error={form.errors.enabled} />
      <FormActions busy={form.busy} error={form.errors[""]} label={e ? "Save" : "Create endpoint"}>
        {props.onCancel && (
          <button type="button" onClick={props.onCancel}>
            Cancel
          </button>
        )}
      </FormActions>
    </form>
  );
}


function Deliveries(props: { endpointId: string }) {
  const list = useLoad(async () => (await unwrap(api.v1["webhook-endpoints"][":id"].deliveries.$get({ param: { id: props.endpointId }, query: { limit: "50" } }))).data, "read deliveries");
  const redeliver = async (d: Delivery) => {
    try {
      await unwrap(api.v1["webhook-endpoints"][":id"].deliveries[":deliveryId"].redeliver.$post({ param: { id: props.endpointId, deliveryId: d.id } }));
      toast(`${d.event_type} queued again`);
      await list.reload();
    } catch (err) {
      toast(problemText(err, "redeliver"), "error");
    }
  };
  if (list.error) return <Notice>{list.error}</Notice>;
  if (!list.data) return <p aria-busy="true">Loading deliveries…</p>;
  if (list.data.length === 0) return <Empty>No deliveries yet: they appear here as events happen.</Empty>;
  return (
    <table class="adm-table" data-testid="delivery-list">
      <caption>Latest deliveries</caption>
      <thead>
        <tr>
          <th scope="col">Event</th>
          <th scope="col">State</th>
          <th scope="col">Attempts</th>
          <th scope="col">Last answer</th>
          <th scope="col">Created</th>
          <th scope="col" class="adm-sr">Actions</th>
        </tr>
      </thead>
      <tbody>
        {list.data.map((d) => (
          <tr key={d.id} data-testid="delivery-row">
            <td>{d.event_type}</td>
            <td>
              <span class={`adm-pill adm-pill-${d.state}`}>{d.state}</span>
            </td>
            <td>{d.attempts}</td>
            <td>{d.last_status ? `HTTP ${d.last_status}` : (d.last_error ?? "—")}</td>
            <td>{when(d.created_at)}</td>
            <td>
              {d.state !== "pending" && (
                <button type="button" data-testid="redeliver" onClick={() => void redeliver(d)}>
                  Redeliver
                </button>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function EndpointRow(props: { endpoint: Endpoint; onChanged: () => Promise<void>; onSecret: (s: string) => void }) {
  const e = props.endpoint;
  const [editing, setEditing] = useState(false);
  const [open, setOpen] = useState(false);
  const act = async (what: string, call: () => Promise<unknown>, done: string) => {
    try {
      await call();
      toast(done);
      await props.onChanged();
    } catch (err) {
      toast(problemText(err, what), "error");
    }
  };
  if (editing) return <EndpointForm endpoint={e} onCancel={() => setEditing(false)} onSaved={() => (setEditing(false), void props.onChanged())} />;
  return (
    <li class="adm-card" data-testid="endpoint-row">
      <div class="adm-row-head">
        <strong>{e.description || e.url}</strong>
        <span class={`adm-pill ${e.enabled ? "adm-pill-delivered" : "adm-pill-dead"}`}>{e.enabled ? "Enabled" : "Disabled"}</span>
      </div>
      <p class="adm-sub">
        <code>{e.url}</code> · {e.events.join(", ")}
      </p>
      {!e.enabled && e.disabled_reason && <Notice kind="info">Disabled automatically: {e.disabled_reason}</Notice>}
      <div class="adm-buttons">
        <button type="button" data-testid="edit" onClick={() => setEditing(true)}>
          Edit
        </button>
        <button type="button" data-testid="toggle" onClick={() => void act("manage webhooks", () => unwrap(api.v1["webhook-endpoints"][":id"].$patch({ param: { id: e.id }, json: { enabled: !e.enabled } })), e.enabled ? "Endpoint disabled" : "Endpoint enabled")}>
          {e.enabled ? "Disable" : "Enable"}
        </button>
        <button type="button" aria-expanded={open} data-testid="deliveries" onClick={() => setOpen(!open)}>
          {open ? "Hide deliveries" : "Deliveries"}
        </button>
        <ConfirmButton
          label="Rotate secret"
          question="Make a new signing secret? The old one keeps signing for 24 hours."
          confirmLabel="Rotate"
          testid="rotate"
          onConfirm={() =>
            act(
              "manage webhooks",
              async () => props.onSecret((await unwrap(api.v1["webhook-endpoints"][":id"].rotate.$post({ param: { id: e.id } }))).secret),
              "New signing secret made",
            )
          }
        />
        <ConfirmButton label="Delete" question="Delete this endpoint and its delivery log?" confirmLabel="Delete endpoint" testid="delete" onConfirm={() => act("manage webhooks", () => expectOk(api.v1["webhook-endpoints"][":id"].$delete({ param: { id: e.id } })), "Endpoint deleted")} />
      </div>
      {open && <Deliveries endpointId={e.id} />}
    </li>
  );
}

export function WebhooksPage() {
  const [secret, setSecret] = useState<string | null>(null);
  const list = useLoad(async () => {
    const all: Endpoint[] = [];
    for await (const e of paginate((cursor) => api.v1["webhook-endpoints"].$get({ query: cursor ? { cursor } : {} }))) all.push(e);
    return all;
  }, "manage webhooks");
  return (
    <Page id="webhooks" title="Webhooks" intro="edgedesk posts events to your endpoints as they happen, signed, retried and in order per conversation.">
      {secret && <OnceSecret label="Signing secret" value={secret} testid="signing-secret" onDone={() => setSecret(null)} />}
      {list.error && <Notice>{list.error}</Notice>}
      {list.data && (
        <>
          <EndpointForm key={list.data.length} endpoint={null} onSaved={(s) => (s && setSecret(s), void list.reload())} />
          {list.data.length === 0 ? (
            <Empty>No endpoints yet.</Empty>
          ) : (
            <ul class="adm-list" data-testid="endpoint-list">
              {list.data.map((e) => (
                <EndpointRow key={e.id} endpoint={e} onChanged={list.reload} onSecret={setSecret} />
              ))}
            </ul>
          )}
        </>
      )}
    </Page>
  );
}
