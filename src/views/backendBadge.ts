/** Plain description of the active backend, as the badge needs it (a copy of gpt/backend's status). */
export interface BadgeData {
  active: string;
  requested: string | null;
  fellBack: boolean;
  adapter: string | null;
  attempts: readonly {name: string; ok: boolean; reason?: string}[];
  demoted: {name: string; reason: string} | null;
  threads: number | null;
  simd: boolean | null;
}

/** The header badge: which backend every tensor on this page lives on. */
export function backendBadge(status: BadgeData): HTMLElement {
  const badge = document.createElement("span");
  badge.className = "tg-badge";
  badge.dataset.backend = status.active;
  badge.dataset.fellBack = String(status.fellBack);
  if (status.threads !== null) badge.dataset.threads = String(status.threads);
  if (status.simd !== null) badge.dataset.simd = String(status.simd);
  const software = status.active === "webgpu" && status.demoted ? " · software" : "";
  const threads = status.threads === null ? "" : ` · ${status.threads} ${status.threads === 1 ? "thread" : "threads"}`;
  badge.textContent = `backend: ${status.active}${software}${threads}`;
  const simd =
    status.simd === null ? "" : status.simd ? " (the course's SIMD kernels)" : " (without the course's SIMD kernels)";
  const tried = status.attempts.map((a) => (a.ok ? `${a.name}: active${simd}` : `${a.name}: ${a.reason}`));
  badge.title = [...tried, ...(status.demoted ? [`${status.demoted.name} last: ${status.demoted.reason}`] : [])].join(
    "\n"
  );
  return badge;
}

/**
 * The notice shown when the default order put a backend last (WebGPU on a software adapter) and the page, left to
 * choose, runs on another: which, why, and how to choose it anyway.
 */
export function demotedNotice(status: BadgeData): HTMLElement | null {
  const {demoted} = status;
  if (!demoted || status.requested || status.active === demoted.name) return null;
  const name = demoted.name === "webgpu" ? "WebGPU" : demoted.name;
  const notice = document.createElement("div");
  notice.className = "tg-notice";
  notice.setAttribute("role", "status");
  notice.dataset.demoted = demoted.name;
  const lead = document.createElement("strong");
  lead.textContent = `This page runs on ${status.active} rather than ${name}.`;
  const why = document.createElement("div");
  why.textContent = `This browser offers ${name}, but ${demoted.reason}.`;
  const hint = document.createElement("div");
  hint.textContent = `To use ${name} anyway, choose ${demoted.name} with the backend control in the header.`;
  notice.append(lead, why, hint);
  return notice;
}

/** The notice shown when the first choice could not be used, listing why each earlier backend failed. */
export function fallbackNotice(status: BadgeData): HTMLElement | null {
  if (!status.fellBack) return null;
  const first = status.attempts[0];
  const notice = document.createElement("div");
  notice.className = "tg-notice";
  notice.setAttribute("role", "status");
  notice.dataset.fallback = first.name;
  const lead = document.createElement("strong");
  lead.textContent = `${first.name === "webgpu" ? "WebGPU" : first.name} was unavailable; this page runs on ${status.active}.`;
  const list = document.createElement("ul");
  for (const attempt of status.attempts.filter((a) => !a.ok)) {
    const item = document.createElement("li");
    item.textContent = `${attempt.name}: ${attempt.reason}`;
    list.append(item);
  }
  const hint = document.createElement("div");
  hint.textContent = "Everything still works, only slower. A browser with WebGPU enabled trains fastest.";
  notice.append(lead, list, hint);
  return notice;
}
