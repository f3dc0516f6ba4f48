import { useState } from "preact/hooks";
import { unwrap } from "../../../sdk/rest";
import { api } from "../../lib/session";
import { CHANNEL_KINDS, channelConfig, type ChannelKind } from "./channel-fields";
import { Check, ConfirmButton, CopyValue, Empty, expectOk, FormActions, Notice, Page, problemText, Select, TextInput, toast, useLoad, useSubmit, when } from "./ui";

const kindOf = (name: string): ChannelKind | undefined => CHANNEL_KINDS.find((k) => k.name === name);
const labelOf = (name: string) => kindOf(name)?.label ?? (name.startsWith("custom:") ? `${name.slice(7)} (custom)` : name);

function ChannelForm(props: { kind: ChannelKind; existing: boolean; enabled: boolean; onSaved: () => void; onCancel: () => void }) {
  const [values, setValues] = useState<Record<string, string>>({});
  const [enabled, setEnabled] = useState(props.enabled);
  const fields = props.kind.fields.map((f) => `config.${f.key}`);
  const form = useSubmit([...fields, "config", "enabled"], "connect channels");
  const submit = async (e: Event) => {
    e.preventDefault();
    const saved = await form.run(
      () => unwrap(api.v1.channels[":name"].$put({ param: { name: props.kind.name }, json: { config: channelConfig(props.kind, values), enabled } })),
      `${props.kind.label} ${props.existing ? "updated" : "connected"}`,
    );
    if (saved) props.onSaved();
  };
  return (
    <form noValidate class="adm-card" onSubmit={submit} aria-label={`${props.kind.label} credentials`} data-testid="channel-form">
      <h3>{props.kind.label}</h3>
      {props.existing && <Notice kind="info">Credentials are set and never shown again. To change the configuration, enter every credential anew.</Notice>}
      <div class="adm-grid">
        {props.kind.fields.map((f) => (
          <TextInput
            key={f.key}
            name={f.key}
            label={`${f.label}${f.optional ? " (optional)" : ""}`}
            type={f.secret ? "password" : f.kind === "url" ? "url" : "text"}
            autocomplete={f.secret ? "new-password" : "off"}
            value={values[f.key] ?? ""}
            onInput={(v) => setValues({ ...values, [f.key]: v })}
            error={form.errors[`config.${f.key}`]}
            required={!f.optional}
            placeholder={props.existing && f.secret ? "set: enter a new value" : ""}
            {...(f.hint ? { hint: f.hint } : {})}
          />
        ))}
      </div>
      <Check name="enabled" label="Enabled: receive and send messages" checked={enabled} onChange={setEnabled} error={form.errors.enabled} />
      <FormActions busy={form.busy} error={form.errors[""] ?? form.errors.config} label={props.existing ? "Save" : "Connect"}>
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
      </FormActions>
    </form>
  );
}

export function ChannelsPage() {
  const list = useLoad(async () => (await unwrap(api.v1.channels.$get())).data, "manage channels");
  const [editing, setEditing] = useState<string | null>(null);
  const [adding, setAdding] = useState("");
  const configured = new Set((list.data ?? []).map((c) => c.name));
  const available = CHANNEL_KINDS.filter((k) => !configured.has(k.name));
  const remove = async (name: string) => {
    try {
      await expectOk(api.v1.channels[":name"].$delete({ param: { name } }));
      toast(`${labelOf(name)} disconnected`);
      await list.reload();
    } catch (err) {
      toast(problemText(err, "disconnect channels"), "error");
    }
  };
  const done = () => {
    setEditing(null);
    setAdding("");
    void list.reload();
  };
  const addKind = kindOf(adding);
  return (
    <Page id="channels" title="Channels" intro="Where customers reach you. Connect a provider with its credentials, then set its webhook URL in the provider's console.">
      {list.error && <Notice>{list.error}</Notice>}
      {list.data && (
        <>
          {available.length > 0 && !addKind && (
            <div class="adm-card adm-inline">
              <Select name="channel" label="Connect a channel" value={adding} options={[["", "Choose…"], ...available.map((k) => [k.name, k.label] as const)]} onChange={setAdding} />
            </div>
          )}
          {addKind && <ChannelForm kind={addKind} existing={false} enabled onSaved={done} onCancel={() => setAdding("")} />}
          {list.data.length === 0 ? (
            <Empty>No channel connected yet. The web widget works without one.</Empty>
          ) : (
            <ul class="adm-list" data-testid="channel-list">
              {list.data.map((c) => {
                const kind = kindOf(c.name);
                if (editing === c.name && kind) return <li key={c.name}>{<ChannelForm kind={kind} existing enabled={c.enabled} onSaved={done} onCancel={() => setEditing(null)} />}</li>;
                return (
                  <li key={c.name} class="adm-card" data-testid="channel-row">
                    <div class="adm-row-head">
                      <strong>{labelOf(c.name)}</strong>
                      <span class={`adm-pill ${c.enabled ? "adm-pill-delivered" : "adm-pill-dead"}`} data-testid="channel-status">
                        {c.enabled ? "Enabled" : "Disabled"}
                      </span>
                    </div>
                    <p class="adm-sub">Credentials: set · changed {when(c.updated_at)}</p>
                    <CopyValue label="Webhook URL for the provider" value={c.webhook_url} testid="webhook-url" />
                    <div class="adm-buttons">
                      {kind && (
                        <button type="button" data-testid="edit" onClick={() => setEditing(c.name)}>
                          Edit credentials
                        </button>
                      )}
                      <ConfirmButton label="Disconnect" question={`Disconnect ${labelOf(c.name)}? Its messages stop arriving.`} confirmLabel="Disconnect" testid="delete" onConfirm={() => remove(c.name)} />
                    </div>
                  </li>
                );
              })}
            </ul>
          )}
        </>
      )}
    </Page>
  );
}
