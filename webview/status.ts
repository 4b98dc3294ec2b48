/** Status panel app: renders the server status snapshot pushed by the host. */
import { RestartServer, ShowLog, StatusRefresh, type StatusSnapshot } from "../protocol/webview";
import { h, replaceChildren } from "./lib/dom";
import { onSnapshot, request } from "./lib/vscodeApi";

const app = document.getElementById("app") as HTMLElement;

function row(label: string, value: string | number, id?: string): HTMLElement {
  return h("div", { class: "row" }, h("dt", {}, label), h("dd", id ? { id } : {}, String(value)));
}

function fmtTime(ms: number): string {
  return new Date(ms).toLocaleString();
}

function render(s: StatusSnapshot): void {
  document.body.dataset.theme = s.theme;
  const st = s.status;
  const health = st?.health ?? "starting";
  const badge = h("span", { class: `badge badge-${health}`, id: "health" }, health);
  const refresh = h("button", { type: "button", id: "refresh" }, "Refresh");
  const showLog = h("button", { type: "button", class: "secondary", id: "show-log" }, "Show Log");
  const restart = h("button", { type: "button", class: "secondary", id: "restart" }, "Restart Server");
  refresh.addEventListener("click", () => void request(StatusRefresh, {}));
  showLog.addEventListener("click", () => void request(ShowLog, {}));
  restart.addEventListener("click", () => {
    restart.disabled = true;
    void request(RestartServer, {}).finally(() => (restart.disabled = false));
  });

  const details = st
    ? h(
        "dl",
        { class: "grid" },
        row("OTLP endpoint", st.otlpEndpoint ?? "—", "endpoint"),
        row("OTLP port", st.otlpPort ?? "—", "port"),
        row("Traces", st.traceCount.toLocaleString(), "trace-count"),
        row("Spans", st.spanCount.toLocaleString(), "span-count"),
        row("Spans received this session", st.spansIngested.toLocaleString()),
        row("Database", st.dbPath, "db-path"),
        row("Server process", st.pid, "server-pid"),
        st.ownerPid !== null && st.ownerPid !== st.pid ? row("Owning server process", st.ownerPid, "owner-pid") : null,
        row("Server version", st.version),
        row("Node.js", st.nodeVersion),
        row("SQLite", st.sqliteVersion ?? "—"),
        row("Started", fmtTime(st.startedAtMs)),
        row("Restarts after a crash", s.client.restarts, "restarts"),
        s.client.lastRestartReason ? row("Last restart", s.client.lastRestartReason) : null,
      )
    : h("p", { class: "muted" }, s.client.lastRestartReason ? `Restarting: ${s.client.lastRestartReason}` : "Waiting for the server…");

  replaceChildren(
    app,
    h("header", {}, h("h1", {}, "ScoreLens server"), badge),
    h("p", { class: "message", id: "message" }, st?.message ?? "The server is starting."),
    st?.portNote ? h("p", { class: "warning", id: "port-note" }, st.portNote) : null,
    details,
    h("div", { class: "actions" }, refresh, showLog, restart),
    st?.otlpEndpoint
      ? h(
          "section",
          { class: "hint" },
          h("h2", {}, "Send traces here"),
          h("pre", {}, `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=${st.otlpEndpoint}`),
        )
      : null,
  );
  app.setAttribute("aria-busy", "false");
}

onSnapshot("status", (msg) => {
  if (msg.type === "status/snapshot") render(msg);
});
