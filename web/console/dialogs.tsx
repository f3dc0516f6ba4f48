import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import type { TransferTarget } from "../../shared/routing-config";
import { SHORTCUTS } from "./shortcuts";
import { problemText } from "./use-conversation";

/** A native <dialog> shown modally: focus is trapped and Escape closes it. */
function Modal(props: { title: string; onClose: () => void; children: ComponentChildren; testid: string }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);
  return (
    <dialog ref={ref} class="dialog" data-testid={props.testid} aria-label={props.title} onClose={props.onClose} onCancel={props.onClose}>
      <h2>{props.title}</h2>
      {props.children}
    </dialog>
  );
}

export function HelpDialog(props: { onClose: () => void }) {
  return (
    <Modal title="Keyboard shortcuts" onClose={props.onClose} testid="help-dialog">
      <table class="shortcuts">
        <tbody>
          {SHORTCUTS.map((s) => (
            <tr key={s.key}>
              <td>
                <kbd>{s.key}</kbd>
              </td>
              <td>{s.label}</td>
            </tr>
          ))}
          <tr>
            <td>
              <kbd>Enter</kbd> / <kbd>Shift</kbd>+<kbd>Enter</kbd>
            </td>
            <td>Send / new line in the reply box</td>
          </tr>
          <tr>
            <td>
              <kbd>Esc</kbd>
            </td>
            <td>Leave a field or close a dialog</td>
          </tr>
        </tbody>
      </table>
      <p class="muted">Shortcuts are off while you type in a field.</p>
      <div class="dialog-actions">
        <button type="button" class="primary" onClick={props.onClose} autofocus>
          Close
        </button>
      </div>
    </Modal>
  );
}

export type TransferChoices = { agents: { id: string; name: string }[]; teams: string[]; queues: { id: string; name: string }[] };

export function TransferDialog(props: { choices: TransferChoices; onClose: () => void; onTransfer: (to: TransferTarget, note: string) => Promise<void> }) {
  const [kind, setKind] = useState<TransferTarget["kind"]>("agent");
  const [target, setTarget] = useState("");
  const [note, setNote] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const options =
    kind === "agent" ? props.choices.agents.map((a) => ({ value: a.id, label: a.name })) : kind === "team" ? props.choices.teams.map((t) => ({ value: t, label: t })) : props.choices.queues.map((q) => ({ value: q.id, label: q.name }));
  useEffect(() => setTarget(options[0]?.value ?? ""), [kind]);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!target) return;
    const to: TransferTarget = kind === "agent" ? { kind, agent_id: target } : kind === "team" ? { kind, team: target } : { kind, queue_id: target };
    setBusy(true);
    setError(null);
    try {
      await props.onTransfer(to, note.trim());
      props.onClose();
    } catch (err) {
      setError(problemText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal title="Transfer conversation" onClose={props.onClose} testid="transfer-dialog">
      <form onSubmit={submit} class="transfer">
        <fieldset>
          <legend>To</legend>
          {(["agent", "team", "queue"] as const).map((k) => (
            <label key={k} class="radio">
              <input type="radio" name="kind" value={k} checked={kind === k} onChange={() => setKind(k)} data-testid={`transfer-kind-${k}`} /> {k === "agent" ? "An agent" : k === "team" ? "A team" : "A queue"}
            </label>
          ))}
        </fieldset>
        <label>
          {kind === "agent" ? "Agent" : kind === "team" ? "Team" : "Queue"}
          <select value={target} onChange={(e) => setTarget(e.currentTarget.value)} data-testid="transfer-target" required>
            {options.length === 0 && <option value="">None available</option>}
            {options.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Note for whoever takes it (optional)
          <textarea value={note} onInput={(e) => setNote(e.currentTarget.value)} rows={3} maxLength={2000} data-testid="transfer-note" />
        </label>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <div class="dialog-actions">
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={busy || !target} data-testid="transfer-submit">
            {busy ? "Transferring…" : "Transfer"}
          </button>
        </div>
      </form>
    </Modal>
  );
}
