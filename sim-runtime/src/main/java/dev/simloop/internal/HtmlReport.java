package dev.simloop.internal;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A simulated run as one self-contained HTML page: no network, no external scripts, fonts or
 * styles. It shows a lane per task over the steps or over virtual time (switchable: many steps
 * share one instant), spans for running, ready, blocked (on what) and sleeping, arrows for
 * wake-ups, spawns and lock hand-offs, marks for cancels and the failure; then the failure with
 * its stack, the replay line (and the shrunk line, when there is one) with copy buttons, and the
 * text table.
 *
 * <p>The page draws itself from the run's events, embedded as JSON; the layout constants are
 * fixed so that a test can find the lanes in a screenshot.
 */
public final class HtmlReport {
    /** Pixel height of the page's header band, above the timeline. */
    public static final int HEADER_PX = 96;
    /** Pixel height of one lane. */
    public static final int LANE_PX = 30;
    /** Pixel height of the time axis above the first lane. */
    public static final int AXIS_PX = 26;
    /** Pixel width of the lane labels, left of the lanes. */
    public static final int LABEL_PX = 190;
    /** The most characters a lane's label shows of its task's {@code name#id} (all of it shows on hover). */
    static final int LANE_CHARS = 24;
    /** The page shows at most this many of the last events (a runaway run records up to 200,000). */
    static final int MAX_EVENTS = 4_000;
    /** A place in {@link #TEMPLATE} for a value: {@code $} and capitals ({@code $HEADER_PXpx} is {@code $HEADER_PX}, then "px"). */
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$([A-Z_]+)");
    /** A pattern reads a surrogate pair as one code point, so this matches only a half of one alone. */
    private static final Pattern LONE_SURROGATE = Pattern.compile("[\\uD800-\\uDFFF]");

    private String title = "simulated run";
    private String status = "";
    private Throwable failure;
    private String replayLine = "";
    private String shrunkLine;
    private String facts = "";

    /** Creates an empty report; fill it with the setters. */
    public HtmlReport() {
    }

    /** @param title what ran, e.g. the test's name @return this */
    public HtmlReport title(String title) {
        this.title = title;
        return this;
    }

    /** @param failure the run's failure, or null @return this */
    public HtmlReport failure(Throwable failure) {
        this.failure = failure;
        return this;
    }

    /** @param line the replay line @return this */
    public HtmlReport replayLine(String line) {
        this.replayLine = line;
        return this;
    }

    /** @param line the replay line of a shrunk (simpler) failing run, or null when there is none @return this */
    public HtmlReport shrunkLine(String line) {
        this.shrunkLine = line;
        return this;
    }

    /** @param facts seed, steps, virtual time and the like, as one line @return this */
    public HtmlReport facts(String facts) {
        this.facts = facts;
        return this;
    }

    /**
     * @param trace the run's trace
     * @return the page
     */
    public String render(Trace trace) {
        status = failure == null ? "passed" : "failed";
        List<Trace.Event> all = trace.events();
        List<Trace.Event> events = all.subList(Math.max(0, all.size() - MAX_EVENTS), all.size());
        String data = data(events, all.size() - events.size() + trace.skipped());
        Map<String, String> values = new LinkedHashMap<>();
        values.put("LAYOUT", "{\"header\":" + HEADER_PX + ",\"lane\":" + LANE_PX + ",\"axis\":" + AXIS_PX + ",\"label\":"
                + LABEL_PX + "}");
        values.put("HEADER_PX", Integer.toString(HEADER_PX));
        values.put("TITLE", html(title));
        values.put("STATUS", status);
        values.put("FACTS", html(facts));
        values.put("FAILURE", failure == null ? "" : "<section class=\"failure\"><h2>Failure</h2><pre>"
                + html(stack(failure)) + "</pre></section>");
        values.put("LINES", line("replay", replayLine) + (shrunkLine == null ? "" : line("shrunk", shrunkLine)));
        values.put("TABLE", html(trace.table(200)));
        // In a script element only "<" can end the data early ("</script>", or "<!--" with "<script",
        // which makes the page's own "</script>" not count); JSON may write it as \u003c anywhere.
        values.put("DATA", data.replace("<", "\\u003c"));
        return fill(values);
    }

    /**
     * @return the page with each {@code $NAME} of the template replaced by its value, in one pass:
     *     a value (a task's name, a failure's message) that holds a {@code $NAME} itself stays text
     */
    private static String fill(Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(TEMPLATE);
        StringBuilder page = new StringBuilder(TEMPLATE.length() + values.values().stream().mapToInt(String::length).sum());
        int from = 0;
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null) {
                throw new IllegalStateException("HtmlReport's template names " + m.group() + ", which has no value");
            }
            page.append(TEMPLATE, from, m.start()).append(value);
            from = m.end();
        }
        return page.append(TEMPLATE, from, TEMPLATE.length()).toString();
    }

    private static String line(String label, String text) {
        return "<div class=\"line\"><span class=\"lbl\">" + label + "</span><code>" + html(text)
                + "</code><button type=\"button\" class=\"copy\">copy</button></div>";
    }

    private static String data(List<Trace.Event> events, long earlier) {
        Map<Integer, String> tasks = new LinkedHashMap<>();
        events.forEach(e -> tasks.putIfAbsent(e.taskId(), e.label()));
        StringBuilder sb = new StringBuilder("{\"earlier\":").append(earlier).append(",\"tasks\":[");
        String sep = "";
        for (Map.Entry<Integer, String> t : tasks.entrySet()) {
            sb.append(sep).append("{\"id\":").append(t.getKey()).append(",\"label\":\"").append(Trace.escape(t.getValue()))
                    .append("\",\"lane\":\"").append(Trace.escape(lane(t.getValue()))).append("\"}");
            sep = ",";
        }
        sb.append("],\"spans\":[");
        sep = "";
        for (TraceSpans.Span s : TraceSpans.of(events)) {
            sb.append(sep).append(String.format(Locale.ROOT, "[%d,\"%s\",\"%s\",%d,%d,%d,%d]", s.taskId(),
                    s.state().name().toLowerCase(Locale.ROOT), Trace.escape(s.label()), s.startNanos(), s.startPos(),
                    s.endNanos(), s.endPos()));
            sep = ",";
        }
        sb.append("],\"marks\":[");
        sep = "";
        for (Trace.Event e : events) {
            if (e.kind() != Trace.Kind.RUN && e.kind() != Trace.Kind.YIELD) {
                sb.append(sep).append(String.format(Locale.ROOT, "[%d,\"%s\",\"%s\",%d,%d,%d,%d]", e.taskId(),
                        e.kind().name().toLowerCase(Locale.ROOT), Trace.escape(TraceTable.cell(e)), e.nanos(),
                        e.position(), e.byId(), e.step()));
                sep = ",";
            }
        }
        return sb.append("]}").toString();
    }

    /**
     * @return a task's label as its lane shows it: whole up to {@value #LANE_CHARS} characters, else
     *     its first {@value #LANE_CHARS} - 1 and an ellipsis, counted in code points: the page's script
     *     cut it by UTF-16 units, which split an emoji at the cut and showed its first half as U+FFFD
     */
    private static String lane(String label) {
        if (label.codePointCount(0, label.length()) <= LANE_CHARS) {
            return label;
        }
        return label.substring(0, label.offsetByCodePoints(0, LANE_CHARS - 1)) + "\u2026";
    }

    private static String stack(Throwable t) {
        StringWriter w = new StringWriter();
        try {
            t.printStackTrace(new PrintWriter(w));
            return w.toString();
        } catch (RuntimeException | LinkageError | StackOverflowError unprintable) {
            return safeStack(t); // a user's toString() threw: the page is still written
        }
    }

    /** @return the stack as printStackTrace writes it (the causes, not the suppressed), each text from {@link SafeText} */
    private static String safeStack(Throwable t) {
        StringBuilder sb = new StringBuilder();
        java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Throwable c = t; c != null && seen.add(c); c = c.getCause()) {
            sb.append(c == t ? "" : "Caused by: ").append(SafeText.of(c)).append('\n');
            for (StackTraceElement frame : c.getStackTrace()) {
                sb.append("\tat ").append(frame).append('\n');
            }
        }
        return sb.toString();
    }

    /**
     * @return {@code s} as HTML text: markup escaped, a half of a surrogate pair alone (a user's
     *     string cut inside an emoji) as U+FFFD, the replacement character: the page is written as
     *     UTF-8, which cannot hold it, and writing it failed; and a control character other than a tab
     *     or a line break (a terminal's escape code, a NUL) as {@code \\u001b} and the like, as the
     *     trace table writes it: HTML allows none of them, and a browser dropped a NUL unseen
     */
    static String html(String s) {
        String text = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
        return SafeText.visibleControls(LONE_SURROGATE.matcher(text).replaceAll("\uFFFD"), true);
    }

    private static final String TEMPLATE = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>simloop: $TITLE</title>
            <style>
            :root { --run:#2f9e5b; --ready:#dfe3ea; --blocked:#d9534f; --sleep:#4a8fd8; --ink:#1f2630; --muted:#687385;
                    --bg:#ffffff; --band:#f6f8fb; --line:#e3e7ee; }
            * { box-sizing: border-box; }
            body { margin:0; font:14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
                   color:var(--ink); background:var(--bg); }
            header { height:$HEADER_PXpx; overflow:hidden; padding:14px 22px; border-bottom:1px solid var(--line);
                     background:linear-gradient(#fbfcfe,#f3f5f9); }
            header h1 { margin:0; font-size:19px; font-weight:600; white-space:nowrap; overflow:hidden; text-overflow:ellipsis; }
            header .facts { color:var(--muted); margin-top:4px; white-space:nowrap; overflow:hidden; text-overflow:ellipsis; }
            .badge { display:inline-block; padding:1px 9px; border-radius:10px; font-size:12px; font-weight:600;
                     vertical-align:3px; margin-right:8px; color:#fff; }
            .badge.failed { background:var(--blocked); } .badge.passed { background:var(--run); }
            #timeline { position:relative; overflow-x:auto; border-bottom:1px solid var(--line); }
            #timeline svg { display:block; }
            .controls { display:flex; gap:18px; align-items:center; padding:10px 22px; flex-wrap:wrap;
                        border-bottom:1px solid var(--line); }
            .controls button { font:inherit; border:1px solid #c8cfda; background:#fff; padding:3px 12px; border-radius:5px;
                               cursor:pointer; }
            .controls button.on { background:var(--ink); color:#fff; border-color:var(--ink); }
            .legend { display:flex; gap:14px; color:var(--muted); font-size:13px; flex-wrap:wrap; }
            .legend i { display:inline-block; width:14px; height:10px; border-radius:2px; margin-right:5px; vertical-align:0; }
            main { padding:6px 22px 30px; max-width:1400px; }
            h2 { font-size:15px; margin:22px 0 8px; }
            pre { background:var(--band); border:1px solid var(--line); border-radius:6px; padding:10px 12px; overflow:auto;
                  font:12.5px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace; }
            .failure pre { border-left:4px solid var(--blocked); max-height:320px; }
            .line { display:flex; align-items:center; gap:10px; margin:6px 0; }
            .line .lbl { width:60px; color:var(--muted); }
            .line code { background:var(--band); border:1px solid var(--line); border-radius:5px; padding:3px 8px;
                         font:12.5px ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace;
                         overflow:auto; white-space:nowrap; max-width:calc(100% - 150px); }
            .line button { font:inherit; font-size:12px; border:1px solid #c8cfda; background:#fff; border-radius:5px;
                           padding:2px 10px; cursor:pointer; }
            #tip { position:fixed; pointer-events:none; background:#1f2630; color:#fff; font-size:12px; padding:5px 8px;
                   border-radius:4px; max-width:520px; display:none; z-index:2; white-space:pre-wrap; }
            </style></head>
            <body>
            <header><h1><span class="badge $STATUS">$STATUS</span>$TITLE</h1><div class="facts">$FACTS</div></header>
            <div id="timeline"></div>
            <div class="controls">
              <span>x axis: <button type="button" id="bySteps" class="on">steps</button>
                <button type="button" id="byTime">virtual time</button></span>
              <span class="legend"><span><i style="background:var(--run)"></i>running</span>
                <span><i style="background:var(--ready)"></i>ready</span>
                <span><i style="background:var(--blocked)"></i>blocked</span>
                <span><i style="background:var(--sleep)"></i>sleeping</span>
                <span>&#8594; wake-up / spawn / hand-off</span><span style="color:#e08a00">&#9660; cancel requested</span>
                <span style="color:#8e44ad">&#9650; cancel delivered</span><span style="color:#c0392b">&#10006; failure</span></span>
              <span id="note" class="legend"></span>
            </div>
            <main>
            $FAILURE
            <h2>Reproduce</h2>
            $LINES
            <h2>Trace table</h2>
            <pre>$TABLE</pre>
            </main>
            <div id="tip"></div>
            <script type="application/json" id="data">$DATA</script>
            <script>
            "use strict";
            (function () {
              const L = $LAYOUT;
              const D = JSON.parse(document.getElementById("data").textContent);
              const NS = "http://www.w3.org/2000/svg";
              const COLORS = { running: "#2f9e5b", ready: "#dfe3ea", blocked: "#d9534f", sleeping: "#4a8fd8" };
              const lane = new Map(D.tasks.map((t, i) => [t.id, i]));
              const tip = document.getElementById("tip");
              let mode = "steps";
              function el(name, attrs, parent) {
                const e = document.createElementNS(NS, name);
                for (const k in attrs) e.setAttribute(k, attrs[k]);
                if (parent) parent.appendChild(e);
                return e;
              }
              function fmt(ns) {
                if (ns === 0) return "0s";
                if (ns < 1e3) return ns + "ns";
                if (ns < 1e6) return +(ns / 1e3).toFixed(3) + "\\u00b5s";
                if (ns < 1e9) return +(ns / 1e6).toFixed(3) + "ms";
                return +(ns / 1e9).toFixed(3) + "s";
              }
              function hover(e, text) {
                e.addEventListener("mousemove", ev => { tip.textContent = text; tip.style.display = "block";
                  tip.style.left = (ev.clientX + 12) + "px"; tip.style.top = (ev.clientY + 12) + "px"; });
                e.addEventListener("mouseleave", () => { tip.style.display = "none"; });
              }
              function draw() {
                const box = document.getElementById("timeline");
                box.textContent = "";
                const byTime = mode === "time";
                const endPos = Math.max(1, ...D.spans.map(s => s[6]));
                const endNs = Math.max(1, ...D.spans.map(s => s[5]));
                const avail = Math.max(400, box.clientWidth - L.label - 48);
                const unit = byTime ? avail / endNs : Math.max(avail / endPos, 6);
                const x = (ns, pos) => L.label + 8 + (byTime ? ns : pos) * unit;
                const width = L.label + 40 + (byTime ? endNs : endPos) * unit;
                const height = L.axis + D.tasks.length * L.lane + 8;
                const svg = el("svg", { width: width, height: height, "font-family": "system-ui, sans-serif",
                                        "font-size": 12 }, box);
                const defs = el("defs", {}, svg);
                for (const [id, color] of [["arrow", "#3d4654"], ["handoff", "#c98a00"]]) {
                  const m = el("marker", { id: id, viewBox: "0 0 8 8", refX: 7, refY: 4, markerWidth: 7, markerHeight: 7,
                                            orient: "auto-start-reverse" }, defs);
                  el("path", { d: "M0,0 L8,4 L0,8 z", fill: color }, m);
                }
                D.tasks.forEach((t, i) => {
                  const y = L.axis + i * L.lane;
                  el("rect", { x: 0, y: y, width: width, height: L.lane, fill: i % 2 ? "#f6f8fb" : "#ffffff" }, svg);
                  const label = el("text", { x: 12, y: y + L.lane / 2 + 4, fill: "#1f2630", "font-weight": 600 }, svg);
                  label.textContent = t.lane;
                  hover(label, t.label);
                });
                el("line", { x1: L.label, y1: 0, x2: L.label, y2: height, stroke: "#e3e7ee" }, svg);
                const span = byTime ? endNs : endPos;
                const raw = span / 8, mag = Math.pow(10, Math.floor(Math.log10(Math.max(raw, 1))));
                const every = Math.max(1, [1, 2, 5, 10].map(f => f * mag).find(v => v >= raw));
                for (let v = 0; v <= span; v += every) {
                  const px = L.label + 8 + v * unit;
                  el("line", { x1: px, y1: L.axis - 4, x2: px, y2: height, stroke: "#eef1f5" }, svg);
                  const t = el("text", { x: px + 3, y: 16, fill: "#687385" }, svg);
                  t.textContent = byTime ? fmt(Math.round(v)) : "step " + Math.round(v);
                }
                for (const s of D.spans) {
                  const i = lane.get(s[0]);
                  const x0 = x(s[3], s[4]);
                  const gap = byTime ? 0 : 1;
                  const w = Math.max(byTime && s[1] === "running" ? 3 : 1, x(s[5], s[6]) - x0 - gap);
                  const tall = s[1] === "running" ? 18 : s[1] === "ready" ? 8 : 14;
                  const r = el("rect", { x: x0, y: L.axis + i * L.lane + (L.lane - tall) / 2, width: w, height: tall,
                                         rx: 2, fill: COLORS[s[1]], "data-state": s[1] }, svg);
                  hover(r, s[2] + "\\n" + fmt(s[3]) + " \\u2192 " + fmt(s[5]) + "   steps " + s[4] + "\\u2013" + s[6]);
                }
                for (const m of D.marks) {
                  const i = lane.get(m[0]);
                  const cx = x(m[3], m[4]);
                  const cy = L.axis + i * L.lane + L.lane / 2;
                  const from = lane.get(m[5]);
                  if (from !== undefined && from !== i && (m[1] === "wake" || m[1] === "spawn" || m[1] === "acquire")) {
                    const fy = L.axis + from * L.lane + L.lane / 2;
                    const hand = m[1] === "acquire";
                    const p = el("path", { d: "M" + cx + "," + fy + " C" + (cx + 14) + "," + fy + " " + (cx + 14) + ","
                                               + cy + " " + cx + "," + cy, fill: "none",
                                           stroke: hand ? "#c98a00" : "#3d4654", "stroke-width": 1.4,
                                           "stroke-dasharray": m[1] === "spawn" ? "3 3" : "none",
                                           "marker-end": "url(#" + (hand ? "handoff" : "arrow") + ")" }, svg);
                    hover(p, m[2] + "  (step " + m[6] + ", " + fmt(m[3]) + ")");
                  }
                  let shape = null;
                  if (m[1] === "cancel_requested") {
                    shape = el("path", { d: "M" + (cx - 6) + "," + (cy - 13) + " h12 l-6,9 z", fill: "#e08a00" }, svg);
                  } else if (m[1] === "cancel_delivered") {
                    shape = el("path", { d: "M" + (cx - 6) + "," + (cy + 13) + " h12 l-6,-9 z", fill: "#8e44ad" }, svg);
                  } else if (m[1] === "fail") {
                    shape = el("g", { stroke: "#c0392b", "stroke-width": 3, "stroke-linecap": "round" }, svg);
                    el("line", { x1: cx - 6, y1: cy - 6, x2: cx + 6, y2: cy + 6 }, shape);
                    el("line", { x1: cx - 6, y1: cy + 6, x2: cx + 6, y2: cy - 6 }, shape);
                    el("circle", { cx: cx, cy: cy, r: 11, fill: "none", "stroke-width": 1.5 }, shape);
                  } else if (m[1] === "finish") {
                    shape = el("rect", { x: cx - 1, y: cy - 9, width: 2.5, height: 18, fill: "#1f2630" }, svg);
                  }
                  if (shape) hover(shape, m[2] + "  (step " + m[6] + ", " + fmt(m[3]) + ")");
                }
                document.getElementById("note").textContent = D.earlier > 0
                    ? "(the first " + D.earlier + " events are not drawn)" : "";
              }
              function setMode(m) {
                mode = m;
                document.getElementById("bySteps").classList.toggle("on", m === "steps");
                document.getElementById("byTime").classList.toggle("on", m === "time");
                draw();
              }
              document.getElementById("bySteps").addEventListener("click", () => setMode("steps"));
              document.getElementById("byTime").addEventListener("click", () => setMode("time"));
              for (const b of document.querySelectorAll("button.copy")) {
                b.addEventListener("click", () => {
                  const text = b.previousElementSibling.textContent;
                  const done = () => { b.textContent = "copied"; setTimeout(() => { b.textContent = "copy"; }, 1500); };
                  if (navigator.clipboard && window.isSecureContext) {
                    navigator.clipboard.writeText(text).then(done, () => {});
                  } else {
                    const r = document.createRange(); r.selectNodeContents(b.previousElementSibling);
                    const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(r);
                    document.execCommand("copy"); done();
                  }
                });
              }
              window.addEventListener("resize", draw);
              draw();
            })();
            </script>
            </body></html>
            """;
}
