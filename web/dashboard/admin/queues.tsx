import { useEffect, useState } from "preact/hooks";
import { unwrap } from "../../../sdk/rest";
import type { RoutingConfig } from "../../../shared/routing-config";
import { api } from "../../lib/session";
import { conditionDraft, queueDraft, routingDraft, routingFromDraft, slugId, type ConditionDraft, type QueueDraft, type RoutingDraft, type RuleDraft } from "./routing-drafts";
import { Check, Empty, FormActions, Notice, Page, Select, TextInput, useLoad, useSubmit } from "./ui";

const FIELD_OPTIONS = [
  ["channel", "Channel"],
  ["intent", "Intent"],
  ["language", "Language"],
  ["tier", "Customer tier"],
  ["sentiment", "Sentiment (−1–1)"],
  ["in_business_hours", "Within business hours"],
] as const;
const OPS = [
  ["eq", "is"],
  ["in", "is one of"],
  ["gte", "at least"],
  ["lte", "at most"],
  ["exists", "is known"],
] as const;

function targetsText(q: QueueDraft): string {
  const targets = q.base?.targets ?? [{ kind: "skills", timeout_s: 120 }, { kind: "any" }];
  return targets.map((t) => (t.kind === "any" ? "anyone" : t.kind === "skills" ? "agents with the skills" : t.kind === "team" ? `team ${t.value}` : `${t.value.length} named agents`) + (t.timeout_s ? ` for ${t.timeout_s}s` : "")).join(", then ");
}

function QueueEditor(props: { q: QueueDraft; i: number; calendars: { id: string; name: string }[]; errors: Record<string, string>; onChange: (q: QueueDraft) => void; onRemove: () => void; removable: string | null }) {
  const { q, i } = props;
  const at = `queues.${i}`;
  const set = <K extends keyof QueueDraft>(k: K) => (v: QueueDraft[K]) => props.onChange({ ...q, [k]: v });
  return (
    <fieldset class="adm-card adm-fieldset" data-testid="queue-row">
      <legend>{q.name || "New queue"}</legend>
      <div class="adm-grid">
        <TextInput name={`${at}.name`} label="Name" value={q.name} onInput={set("name")} error={props.errors[`${at}.name`]} required maxLength={200} />
        {q.base ? (
          <p class="adm-sub">
            Id <code>{q.id}</code>
          </p>
        ) : (
          <TextInput name={`${at}.id`} label="Id" value={q.id} onInput={set("id")} error={props.errors[`${at}.id`]} hint="Used by rules and reports; fixed once saved." />
        )}
        <TextInput name={`${at}.priority`} label="Priority (−100–100)" type="number" value={q.priority} onInput={set("priority")} error={props.errors[`${at}.priority`]} hint="Higher is served first." />
        <TextInput name={`${at}.sla_first_response_s`} label="First response target (s)" type="number" value={q.sla} onInput={set("sla")} error={props.errors[`${at}.sla_first_response_s`]} />
      </div>
      <TextInput name={`${at}.required_skills`} label="Skills needed" value={q.skills} onInput={set("skills")} error={props.errors[`${at}.required_skills`]} hint="skill:minimum level, ? for preferred only: billing:3, spanish:2?" />
      <div class="adm-grid">
        <Select name={`${at}.calendar_id`} label="Business hours" value={q.calendar_id} options={[["", "Always open"], ...props.calendars.map((k) => [k.id, k.name] as const)]} onChange={set("calendar_id")} error={props.errors[`${at}.calendar_id`]} />
        <Select name={`${at}.language`} label="Language match" value={q.language} options={[["preferred", "Preferred"], ["required", "Required"]] as const} onChange={set("language")} />
        <Select name={`${at}.strategy`} label="Fill agents" value={q.strategy} options={[["pack", "Most loaded first (keeps agents free for calls)"], ["spread", "Least loaded first"]] as const} onChange={set("strategy")} />
      </div>
      {q.calendar_id && <TextInput name={`${at}.out_of_hours_message`} label="Message outside business hours" value={q.out_of_hours_message} onInput={set("out_of_hours_message")} error={props.errors[`${at}.out_of_hours_message`]} maxLength={2000} />}
      <Check name={`${at}.sticky`} label="Offer returning customers to their last agent first" checked={q.sticky} onChange={set("sticky")} />
      <p class="adm-sub">Overflow: {targetsText(q)}.</p>
      {props.removable ? (
        <p class="adm-sub">{props.removable}</p>
      ) : (
        <button type="button" class="adm-danger-outline" data-testid="remove-queue" onClick={props.onRemove}>
          Remove queue
        </button>
      )}
    </fieldset>
  );
}

function ConditionEditor(props: { c: ConditionDraft; at: string; calendars: { id: string; name: string }[]; errors: Record<string, string>; onChange: (c: ConditionDraft) => void; onRemove: () => void }) {
  const { c, at } = props;
  const custom = c.field.startsWith("attributes.");
  const set = <K extends keyof ConditionDraft>(k: K) => (v: ConditionDraft[K]) => props.onChange({ ...c, [k]: v });
  return (
    <div class="adm-condition" data-testid="condition-row">
      <Select name={`${at}.field`} label="When" value={custom ? "attributes" : c.field} options={[...FIELD_OPTIONS, ["attributes", "Custom attribute…"]]} onChange={(v) => props.onChange({ ...c, field: v === "attributes" ? "attributes." : v, op: v === "in_business_hours" ? "eq" : c.op, value: v === "in_business_hours" ? "true" : c.value })} error={props.errors[`${at}.field`]} />
      {custom && <TextInput name={`${at}.attribute`} label="Attribute" value={c.field} onInput={set("field")} placeholder="attributes.plan" />}
      {c.field === "in_business_hours" ? (
        <>
          <Select name={`${at}.calendar_id`} label="Calendar" value={c.calendar_id} options={[["", "Choose…"], ...props.calendars.map((k) => [k.id, k.name] as const)]} onChange={set("calendar_id")} error={props.errors[`${at}.calendar_id`]} />
          <Select name={`${at}.value`} label="Is" value={c.value === "false" ? "false" : "true"} options={[["true", "open"], ["false", "closed"]] as const} onChange={set("value")} />
        </>
      ) : (
        <>
          <Select name={`${at}.op`} label="Test" value={c.op} options={OPS} onChange={set("op")} error={props.errors[`${at}.op`]} />
          <TextInput name={`${at}.value`} label="Value" value={c.value} onInput={set("value")} error={props.errors[`${at}.value`] ?? props.errors[at]} placeholder={c.op === "in" ? "a, b, c" : c.op === "exists" ? "true" : ""} />
        </>
      )}
      <button type="button" aria-label="Remove condition" onClick={props.onRemove}>
        ✕
      </button>
    </div>
  );
}

function RuleEditor(props: { r: RuleDraft; i: number; count: number; queues: QueueDraft[]; calendars: { id: string; name: string }[]; errors: Record<string, string>; onChange: (r: RuleDraft) => void; onMove: (by: number) => void; onRemove: () => void }) {
  const { r, i } = props;
  const at = `rules.${i}`;
  return (
    <li class="adm-card" data-testid="rule-row">
      <div class="adm-grid">
        <TextInput name={`${at}.name`} label={`Rule ${i + 1}`} value={r.name} onInput={(name) => props.onChange({ ...r, name })} error={props.errors[`${at}.name`]} placeholder="Name (optional)" />
        <Select name={`${at}.queue_id`} label="Send to" value={r.queue_id} options={props.queues.map((q) => [q.id, q.name || q.id] as const)} onChange={(queue_id) => props.onChange({ ...r, queue_id })} error={props.errors[`${at}.queue_id`]} />
      </div>
      {r.when.length === 0 && <p class="adm-sub">No conditions: every conversation matches.</p>}
      {r.when.map((c, j) => (
        <ConditionEditor
          key={j}
          c={c}
          at={`${at}.when.${j}`}
          calendars={props.calendars}
          errors={props.errors}
          onChange={(next) => props.onChange({ ...r, when: r.when.map((x, k) => (k === j ? next : x)) })}
          onRemove={() => props.onChange({ ...r, when: r.when.filter((_, k) => k !== j) })}
        />
      ))}
      {props.errors[`${at}.when`] && <small class="adm-error">{props.errors[`${at}.when`]}</small>}
      <div class="adm-buttons">
        <button type="button" data-testid="add-condition" onClick={() => props.onChange({ ...r, when: [...r.when, conditionDraft(null)] })}>
          Add condition
        </button>
        <button type="button" disabled={i === 0} aria-label={`Move rule ${i + 1} up`} onClick={() => props.onMove(-1)}>
          ↑
        </button>
        <button type="button" disabled={i === props.count - 1} aria-label={`Move rule ${i + 1} down`} onClick={() => props.onMove(1)}>
          ↓
        </button>
        <button type="button" class="adm-danger-outline" onClick={props.onRemove}>
          Remove rule
        </button>
      </div>
    </li>
  );
}

/** Every control's name, which is also the path the API reports its errors under. */
function draftFields(d: RoutingDraft): string[] {
  const queueKeys = ["id", "name", "priority", "sla_first_response_s", "required_skills", "calendar_id", "out_of_hours_message", "language", "strategy", "sticky"];
  return [
    "default_queue_id",
    ...d.queues.flatMap((_, i) => queueKeys.map((k) => `queues.${i}.${k}`)),
    ...d.rules.flatMap((r, i) => [`rules.${i}.name`, `rules.${i}.queue_id`, `rules.${i}.when`, ...r.when.flatMap((_, j) => [`rules.${i}.when.${j}`, ...["field", "op", "value", "calendar_id"].map((k) => `rules.${i}.when.${j}.${k}`)])]),
  ];
}

export function QueuesPage() {
  const config = useLoad(() => unwrap(api.v1.routing.config.$get()), "change routing");
  const [draft, setDraft] = useState<RoutingDraft | null>(null);
  const form = useSubmit(draft ? draftFields(draft) : [], "change routing");
  useEffect(() => {
    if (config.data) setDraft(routingDraft(config.data));
  }, [config.data]);
  if (config.error) return <Page id="queues" title="Queues and routing rules" intro="">{<Notice>{config.error}</Notice>}</Page>;
  const calendars = (config.data?.calendars ?? []).map((k) => ({ id: k.id, name: k.name ?? k.id }));
  const set = (next: Partial<RoutingDraft>) => setDraft({ ...draft!, ...next });
  const addQueue = () => {
    const taken = new Set(draft!.queues.map((q) => q.id));
    set({ queues: [...draft!.queues, { ...queueDraft(null), id: slugId(`queue ${draft!.queues.length + 1}`, taken) }] });
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    const built = routingFromDraft(config.data!, draft!);
    if (!built.value) return form.setErrors(built.errors);
    const value = built.value;
    const saved = await form.run(() => unwrap(api.v1.routing.config.$put({ json: value })), "Routing saved: the desk uses it now");
    if (saved) config.setData(saved as RoutingConfig);
  };
  // Rule errors from the server name the list position (rules.2.queue_id); fields are named the same way.
  const errors = Object.fromEntries(Object.entries(form.errors).filter(([k]) => k !== ""));
  const serverErrors = form.errors[""];
  return (
    <Page id="queues" title="Queues and routing rules" intro="Rules are tried in order; the first whose conditions all hold picks the queue. Conversations no rule matches go to the default queue.">
      {draft && (
        <form noValidate onSubmit={submit} aria-label="Routing configuration">
          <section aria-labelledby="q-h">
            <div class="adm-row-head">
              <h3 id="q-h">Queues</h3>
              <button type="button" data-testid="add-queue" onClick={addQueue}>
                Add queue
              </button>
            </div>
            {draft.queues.length === 0 && <Empty>No queues: everything goes to one default queue. Add queues to route by skill, language or hours.</Empty>}
            {draft.queues.map((q, i) => {
              const used = draft.rules.some((r) => r.queue_id === q.id) ? "Used by a rule: change those rules to remove it." : draft.default_queue_id === q.id ? "The default queue: choose another default to remove it." : null;
              return (
                <QueueEditor
                  key={i}
                  q={q}
                  i={i}
                  calendars={calendars}
                  errors={errors}
                  removable={used}
                  onChange={(next) => set({ queues: draft.queues.map((x, k) => (k === i ? next : x)) })}
                  onRemove={() => set({ queues: draft.queues.filter((_, k) => k !== i) })}
                />
              );
            })}
            {draft.queues.length > 0 && (
              <Select name="default_queue_id" label="Default queue" value={draft.default_queue_id} options={draft.queues.map((q) => [q.id, q.name || q.id] as const)} onChange={(default_queue_id) => set({ default_queue_id })} error={errors.default_queue_id} />
            )}
          </section>
          <section aria-labelledby="r-h">
            <div class="adm-row-head">
              <h3 id="r-h">Rules</h3>
              <button
                type="button"
                data-testid="add-rule"
                disabled={draft.queues.length === 0}
                onClick={() => set({ rules: [...draft.rules, { id: slugId("rule", new Set(draft.rules.map((r) => r.id))), name: "", queue_id: draft.queues[0]!.id, when: [conditionDraft(null)] }] })}
              >
                Add rule
              </button>
            </div>
            {draft.rules.length === 0 && <Empty>No rules: every conversation goes to the default queue.</Empty>}
            <ol class="adm-list">
              {draft.rules.map((r, i) => (
                <RuleEditor
                  key={r.id}
                  r={r}
                  i={i}
                  count={draft.rules.length}
                  queues={draft.queues}
                  calendars={calendars}
                  errors={errors}
                  onChange={(next) => set({ rules: draft.rules.map((x, k) => (k === i ? next : x)) })}
                  onMove={(by) => {
                    const rules = [...draft.rules];
                    [rules[i], rules[i + by]] = [rules[i + by]!, rules[i]!];
                    set({ rules });
                  }}
                  onRemove={() => set({ rules: draft.rules.filter((_, k) => k !== i) })}
                />
              ))}
            </ol>
          </section>
          <FormActions busy={form.busy} error={serverErrors ?? (Object.keys(errors).length ? "Some fields need attention: see the messages above." : undefined)} />
        </form>
      )}
    </Page>
  );
}
