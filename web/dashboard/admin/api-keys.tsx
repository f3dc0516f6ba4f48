import { useState } from "preact/hooks";
import { paginate, unwrap } from "../../../sdk/rest";
import { RESOURCES } from "../../../shared/api-scopes";
import { api } from "../../lib/session";
import { scopesFrom, type Access } from "./form-map";
import { ConfirmButton, Empty, expectOk, FormActions, Notice, OnceSecret, Page, TextInput, toast, useLoad, useSubmit, when } from "./ui";


const LABEL: Record<string, string> = { api_keys: "API keys", kb: "Knowledge base", nlp: "Language (NLP)", audit: "Audit log" };
const label = (r: string) => LABEL[r] ?? r[0]!.toUpperCase() + r.slice(1);

function CreateKey(props: { onCreated: () => void }) {
  const [name, setName] = useState("");
  const [all, setAll] = useState(false);
  const [access, setAccess] = useState<Record<string, Access>>({});
  const [key, setKey] = useState<string | null>(null);
  const form = useSubmit(["name", "scopes"], "create API keys");
  const submit = async (e: Event) => {
    e.preventDefault();
    const scopes = scopesFrom(all, access);
    if (scopes.length === 0) return form.setErrors({ scopes: "Give the key at least one permission." });
    const created = await form.run(() => unwrap(api.v1["api-keys"].$post({ json: { name: name.trim(), scopes } })), `Key "${name.trim()}" created`);
    if (created) {
      setKey(created.key);
      setName("");
      setAccess({});
      setAll(false);
      props.onCreated();
    }
  };
  if (key) return <OnceSecret label="The new API key" value={key} testid="new-key" onDone={() => setKey(null)} />;
  return (
    <form noValidate class="adm-card" onSubmit={submit} aria-labelledby="key-new">
      <h3 id="key-new">New API key</h3>
      <TextInput name="name" label="Name" value={name} onInput={setName} error={form.errors.name} required maxLength={100} hint="Say what uses it, e.g. “CRM sync”." />
      <fieldset class={`adm-scopes${form.errors.scopes ? " adm-field-invalid" : ""}`} data-testid="field-scopes">
        <legend>Permissions</legend>
        <label class="adm-check">
          <input type="checkbox" checked={all} onChange={(e) => setAll(e.currentTarget.checked)} data-testid="scope-all" /> Full access (every resource, including new ones)
        </label>
        {!all && (
          <table class="adm-table adm-scope-table">
            <thead>
              <tr>
                <th scope="col">Resource</th>
                <th scope="col">None</th>
                <th scope="col">Read</th>
                <th scope="col">Read and write</th>
              </tr>
            </thead>
            <tbody>
              {RESOURCES.map((r) => (
                <tr key={r}>
                  <th scope="row">{label(r)}</th>
                  {(["none", "read", "write"] as const).map((a) => (
                    <td key={a}>
                      <input
                        type="radio"
                        name={`scope-${r}`}
                        aria-label={`${label(r)}: ${a}`}
                        data-testid={`scope-${r}-${a}`}
                        checked={(access[r] ?? "none") === a}
                        onChange={() => setAccess({ ...access, [r]: a })}
                      />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {form.errors.scopes && (
          <small class="adm-error" data-testid="error-scopes">
            {form.errors.scopes}
          </small>
        )}
      </fieldset>
      <FormActions busy={form.busy} error={form.errors[""]} label="Create key" />
    </form>
  );
}

export function ApiKeysPage() {
  const keys = useLoad(async () => {
    const all = [];
    for await (const k of paginate((cursor) => api.v1["api-keys"].$get({ query: cursor ? { cursor } : {} }))) all.push(k);
    return all;
  }, "list API keys");
  const revoke = async (id: string, name: string) => {
    try {
      await expectOk(api.v1["api-keys"][":id"].$delete({ param: { id } }));
      toast(`Key "${name}" revoked`);
      await keys.reload();
    } catch (err) {
      toast(err instanceof Error ? err.message : String(err), "error");
    }
  };
  return (
    <Page id="api-keys" title="API keys" intro="Keys let your own systems call the edgedesk API. Each key is shown once, when it is created; give it only the permissions it needs.">
      <CreateKey onCreated={() => void keys.reload()} />
      {keys.error && <Notice>{keys.error}</Notice>}
      {keys.data && keys.data.length === 0 && <Empty>No API keys yet.</Empty>}
      {keys.data && keys.data.length > 0 && (
        <table class="adm-table" data-testid="key-list">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Starts with</th>
              <th scope="col">Permissions</th>
              <th scope="col">Created</th>
              <th scope="col">Status</th>
              <th scope="col" class="adm-sr">Actions</th>
            </tr>
          </thead>
          <tbody>
            {keys.data.map((k) => (
              <tr key={k.id} data-testid="key-row" class={k.revoked_at ? "adm-muted" : ""}>
                <td>{k.name}</td>
                <td>
                  <code>{k.prefix}…</code>
                </td>
                <td>{k.scopes.includes("*") ? "Full access" : k.scopes.join(", ")}</td>
                <td>{when(k.created_at)}</td>
                <td>{k.revoked_at ? `Revoked ${when(k.revoked_at)}` : "Active"}</td>
                <td>{!k.revoked_at && <ConfirmButton label="Revoke" question={`Revoke “${k.name}”? Calls with it stop working.`} confirmLabel="Revoke key" testid="revoke" onConfirm={() => revoke(k.id, k.name)} />}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Page>
  );
}
