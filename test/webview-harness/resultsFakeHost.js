// A fake VS Code host for the results panel harness page. Inlined into the page (with the CSP
// nonce) after `window.__fixture = {...}` and window.__resultsHostLib (protocol/runTable's
// encoder and text search, bundled by resultsHarness.ts). Defines acquireVsCodeApi(), answers
// `webview/ready` with a results snapshot (the run's columnar table, encoded here from the
// fixture's full rows, or given ready-made by the fixture) and answers the panel's requests like
// the extension: full rows by index, text searches over full rows, cancel, re-run, open trace.
// Like the extension, a big run is posted in two snapshots when the fixture says `firstRows`
// (or gives a `head` table): its first rows (partial), then all of them.
// Records every request in window.__requests, CSP violations in window.__cspViolations, the
// time from `webview/ready` to the first painted table row in window.__firstRowMs, and to the
// first frame after the panel took the whole table in window.__fullMs.
/* global window, document, sessionStorage, performance, MutationObserver, requestAnimationFrame */
(function () {
  "use strict";
  var fx = window.__fixture;
  var lib = window.__resultsHostLib;
  var requests = [];
  var violations = [];
  window.__requests = requests;
  window.__cspViolations = violations;
  window.__firstRowMs = null;
  window.__fullMs = null;
  /** Where the time to the first row went: clone (post → dispatch), handle (validation + panel code), paint. */
  window.__firstRowPhases = null;
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
    uiState = JSON.parse(sessionStorage.getItem("harness.results.uiState") || "null");
  } catch (e) {
    uiState = null;
  }

  // The first snapshot's arrival. Registered now, before the panel's script runs, so this
  // listener fires before the panel's (listeners run in registration order).
  var dispatched = 0;
  window.addEventListener("message", function onMsg(e) {
    if (e.data && e.data.type === "results/snapshot" && !dispatched) {
      dispatched = performance.now();
      window.removeEventListener("message", onMsg);
    }
  });

  // ─── the run ────────────────────────────────────────────────────────────
  var run = fx.run;
  var rows = fx.rows;
  var progress = fx.progress;

  function hex(n, len) {
    var s = "";
    var x = n + 1;
    while (s.length < len) {
      x = (Math.imul(x, 2654435761) + 0x9e3779b9) >>> 0;
      s += ("00000000" + x.toString(16)).slice(-8);
    }
    return s.slice(0, len);
  }

  /** The 100,000-row run: copies of the template rows with new ids and shifted numbers. */
  function replicate(template, n) {
    var out = new Array(n);
    for (var i = 0; i < n; i++) {
      var t = template[i % template.length];
      var k = Math.floor(i / template.length);
      out[i] = {
        traceId: hex(1000 + i, 32),
        traceName: t.traceName,
        traceState: t.traceState,
        durationMs: t.durationMs + (k % 7),
        logs: t.logs,
        datasetRow: t.datasetRow,
        feedbacks: t.feedbacks.map(function (f) {
          if (typeof f.value === "number" && !f.error) {
            var v = f.name === "groundedness" ? Math.min(1, Math.round((f.value * (0.9 + (k % 21) / 100)) * 1000) / 1000) : f.value + (k % 97);
            return { name: f.name, value: v, rationale: f.rationale, error: f.error, metadata: f.metadata, source: f.source };
          }
          return f;
        }),
      };
    }
    return out;
  }
  if (fx.replicateTo) rows = replicate(rows, fx.replicateTo);
  // what the server would send: encoded once per change of the rows, before the panel asks
  var table = fx.table || lib.encodeRunTable(rows);
  var head = fx.head || (fx.firstRows && rows.length > fx.firstRows ? lib.encodeRunTable(rows.slice(0, fx.firstRows)) : null);

  function snapshot(first) {
    var partial = !!(first && head);
    return {
      type: "results/snapshot",
      run: run,
      table: run ? (partial ? head : table) : null,
      partial: partial,
      progress: run && run.status === "running" ? progress : null,
      previous: fx.previous || null,
      message: fx.message,
      theme: "dark",
    };
  }

  /** Sets __fullMs once the panel shows every row (its row count no longer says it is loading). */
  function watchFull(t0) {
    function check() {
      var el = document.querySelector("#row-count");
      if (el && el.textContent.indexOf("loading") < 0 && el.textContent.indexOf("Loading") < 0) {
        window.__fullMs = performance.now() - t0;
        return;
      }
      requestAnimationFrame(check);
    }
    requestAnimationFrame(check);
  }

  function search(text) {
    var words = lib.filterWords(text);
    var out = [];
    for (var i = 0; i < rows.length; i++) {
      var r = rows[i];
      if (lib.matchesWords(lib.rowSearchText(r.traceName, r.traceId, r.feedbacks), words)) out.push(i);
    }
    return { rows: out };
  }

  function handle(method, params) {
    switch (method) {
      case "results/row":
        return rows[params.index] || null;
      case "results/search":
        return search(params.text);
      case "results/openTrace":
      case "judge/openTrace":
      case "results/compare":
      case "results/rerun":
        return { ok: true };
      case "results/cancel":
        setTimeout(function () {
          run = Object.assign({}, run, { status: "cancelled", durationMs: Date.now() - run.startedMs });
          post(snapshot());
        }, 30);
        return { ok: true };
      default:
        throw new Error("unknown request " + method);
    }
  }

  /** `painted` runs once the first row is painted (the extension would still be reading the rest). */
  function watchFirstRow(t0, painted) {
    var done = false;
    var posted = 0;
    var obs = new MutationObserver(function () {
      if (done || !document.querySelector(".rs-row")) return;
      done = true;
      obs.disconnect();
      // mutation records are delivered right after the panel's message handler returns
      var handled = performance.now();
      // painted: the frame after the row was inserted
      requestAnimationFrame(function () {
        requestAnimationFrame(function () {
          var now = performance.now();
          window.__firstRowMs = now - t0;
          window.__firstRowPhases = {
            clone: Math.round(dispatched - posted),
            handle: Math.round(handled - dispatched),
            paint: Math.round(now - handled),
          };
          painted();
        });
      });
    });
    obs.observe(document.body, { childList: true, subtree: true });
    return function () {
      posted = performance.now();
    };
  }

  // ─── the API ────────────────────────────────────────────────────────────
  window.__harness = {
    /** Scores `n` more traces of a running run and posts a snapshot. */
    advance: function (n) {
      var added = fx.pending.splice(0, n);
      rows = rows.concat(added);
      table = lib.encodeRunTable(rows);
      progress = { done: rows.length, total: progress ? progress.total : rows.length };
      var errs = 0;
      rows.forEach(function (r) {
        r.feedbacks.forEach(function (f) {
          if (f.error) errs++;
        });
      });
      run = Object.assign({}, run, { scoredCount: rows.length, errorCount: errs });
      post(snapshot());
    },
    finish: function () {
      run = Object.assign({}, run, { status: "completed", durationMs: Date.now() - run.startedMs });
      post(snapshot());
    },
    repost: function () {
      post(snapshot());
    },
    /** Posts the whole table after the first rows (fixtures with holdFull). */
    full: function () {
      post(snapshot(false));
    },
  };

  window.acquireVsCodeApi = function () {
    return {
      postMessage: function (msg) {
        if (msg.type === "webview/ready") {
          requests.push({ method: "webview/ready", params: msg.panel });
          var t0 = performance.now();
          var posting = watchFirstRow(t0, function () {
            if (!head || fx.holdFull) return;
            // the rest, once the first rows are painted (the extension reads them meanwhile)
            post(snapshot(false));
            setTimeout(function () {
              watchFull(t0);
            }, 0);
          });
          setTimeout(function () {
            posting();
            post(snapshot(true));
            if (!head) watchFull(t0);
          }, 0);
          return;
        }
        if (msg.type !== "webview/request") return;
        requests.push({ method: msg.method, params: msg.params });
        setTimeout(function () {
          try {
            respond(msg.id, handle(msg.method, msg.params));
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
        sessionStorage.setItem("harness.results.uiState", JSON.stringify(s));
      },
    };
  };
})();
