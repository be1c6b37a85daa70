/// The coordinator's dashboard: one self-contained page (no external scripts, styles or
/// fonts) that polls `/api/state` every second and draws accuracy and loss per round as
/// inline SVG, the open round's progress, live nodes, alerts and the registry's versions.
/// Every chart point carries its round and value (`data-round`, `data-value`), so that a
/// browser check can read what was drawn.
enum DashboardPage {
    static let html = #"""
    <!DOCTYPE html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <title>fedz dashboard</title>
    <style>
      body { font: 14px system-ui, sans-serif; margin: 16px; color: #222; background: #fafafa; }
      h1 { font-size: 20px; margin: 0 0 8px; }
      h2 { font-size: 15px; margin: 0 0 6px; }
      .grid { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }
      .card { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 10px; }
      table { border-collapse: collapse; width: 100%; }
      td, th { text-align: left; padding: 2px 6px; border-bottom: 1px solid #eee; }
      .bar { height: 12px; background: #eee; border-radius: 6px; overflow: hidden; }
      .bar > div { height: 100%; background: #2b7bb9; }
      .muted { color: #777; }
      .open { color: #b00; font-weight: 600; }
      svg text { font-size: 11px; fill: #555; }
    </style>
    </head>
    <body>
    <h1>fedz <span id="status" class="muted">connecting…</span></h1>
    <div class="grid">
      <div class="card"><h2>Accuracy per round</h2><p class="muted">solid: test set (or, without one, the federated evaluation); dashed: federated evaluation, sample-weighted and the worst client</p><svg id="accuracy" width="560" height="220"></svg></div>
      <div class="card"><h2>Loss per round <span class="muted">(— test, - - train)</span></h2><svg id="loss" width="560" height="220"></svg></div>
      <div class="card"><h2>Current round</h2><div id="progress" class="muted">no round open</div></div>
      <div class="card"><h2>Live nodes</h2><table id="nodes"></table></div>
      <div class="card"><h2>Drift alerts</h2><table id="alerts"></table></div>
      <div class="card"><h2>Model versions</h2><table id="versions"></table></div>
    </div>
    <script>
    "use strict";
    const NS = "http://www.w3.org/2000/svg";
    function el(name, attrs, text) {
      const node = document.createElementNS(NS, name);
      for (const key in attrs) node.setAttribute(key, attrs[key]);
      if (text !== undefined) node.textContent = text;
      return node;
    }
    function fmt(value, digits) { return value === null || value === undefined ? "–" : Number(value).toFixed(digits); }
    function cell(row, text, cls) { const td = row.insertCell(); td.textContent = text; if (cls) td.className = cls; }
    function table(id, header, rows) {
      const t = document.getElementById(id);
      t.replaceChildren();
      const head = t.insertRow();
      header.forEach(h => { const th = document.createElement("th"); th.textContent = h; head.appendChild(th); });
      rows.forEach(values => { const row = t.insertRow(); values.forEach(v => cell(row, v[0], v[1])); });
      if (rows.length === 0) cell(t.insertRow(), "none", "muted");
    }
    // A line chart of series [{key, rounds: [[round, value]], dash}] over rounds 1…lastRound
    // (at least the rounds so far), with one circle per point.
    function chart(id, series, lastRound, fixedMax) {
      const svg = document.getElementById(id);
      svg.replaceChildren();
      const width = +svg.getAttribute("width"), height = +svg.getAttribute("height");
      const left = 48, right = 12, top = 10, bottom = 28;
      const points = series.flatMap(s => s.rounds);
      if (points.length === 0) { svg.appendChild(el("text", {x: left, y: height / 2}, "waiting for the first round")); return; }
      const maxRound = Math.max(lastRound, ...points.map(p => p[0]));
      const values = points.map(p => p[1]).filter(Number.isFinite);
      const low = fixedMax === undefined ? Math.min(0, ...values) : Math.min(...values, fixedMax) - 0.02 * fixedMax;
      const high = fixedMax === undefined ? Math.max(...values) * 1.05 || 1 : fixedMax;
      const x = r => left + (maxRound === 1 ? 0.5 : (r - 1) / (maxRound - 1)) * (width - left - right);
      const y = v => top + (1 - (v - low) / (high - low || 1)) * (height - top - bottom);
      svg.appendChild(el("line", {x1: left, y1: height - bottom, x2: width - right, y2: height - bottom, stroke: "#999"}));
      svg.appendChild(el("line", {x1: left, y1: top, x2: left, y2: height - bottom, stroke: "#999"}));
      for (let i = 0; i <= 4; i++) {
        const v = low + (high - low) * i / 4;
        svg.appendChild(el("text", {x: 4, y: y(v) + 4}, fmt(v, fixedMax === 1 ? 2 : 3)));
      }
      const step = Math.max(1, Math.ceil(maxRound / 10));
      for (let r = 1; r <= maxRound; r += step) svg.appendChild(el("text", {x: x(r) - 4, y: height - 10, class: "round-label"}, r));
      const colors = ["#2b7bb9", "#d9822b", "#6a9f3a"];
      series.forEach((s, index) => {
        const color = colors[index % colors.length];
        const path = s.rounds.map((p, i) => (i ? "L" : "M") + x(p[0]).toFixed(1) + " " + y(p[1]).toFixed(1)).join(" ");
        svg.appendChild(el("path", {d: path, fill: "none", stroke: color, "stroke-width": 2, "stroke-dasharray": s.dash || ""}));
        s.rounds.forEach(p => svg.appendChild(el("circle", {
          cx: x(p[0]).toFixed(1), cy: y(p[1]).toFixed(1), r: 3, fill: color,
          class: "point " + s.key, "data-round": p[0], "data-value": p[1]})));
      });
    }
    function render(state) {
      const done = state.rounds.length;
      document.getElementById("status").textContent =
        done + " of " + state.planned_rounds + " rounds" +
        (done ? ", test accuracy " + fmt(100 * state.rounds[done - 1].test_accuracy, 2) + " %" : "") +
        (state.production !== null && state.production !== undefined ? ", production v" + state.production : "");
      document.body.dataset.rounds = done;
      const federated = state.rounds.filter(r => r.federated_accuracy !== null && r.federated_accuracy !== undefined);
      chart("accuracy", [{key: "accuracy", rounds: state.rounds.map(r => [r.round, r.test_accuracy])}].concat(federated.length ? [
        {key: "federated-accuracy", rounds: federated.map(r => [r.round, r.federated_accuracy]), dash: "5 4"},
        {key: "federated-worst-client", rounds: federated.map(r => [r.round, r.federated_minimum]), dash: "2 3"}] : []),
        state.planned_rounds, 1);
      chart("loss", [
        {key: "test-loss", rounds: state.rounds.map(r => [r.round, r.test_loss])},
        {key: "train-loss", rounds: state.rounds.map(r => [r.round, r.train_loss]), dash: "5 4"}], state.planned_rounds);
      const progress = document.getElementById("progress");
      if (state.current) {
        const c = state.current, share = c.sampled ? c.answered / c.sampled : 0;
        progress.className = "";
        progress.innerHTML = "";
        const text = document.createElement("div");
        text.textContent = "round " + c.round + ": " + c.answered + " of " + c.sampled + " clients answered, " + fmt(c.elapsed, 1) + " s";
        const bar = document.createElement("div"); bar.className = "bar";
        const fill = document.createElement("div"); fill.style.width = (100 * share).toFixed(0) + "%";
        bar.appendChild(fill); progress.append(text, bar);
      } else {
        progress.className = "muted";
        progress.textContent = done >= state.planned_rounds ? "all rounds done" : "no round open";
      }
      table("nodes", ["node", "clients", "last heartbeat"], state.nodes.map(n =>
        [[n.id], [n.clients], [n.last_heartbeat === null || n.last_heartbeat === undefined ? "–" : fmt(n.last_heartbeat, 1) + " s ago"]]));
      table("alerts", ["id", "stream", "detector", "value / baseline", "state"], state.alerts.map(a =>
        [[a.id], [a.stream], [a.detector], [fmt(a.value, 3) + " / " + fmt(a.baseline, 3)],
         [a.state + (a.resolution ? ": " + a.resolution : ""), a.state === "open" ? "open" : ""]]));
      table("versions", ["version", "round", "parent", "test accuracy", "alias"], state.versions.slice().reverse().slice(0, 12).map(v =>
        [[v.number], [v.round], [v.parent === null || v.parent === undefined ? "–" : v.parent],
         [v.test_accuracy === null || v.test_accuracy === undefined ? "–" : fmt(100 * v.test_accuracy, 2) + " %"],
         [v.aliases.join(", ")]]));
    }
    async function poll() {
      try {
        const response = await fetch("/api/state", {cache: "no-store"});
        if (!response.ok) throw new Error("HTTP " + response.status);
        render(await response.json());
      } catch (error) {
        document.getElementById("status").textContent = "disconnected (" + error.message + "); retrying";
      }
      setTimeout(poll, 1000);
    }
    poll();
    </script>
    </body>
    </html>
    """#
}
