// A fake VS Code host for the Traces view and compare panel harness pages. Inlined into the
// page (with the CSP nonce) after `window.__fixture = {...}`. Defines acquireVsCodeApi(),
// answers `webview/ready` with a snapshot and answers requests like the extension would.
// Everything the webview sent is recorded in window.__requests for the tests.
/* global window, document, sessionStorage */
(function () {
  "use strict";
  var fx = window.__fixture;
  var requests = [];
  var violations = [];
  window.__requests = requests;
  window.__cspViolations = violations;
  document.addEventListener("securitypolicyviolation", function (e) {
    violations.push(e.violatedDirective + " " + e.blockedURI);
  });

  function post(msg) {
    window.postMessage(msg, "*");
  }
  function respond(id, result, error) {
    post({ type: "host/response", id: id, result: result === undefined ? null : result, error: error || null });
  }

  var uiState = null;
  try {
    uiState = JSON.parse(sessionStorage.getItem("harness.uiState") || "null");
  } catch (e) {
    uiState = null;
  }

  // ─── traces ──────────────────────────────────────────────────────────────
  var tr = null;
  if (fx.panel === "traces") {
    var base = Date.now();
    var rebase = function (r) {
      r.startTimeMs = base - r.startTimeMs;
      r.endTimeMs = r.startTimeMs + r.durationMs;
      return r;
    };
    tr = {
      all: fx.rows.map(rebase),
      incoming: fx.incoming,
      total: fx.total,
      shown: fx.pageSize,
      filter: "",
      filterError: null,
      paused: false,
      serverMessage: fx.serverMessage,
    };
  }

  function parseFilter(filter) {
    // returns { error } or { test(row) }
    var orAt = filter.search(/\bOR\b/i);
    if (orAt >= 0) {
      return { error: { message: "OR is not supported; join conditions with AND", column: orAt + 1, excerpt: filter } };
    }
    var tests = [];
    var re = /([A-Za-z_.`]+)\s*(=|!=|>=|<=|>|<|LIKE|ILIKE)\s*('([^']*)'|[0-9.]+)/gi;
    var parts = filter.split(/\s+AND\s+/i);
    var offset = 0;
    for (var i = 0; i < parts.length; i++) {
      var p = parts[i];
      var at = filter.indexOf(p, offset);
      offset = at + p.length;
      re.lastIndex = 0;
      var m = re.exec(p);
      if (!m) return { error: { message: "Expected a condition like trace.status = 'OK'", column: at + 1, excerpt: filter } };
      var field = m[1];
      var op = m[2].toUpperCase();
      var value = m[4] !== undefined ? m[4] : Number(m[3]);
      if (field === "trace.status") tests.push(function (v) { return function (r) { return r.state === v; }; }(value));
      else if (field === "trace.execution_time_ms")
        tests.push(function (o, v) {
          return function (r) {
            return o === ">" ? r.durationMs > v : o === "<" ? r.durationMs < v : o === ">=" ? r.durationMs >= v : o === "<=" ? r.durationMs <= v : r.durationMs === v;
          };
        }(op, value));
      else if (field === "trace.name")
        tests.push(function (v) {
          var needle = String(v).replace(/%/g, "").toLowerCase();
          return function (r) { return r.name.toLowerCase().indexOf(needle) >= 0; };
        }(value));
      else if (field.indexOf("span.") === 0 || field.indexOf("feedback.") === 0 || field.indexOf("tag.") === 0) tests.push(function () { return true; });
      else return { error: { message: "Unknown field '" + field + "'", column: at + 1, excerpt: filter } };
    }
    if (/nomatch/.test(filter)) tests.push(function () { return false; });
    return { test: function (r) { return tests.every(function (t) { return t(r); }); } };
  }

  function tracesSnapshot() {
    var rows = tr.all;
    tr.filterError = null;
    if (tr.filter) {
      var f = parseFilter(tr.filter);
      if (f.error) {
        tr.filterError = f.error;
        rows = [];
      } else rows = rows.filter(f.test);
    }
    return {
      type: "traces/snapshot",
      rows: rows.slice(0, tr.shown),
      total: tr.total,
      hasMore: rows.length > tr.shown,
      filter: tr.filter,
      filterError: tr.filterError,
      paused: tr.paused,
      serverMessage: tr.serverMessage,
      theme: "dark",
    };
  }

  function postTraces() {
    post(tracesSnapshot());
  }

  function handleTraces(method, params) {
    switch (method) {
      case "traces/filter":
        tr.filter = params.filter;
        tr.shown = fx.pageSize;
        postTraces();
        return { ok: true };
      case "traces/loadMore":
        tr.shown += fx.pageSize;
        postTraces();
        return { ok: true };
      case "traces/pause":
        tr.paused = params.paused;
        postTraces();
        return { ok: true };
      case "traces/open":
      case "traces/compare":
        return { ok: true };
      case "traces/select":
        tr.selection = params.traceIds;
        return { ok: true };
      case "traces/delete": {
        var ids = params.traceIds;
        var before = tr.all.length;
        tr.all = tr.all.filter(function (r) { return ids.indexOf(r.traceId) < 0; });
        var deleted = before - tr.all.length;
        tr.total -= deleted;
        postTraces();
        return { deleted: deleted };
      }
      default:
        throw new Error("unknown request " + method);
    }
  }

  // ─── compare ─────────────────────────────────────────────────────────────
  function compareSnapshot() {
    return { type: "compare/snapshot", left: fx.left, right: fx.right, message: fx.message, theme: "dark" };
  }
  function handleCompare(method) {
    if (method === "compare/openTrace") return { ok: true };
    throw new Error("unknown request " + method);
  }

  // ─── the API ─────────────────────────────────────────────────────────────
  window.__harness = {
    /** Adds `n` new traces at the top (live mode); posts a snapshot unless paused. */
    pushNew: function (n) {
      var now = Date.now();
      var added = tr.incoming.splice(0, n).map(function (r) {
        r.startTimeMs = now - 500;
        r.endTimeMs = r.startTimeMs + r.durationMs;
        return r;
      });
      tr.all = added.concat(tr.all);
      tr.total += added.length;
      tr.shown += added.length;
      postTraces();
    },
    setServerMessage: function (m) {
      tr.serverMessage = m;
      postTraces();
    },
    repost: function () {
      if (tr) postTraces();
      else post(compareSnapshot());
    },
  };

  window.acquireVsCodeApi = function () {
    return {
      postMessage: function (msg) {
        if (msg.type === "webview/ready") {
          requests.push({ method: "webview/ready", params: msg.panel });
          setTimeout(function () {
            post(fx.panel === "traces" ? tracesSnapshot() : compareSnapshot());
          }, 0);
          return;
        }
        if (msg.type !== "webview/request") return;
        requests.push({ method: msg.method, params: msg.params });
        setTimeout(function () {
          try {
            respond(msg.id, fx.panel === "traces" ? handleTraces(msg.method, msg.params) : handleCompare(msg.method));
          } catch (e) {
            respond(msg.id, null, String(e && e.message));
          }
        }, 5);
      },
      getState: function () {
        return uiState;
      },
      setState: function (s) {
        uiState = s;
        sessionStorage.setItem("harness.uiState", JSON.stringify(s));
      },
    };
  };
})();
