import { useState } from 'preact/hooks';
import { get, post } from './api.js';
import { Badge, ConfirmButton, ErrorBox, html, Loading, Time, useData } from './ui.js';

export function PinsPage({ session }) {
  const { data, error, reload } = useData(() => get('/api/dashboard/pins'), [], ['pins']);
  const [message, setMessage] = useState('');
  const [actionError, setActionError] = useState(null);
  const operator = session.role === 'operator';
  const unpin = async (workload) => {
    setActionError(null);
    try {
      await post('/api/dashboard/pins/unpin', { workload });
      setMessage(`Unpinned ${workload}.`);
      reload();
    } catch (e) {
      setActionError(e);
    }
  };
  return html`
    <h1 tabindex="-1">Pins</h1>
    <p class="muted">A pinned workload runs on its pinned version whatever the rollout or default says.</p>
    <div role="status" aria-live="polite" class="flash">${message}</div>
    <${ErrorBox} error=${error ?? actionError} />
    ${!operator && html`<p class="muted">Unpinning needs an operator token.</p>`}
    ${!data && !error && html`<${Loading} what="pins" />`}
    ${data &&
    (data.length === 0
      ? html`<p>No workload is pinned.</p>`
      : html`<div class="table-scroll"><table>
          <thead><tr>
            <th scope="col">Workload</th><th scope="col">Version</th><th scope="col">Reason</th>
            <th scope="col">Age</th><th scope="col">By</th><th scope="col">Note</th><th scope="col">Regression</th>
            <th scope="col"><span class="sr-only">Actions</span></th>
          </tr></thead>
          <tbody>
            ${data.map(
              (p) => html`<tr>
                <th scope="row"><a href=${`#/workloads/${encodeURIComponent(p.workload)}`}>${p.workload}</a></th>
                <td>${p.version}</td>
                <td><${Badge} tone=${p.reason === 'regression' ? 'warn' : 'neutral'}>${p.reason}<//></td>
                <td><${Time} value=${p.createdAt} /></td>
                <td>${p.createdBy}</td>
                <td>${p.note ?? ''}</td>
                <td>${p.regressionId ? html`<a href=${`#/regressions/${p.regressionId}`}>#${p.regressionId}</a>` : '–'}</td>
                <td><${ConfirmButton} label=${`Unpin ${p.workload}`} danger=${true} disabled=${!operator}
                  title=${`Unpin ${p.workload}`}
                  message=${`Unpin ${p.workload} from ${p.version}? Its next queries are routed by the rollout or the default version.`}
                  confirmLabel="Unpin" onConfirm=${() => unpin(p.workload)} /></td>
              </tr>`,
            )}
          </tbody>
        </table></div>`)}`;
}
