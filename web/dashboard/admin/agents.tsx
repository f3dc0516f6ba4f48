import type { InferResponseType } from "hono/client";
import { useEffect, useState } from "preact/hooks";
import { paginate, unwrap } from "../../../sdk/rest";
import type { AgentRouting } from "../../../shared/routing-config";
import { api, type Session } from "../../lib/session";
import { collect, formatList, formatSkills, parseList, parseSkills, parseWhole } from "./form-map";
import { CopyValue, Empty, expectOk, FormActions, Notice, Page, problemText, Select, TextInput, toast, useLoad, useSubmit, when } from "./ui";

type Agent = InferResponseType<(typeof api.v1.agents)["$get"], 200>["data"][number];
type Role = Agent["role"];
const ROLES: readonly (readonly [Role, string])[] = [
  ["agent", "Agent"],
  ["supervisor", "Supervisor"],
  ["admin", "Admin"],
];
const ROUTING_FIELDS = ["skills", "teams", "languages", "capacity.voice", "capacity.chat", "capacity.email", "schedule_calendar_id"];
const DEFAULT_CAPACITY = { voice: 1, chat: 3, email: 5 };

function CreateAgent(props: { onCreated: () => void }) {
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("agent");
  const [password, setPassword] = useState("");
  const form = useSubmit(["name", "email", "role", "password"], "add agents");
  const submit = async (e: Event) => {
    e.preventDefault();
    const json = { name: name.trim(), email: email.trim(), role, ...(password ? { password } : {}) };
    const created = await form.run(() => unwrap(api.v1.agents.$post({ json })), `${name.trim()} added`);
    if (created) {
      [setName, setEmail, setPassword].forEach((set) => set(""));
      setRole("agent");
      props.onCreated();
    }
  };
  return (
    <form noValidate class="adm-card" onSubmit={submit} aria-labelledby="agent-new" data-testid="agent-create">
      <h3 id="agent-new">Add an agent</h3>
      <div class="adm-grid">
        <TextInput name="name" label="Name" value={name} onInput={setName} error={form.errors.name} required maxLength={200} autocomplete="off" />
        <TextInput name="email" label="E-mail" type="email" value={email} onInput={setEmail} error={form.errors.email} required autocomplete="off" />
        <Select name="role" label="Role" value={role} options={ROLES} onChange={setRole} error={form.errors.role} />
        <TextInput name="password" label="Password (optional)" type="password" value={password} onInput={setPassword} error={form.errors.password} autocomplete="new-password" hint="Or leave it empty and send a sign-in link." />
      </div>
      <FormActions busy={form.busy} error={form.errors[""]} label="Add agent" />
    </form>
  );
}

/** The routing profile as form text; read back by `routingFrom`. */
function routingForm(r: AgentRouting | null) {
  const cap = r?.capacity ?? DEFAULT_CAPACITY;
  return {
    skills: formatSkills(r?.skills ?? []),
    teams: formatList(r?.teams ?? []),
    languages: formatList(r?.languages ?? []),
    voice: String(cap.voice),
    chat: String(cap.chat),
    email: String(cap.email),
    calendar: r?.schedule_calendar_id ?? "",
  };
}

function RoutingEditor(props: { agent: Agent; calendars: { id: string; name: string }[]; onSaved: (a: Agent) => void; onCancel: () => void }) {
  const [f, setF] = useState(() => routingForm(props.agent.routing));
  const set = (k: keyof typeof f) => (v: string) => setF({ ...f, [k]: v });
  const form = useSubmit(ROUTING_FIELDS, "change routing profiles");
  const submit = async (e: Event) => {
    e.preventDefault();
    const parsed = collect({
      skills: parseSkills(f.skills),
      "capacity.voice": parseWhole(f.voice, 0, 10),
      "capacity.chat": parseWhole(f.chat, 0, 50),
      "capacity.email": parseWhole(f.email, 0, 200),
    });
    if (!parsed.value) return form.setErrors(parsed.errors);
    const v = parsed.value;
    const routing = {
      skills: v.skills,
      teams: parseList(f.teams),
      languages: parseList(f.languages),
      capacity: { voice: v["capacity.voice"], chat: v["capacity.chat"], email: v["capacity.email"] },
      shifts: props.agent.routing?.shifts ?? [],
      ...(f.calendar ? { schedule_calendar_id: f.calendar } : {}),
    };
    const saved = await form.run(() => unwrap(api.v1.agents[":id"].routing.$put({ param: { id: props.agent.id }, json: routing })), `${props.agent.name}'s routing saved`);
    if (saved) props.onSaved(saved);
  };
  return (
    <form noValidate class="adm-subform" onSubmit={submit} aria-label={`Routing profile of ${props.agent.name}`} data-testid="routing-form">
      <TextInput name="skills" label="Skills and levels" value={f.skills} onInput={set("skills")} error={form.errors.skills} hint="skill:level, level 1–5 (3 when left out), e.g. billing:4, refunds:2.5" />
      <div class="adm-grid">
        <TextInput name="teams" label="Teams" value={f.teams} onInput={set("teams")} error={form.errors.teams} hint="Comma-separated team ids." />
        <TextInput name="languages" label="Languages" value={f.languages} onInput={set("languages")} error={form.errors.languages} hint="e.g. en, zh" />
      </div>
      <fieldset class="adm-fieldset">
        <legend>Capacity: contacts at once</legend>
        <div class="adm-grid">
          <TextInput name="capacity.chat" label="Chats" type="number" min={0} max={50} value={f.chat} onInput={set("chat")} error={form.errors["capacity.chat"]} />
          <TextInput name="capacity.email" label="E-mails" type="number" min={0} max={200} value={f.email} onInput={set("email")} error={form.errors["capacity.email"]} />
          <TextInput name="capacity.voice" label="Calls" type="number" min={0} max={10} value={f.voice} onInput={set("voice")} error={form.errors["capacity.voice"]} />
        </div>
      </fieldset>
      <Select
        name="schedule_calendar_id"
        label="Working hours"
        value={f.calendar}
        options={[["", "Always on shift"], ...props.calendars.map((k) => [k.id, k.name] as const)]}
        onChange={set("calendar")}
        error={form.errors.schedule_calendar_id}
      />
      <FormActions busy={form.busy} error={form.errors[""]}>
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
      </FormActions>
    </form>
  );
}

function SignInHelp(props: { agent: Agent }) {
  const [link, setLink] = useState<{ url: string; expires_at: number } | null>(null);
  const [password, setPassword] = useState("");
  const form = useSubmit(["password"], "set passwords");
  const sendLink = async () => {
    try {
      setLink(await unwrap(api.v1.agents[":id"]["magic-link"].$post({ param: { id: props.agent.id } })));
    } catch (err) {
      toast(problemText(err, "make sign-in links"), "error");
    }
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    const done = await form.run(() => expectOk(api.v1.agents[":id"].password.$put({ param: { id: props.agent.id }, json: { password } })).then(() => true), `Password of ${props.agent.name} changed`);
    if (done) setPassword("");
  };
  return (
    <div class="adm-subform" data-testid="signin-help">
      <button type="button" data-testid="magic-link" onClick={() => void sendLink()}>
        Make a sign-in link
      </button>
      {link && <CopyValue label={`One-time sign-in link for ${props.agent.name}, valid until ${when(link.expires_at)}`} value={link.url} testid="magic-url" secret />}
      <form noValidate onSubmit={submit} aria-label={`New password for ${props.agent.name}`}>
        <TextInput name="password" label="New password" type="password" value={password} onInput={setPassword} error={form.errors.password} required autocomplete="new-password" />
        <FormActions busy={form.busy} error={form.errors[""]} label="Set password" />
      </form>
    </div>
  );
}

function AgentRow(props: { agent: Agent; calendars: { id: string; name: string }[]; onSaved: (a: Agent) => void }) {
  const a = props.agent;
  const [open, setOpen] = useState<"routing" | "signin" | null>(null);
  const r = a.routing;
  const calendar = r?.schedule_calendar_id ? (props.calendars.find((k) => k.id === r.schedule_calendar_id)?.name ?? r.schedule_calendar_id) : null;
  return (
    <>
      <tr data-testid="agent-row">
        <th scope="row">
          {a.name}
          <div class="adm-sub">{a.email}</div>
        </th>
        <td>{ROLES.find(([v]) => v === a.role)?.[1]}</td>
        <td>{r?.skills.length ? formatSkills(r.skills) : "—"}</td>
        <td>{r?.teams.length ? formatList(r.teams) : "—"}</td>
        <td>{r?.languages.length ? formatList(r.languages) : "—"}</td>
        <td>
          {(() => {
            const c = r?.capacity ?? DEFAULT_CAPACITY;
            return `${c.chat} chats · ${c.email} e-mails · ${c.voice} calls`;
          })()}
          {calendar && <div class="adm-sub">{calendar}</div>}
        </td>
        <td>
          <div class="adm-buttons">
          <button type="button" aria-expanded={open === "routing"} data-testid="edit-routing" onClick={() => setOpen(open === "routing" ? null : "routing")}>
            Routing
          </button>
          <button type="button" aria-expanded={open === "signin"} data-testid="signin" onClick={() => setOpen(open === "signin" ? null : "signin")}>
            Sign-in
          </button>
          </div>
        </td>
      </tr>
      {open && (
        <tr class="adm-expand">
          <td colSpan={7}>
            {open === "routing" ? (
              <RoutingEditor agent={a} calendars={props.calendars} onCancel={() => setOpen(null)} onSaved={(s) => (setOpen(null), props.onSaved(s))} />
            ) : (
              <SignInHelp agent={a} />
            )}
          </td>
        </tr>
      )}
    </>
  );
}

export function AgentsPage(_: { session: Session }) {
  const agents = useLoad(async () => {
    const all: Agent[] = [];
    for await (const a of paginate((cursor) => api.v1.agents.$get({ query: cursor ? { cursor } : {} }))) all.push(a);
    return all;
  }, "list agents");
  const [calendars, setCalendars] = useState<{ id: string; name: string }[]>([]);
  useEffect(() => {
    unwrap(api.v1.routing.config.$get())
      .then((c) => setCalendars(c.calendars.map((k) => ({ id: k.id, name: k.name ?? k.id }))))
      .catch(() => setCalendars([]));
  }, []);
  const replace = (a: Agent) => agents.setData((agents.data ?? []).map((x) => (x.id === a.id ? a : x)));
  return (
    <Page id="agents" title="Agents" intro="Who answers customers: their role, what they are good at, and how much they take on at once.">
      <CreateAgent onCreated={() => void agents.reload()} />
      {agents.error && <Notice>{agents.error}</Notice>}
      {agents.data && agents.data.length === 0 && <Empty>No agents yet.</Empty>}
      {agents.data && agents.data.length > 0 && (
        <table class="adm-table" data-testid="agent-list">
          <thead>
            <tr>
              <th scope="col">Agent</th>
              <th scope="col">Role</th>
              <th scope="col">Skills</th>
              <th scope="col">Teams</th>
              <th scope="col">Languages</th>
              <th scope="col">Capacity</th>
              <th scope="col" class="adm-sr">Actions</th>
            </tr>
          </thead>
          <tbody>
            {agents.data.map((a) => (
              <AgentRow key={a.id} agent={a} calendars={calendars} onSaved={replace} />
            ))}
          </tbody>
        </table>
      )}
    </Page>
  );
}
