"""The benchmark's table: each figure with its ratio to the echo baseline of the same run and,
where issue 9 sets one, its target and whether it was met (and by how much it was missed)."""

NATIONAL_NOMINATIONS = 150000


def count(n):
    return "{:,.0f}".format(n)


def duration_us(us):
    """Microseconds, in the unit a reader takes in at a glance."""
    if us is None:
        return "-"
    if us < 1000:
        return "%.0f µs" % us
    if us < 10000:
        return "%.2f ms" % (us / 1000)
    if us < 1000000:
        return "%.1f ms" % (us / 1000)
    return "%.2f s" % (us / 1e6)


def percentiles(latency):
    return "p50 %s, p99 %s" % (duration_us(latency["p50_us"]), duration_us(latency["p99_us"]))


def share(value, echo_rate):
    return "%.1f %%" % (100.0 * value / echo_rate) if echo_rate else "-"


def factor(x):
    """How many times a figure misses its target: one decimal below 10, so that 1.4× does not
    print as "1×"."""
    return ("%.1f×" if x < 10 else "%.0f×") % x


def times(value_us, echo_us):
    return "×%.0f" % (value_us / echo_us) if echo_us else "-"


def rows(r):
    """[(figure, result, vs echo, target, verdict)] from bench.py's results."""
    out = []
    echo = r["echo"]
    echo_rate = echo["rate"]
    echo_p50 = r["echo_single"]["latency"]["p50_us"]
    n = r["settings"]["in_flight"]

    def add(figure, result, vs="", target="", verdict=""):
        out.append((figure, result, vs, target, verdict))

    def rate_row(figure, result_key, target_share=None, unit="calls/s"):
        res = r[result_key]
        text = "%s %s (%s)" % (count(res["rate"]), unit, percentiles(res["latency"]))
        if res.get("errors"):
            text += ", %d errors (%s)" % (res["errors"], res.get("first_error", ""))
        ratio = res["rate"] / echo_rate if echo_rate else 0
        target = verdict = ""
        if target_share is not None:
            target = "≥ %d %% of echo" % (target_share * 100)
            if ratio >= target_share:
                verdict = "met"
            elif ratio <= 0:
                verdict = "missed"
            elif target_share / ratio < 1.5:  # "1.0× short" would hide a near miss
                verdict = "missed: %.1f %% of echo, %.1f points under" % (
                    100 * ratio, 100 * (target_share - ratio))
            else:
                verdict = "missed: %.1f %% of echo, %.1f× short" % (100 * ratio, target_share / ratio)
        add(figure, text, share(res["rate"], echo_rate), target, verdict)

    def better_of(res, last=""):
        runs = res.get("runs_rate", [])
        if len(runs) < 2:
            return ""
        listed = ", ".join(count(x) for x in runs[:-1]) + " and " + count(runs[-1])
        return " (the best of %d runs: %s calls/s%s)" % (len(runs), listed, last)

    add("gRPC echo (bare), %d in flight — the baseline%s" % (
            n, better_of(echo, "; the last at the end of the run" if len(echo.get("runs_rate", [])) > 2 else "")),
        "%s calls/s (%s)" % (count(echo_rate), percentiles(echo["latency"])), "100 %")
    cpu_row(add, "call", echo.get("cpu_us"))
    add("gRPC echo (bare), 1 in flight — the latency baseline",
        percentiles(r["echo_single"]["latency"]), "×1")
    rate_row("echo through the platform's ServiceHost (interceptor, metrics, call log), %d in flight" % n,
             "echo_platform")
    if "echo_platform_quiet" in r:
        rate_row("  the same without the per-call log line", "echo_platform_quiet")
    rate_row("registry GetUnit, %d in flight%s" % (n, better_of(r["get_unit"])), "get_unit", 0.8)
    cpu_row(add, "call", r["get_unit"].get("cpu_us"))
    rate_row("registry ListUnits (pages of 50, paging on), %d in flight" % n, "list_units")
    cs = r["create_submit"]
    rate_row("intake create+submit pairs, durably committed, %d in flight (evaluation stopped)" % n,
             "create_submit", 0.5, unit="pairs/s")
    if cs["ok"] >= cs.get("pool", cs.get("available", 0)):
        add("", "(the phase used up its %s requests before its time)" % count(cs["ok"]))
    cpu_row(add, "pair (reporting following intake's feed)", cs.get("cpu_us"))

    d = r.get("durability")
    if d:
        add("acknowledged submissions present after SIGKILL of intake mid-load and restart",
            "%s acknowledged in the run (%s in the killed load, %d calls cut by the kill); %d missing"
            % (count(d["acknowledged_in_run"]), count(d["acknowledged_before_kill"]),
               d["failed_by_kill"], d["missing_after_restart"]),
            "", "all", "met" if d["missing_after_restart"] == 0 else "MISSED")

    ev = r["evaluation_throughput"]
    if ev.get("rate"):
        projected = NATIONAL_NOMINATIONS / ev["rate"]
        add("evaluation restarted with the %s submitted nominations waiting (its backlog), "
            "until the last is evaluated"
            % count(ev["nominations"]),
            "%s nominations/s (%.1f s, restart included) → 150,000 in %.0f s"
            % (count(ev["rate"]), ev["seconds"], projected),
            share(ev["rate"], echo_rate), "150,000 in ≤ 10 s",
            "met" if projected <= 10 else "missed: %.0f s, %s too slow" % (projected, factor(projected / 10)))
        cpu_row(add, "nomination (registry answering its facts, reporting following)",
                ev.get("cpu_us"))
    else:
        add("evaluation of the submitted nominations", "did not catch up", "", "150,000 in ≤ 10 s", "MISSED")

    for key in ("lag", "lag_low"):
        if key in r:
            lag_rows(add, r[key], echo_p50, with_target=(key == "lag"))

    imp = r["import"]
    add("CSV import, all four files (%s rows)" % count(imp["rows"]),
        "%s rows/s" % count(imp["rate"]), share(imp["rate"], echo_rate) + " (rows vs calls)",
        "≥ 100,000 rows/s",
        "met" if imp["rate"] >= 100000 else "missed: %s short" % factor(100000 / imp["rate"]))
    cpu_row(add, "row (evaluation and reporting applying its events)", imp.get("cpu_us"))
    for f in imp["files"]:
        add("  %s (%s rows)" % (f["file"], count(f["rows"])), "%s rows/s" % count(f["rate"]))
    cu = r.get("import_catch_up")
    if cu:
        add("  then evaluation / reporting applied the %s registry events in" % count(cu["events"]),
            "%s / %s after the last import" % (
                "%.1f s" % cu["evaluation_s"] if cu["evaluation_s"] is not None else "not done",
                "%.1f s" % cu["reporting_s"] if cu["reporting_s"] is not None else "not done"))

    scale = r["settings"]["scale"]
    at = "national scale" if scale >= 1 else "scale %g" % scale
    for key, what in (("summary_most", "summary of the plan with the most nominations"),
                      ("summary_province", "summary of the province plan with the most nominations")):
        q = r[key]
        query_row(add, "%s (%s nominations; %s)" % (what, count(q["nominations"]), at), q,
                  echo_p50, scale)
    q = r["compliance"]
    query_row(add, "compliance list (first page + totals) of the largest province (%s units due of %s; %s)"
              % (count(q["units"]), count(q["units_in_registry"]), at), q, echo_p50, scale)

    q = r.get("compliance_national")
    if q:
        add("  national units: units.csv of the full set imported (%s rows)" % count(q["import_rows"]),
            "%s rows/s; evaluation / reporting applied its events in %s"
            % (count(q["import_rate"]), " / ".join(
                "%.1f s" % v if v is not None else "not done" for v in q["catch_up_s"].values())))
        query_row(add, "compliance list of the same province, all the country's units loaded "
                  "(%s units due of %s; national scale)" % (count(q["units"]), count(q["units_in_registry"])),
                  q, echo_p50, 1.0)

    national_rows(add, r, echo_rate, echo_p50)

    logged = r.get("logged_errors")
    if logged:
        total = sum(n for n, _ in logged.values())
        firsts = ["%s: %d, first: %s" % (service, n, first) for service, (n, first) in logged.items() if n]
        add("lines the services logged at level error in the whole run",
            "none" if not total else "; ".join(firsts), "", "none",
            "met" if not total else "MISSED")

    idle, after = r["memory_idle"], r["memory_after"]
    for service in ("registry", "intake", "evaluation", "reporting"):
        i, a = idle[service]["hwm_mib"], after[service]["hwm_mib"]
        verdicts = []
        verdicts.append("idle met" if i < 64 else "idle missed by %.0f MiB" % (i - 64))
        verdicts.append("loaded met" if a < 512 else "loaded missed by %.0f MiB" % (a - 512))
        national = r.get("memory_national", {}).get(service)
        result = "%.0f MiB / %.0f MiB" % (i, a)
        if national:
            result += " / %.0f MiB with the national units" % national["hwm_mib"]
        nominations = r.get("memory_national_nominations", {}).get(service)
        if nominations:
            result += " / %.0f MiB with %s nominations" % (
                nominations["hwm_mib"], count(r["national_nominations"]["submitted"]))
            verdicts.append("national met" if nominations["hwm_mib"] < 512 else
                            "national missed by %.0f MiB" % (nominations["hwm_mib"] - 512))
        # Restarted processes start their peak afresh: evaluation in the create+submit phase,
        # intake by the SIGKILL (after the "after the run" reading).
        restarted = {"evaluation": " (since its restart before the backlog)",
                     "intake": " (the last since its restart after the SIGKILL)"}.get(service, "")
        add("%s peak RSS (VmHWM) idle / after the run%s" % (service, restarted),
            result, "", "< 64 MiB idle, < 512 MiB at national scale",
            ", ".join(verdicts) + ("" if scale >= 1 else " (scale %g)" % scale))
    return out


def national_rows(add, r, echo_rate, echo_p50):
    """The national-scale nominations phase (--national-nominations), when it ran."""
    n = r.get("national_nominations")
    if not n:
        return
    cs = n["create_submit"]
    add("national scale: %s officials of the full set imported (with their yearly records), "
        "each nominated in one plan, created+submitted, 32 in flight (evaluation stopped)"
        % count(n["persons"]),
        "%s submitted, %s pairs/s (p50 %s, p99 %s)%s"
        % (count(n["submitted"]), count(cs["rate"]), duration_us(cs["latency"]["p50_us"]),
           duration_us(cs["latency"]["p99_us"]),
           ", %d errors (%s)" % (cs["errors"], cs["first_error"]) if cs.get("errors") else ""),
        share(cs["rate"], echo_rate))
    cpu_row(add, "pair", cs.get("cpu_us"), indent="    ")
    ev = n["evaluation"]
    if ev.get("seconds") is not None:
        add("  evaluation restarted with all %s waiting, until the last is evaluated"
            % count(ev["nominations"]),
            "%.1f s (%s nominations/s, restart included)" % (ev["seconds"], count(ev["rate"])),
            share(ev["rate"], echo_rate), "150,000 in ≤ 10 s",
            ("met" if ev["seconds"] <= 10 else "missed: %s too slow" % factor(ev["seconds"] / 10))
            if ev["nominations"] >= 150000 else
            "not judged: %s nominations, not 150,000" % count(ev["nominations"]))
        cpu_row(add, "nomination", ev.get("cpu_us"), indent="    ")
    else:
        add("  evaluation of the national nominations", "did not finish", "", "150,000 in ≤ 10 s",
            "MISSED")
    q = n["summary"]
    query_row(add, "  summary of that plan (%s nominations)" % count(q["nominations"]),
              q, echo_p50, 1.0 if q["nominations"] >= 150000 else 0.0)


def cpu_row(add, per, cpu_us, indent="  "):
    """Where the CPU went, per operation, by process (read from /proc and the load tool's
    rusage): on two cores, what bounds a rate that the disk does not."""
    if not cpu_us:
        return
    add("%sCPU per %s" % (indent, per),
        ", ".join("%s %s µs" % (who, count(us)) for who, us in cpu_us.items()))


def lag_rows(add, lag, echo_p50, with_target):
    rate = lag["target_rate"]
    add("lag phase: submissions sent open-loop at %s/s" % count(rate),
        "%s sent at %s/s, %s acknowledged, submit %s%s"
        % (count(lag["sent"]), count(lag["sent_rate"]), count(lag["acknowledged"]),
           percentiles(lag["submit_latency"]),
           ", %d errors (%s)" % (lag["errors"], lag["first_error"]) if lag["errors"] else ""))
    add("  lag submit → evaluation recorded (evaluation's feed)",
        percentiles(lag["evaluation_lag"]) +
        (", %d never seen" % lag["evaluation_missing"] if lag["evaluation_missing"] else ""),
        times(lag["evaluation_lag"]["p50_us"], echo_p50))
    target = verdict = ""
    if with_target:
        p99 = lag["summary_lag"]["p99_us"]
        target = "p99 ≤ 50 ms at 1,000/s"
        verdict = "met" if p99 <= 50000 and not lag["summary_missing"] else \
            "missed: p99 %s, %.0f× over" % (duration_us(p99), p99 / 50000)
        if lag["sent_rate"] < 0.95 * rate:
            verdict += "; intake could not take them as fast as sent"
        if rate < 1000 or lag["sent_rate"] < 0.95 * 1000:
            verdict += " (not at 1,000/s)"
    add("  lag submit → counted by reporting's summary (GetSummary polled, %s per poll)"
        % duration_us(lag["summary_poll"]["p50_us"]),
        percentiles(lag["summary_lag"]) +
        (", %d never counted" % lag["summary_missing"] if lag["summary_missing"] else ""),
        times(lag["summary_lag"]["p50_us"], echo_p50), target, verdict)


def query_row(add, figure, q, echo_p50, scale):
    p99 = q["latency"]["p99_us"]
    verdict = "met" if p99 <= 100000 else "missed: p99 %.1f× over" % (p99 / 100000)
    add(figure, percentiles(q["latency"]), times(q["latency"]["p50_us"], echo_p50), "≤ 100 ms",
        verdict + ("" if scale >= 1 else " at this scale"))


def header(r):
    m = r["machine"]
    s = r["settings"]
    warning = []
    if s.get("data_on_tmpfs"):
        warning = ["DIAGNOSIS RUN: the databases were in memory (/dev/shm); no commit was durable"]
    return warning + [
        "dienhinh benchmark, %s, commit %s" % (r["started"], m["commit"]),
        "machine: %d cores, %s, %.1f GiB RAM, Linux %s; load average at start %.2f / %.2f / %.2f, at end %.2f / %.2f / %.2f"
        % ((m["nproc"], m["cpu"], m["ram_gib"], m["kernel"]) + tuple(r["load_average_start"])
           + tuple(r.get("load_average_end", (0, 0, 0)))),
        "data disk: %s fsync/s at start, %s at end (600-byte appends; bounds every durable commit)"
        % (count(r.get("fsync_per_s_start", 0)), count(r.get("fsync_per_s_end", 0))),
        "settings: %s build, national set at scale %g, %d s per load phase, %d in flight, lag phase at %g/s%s"
        % (r.get("build_type", "?"), s["scale"], s["duration_s"], s["in_flight"], s["rate"],
           ", quick" if s["quick"] else ""),
    ]


def render_text(r, table):
    widths = [max(len(row[i]) for row in table) for i in range(5)]
    widths[0] = min(widths[0], 70)
    lines = header(r) + [""]
    titles = ("figure", "result", "vs echo", "target", "verdict")
    lines.append("  ".join(t.ljust(w) for t, w in zip(titles, widths)).rstrip())
    lines.append("  ".join("-" * w for w in widths))
    for row in table:
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())
    return "\n".join(lines)


def render_markdown(r, table):
    lines = ["- " + h for h in header(r)] + [""]
    lines.append("| figure | result | vs echo | target | verdict |")
    lines.append("|---|---|---|---|---|")
    for row in table:
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in row) + " |")
    return "\n".join(lines) + "\n"
