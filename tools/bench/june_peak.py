#!/usr/bin/python3
"""The 1 June peak (issue 9): every school files its annual report in the last hour before the
deadline, at 10 times the size of the Cần Thơ sample, while the department office and the
district offices keep reading who is still missing. Passes when no call fails and none takes
longer than a second.

    tools/bench/june_peak.py --build-dir build [--size 10] [--window 60] [--json FILE]

What it does:
- generates a data set with `size` times the Cần Thơ sample's 169 units (tools/generate_national.py
  at the scale that gives that many units: 10 → about 1,700 units, ~1,450 schools and centres);
- serves a copy of plans/can-tho-2019-2020.textproto in which P1 binds every school and centre,
  not only those directly under the department, so that every school of the set owes a report;
- starts the four services (harness.Cluster, SQLite unless DIENHINH_TEST_POSTGRES_URL is set)
  with reporting's business clock at 1 June 2020 23:00 (Asia/Ho_Chi_Minh): the last hour;
- plays the last hour compressed into `window` seconds (60 by default: 60 times real speed):
  each school's officer, at a random moment of the window, files the report (a tenth of them
  also retry the same request, as a client that lost the reply would), reads it back, and a
  quarter amend it with its etag; meanwhile the department office lists the whole compliance
  sheet and each district office (a viewer) lists its district's, every second;
- afterwards checks what the system says: every school on time, none missing, each amended
  report at revision 2, each retried one at revision 1 or 2 as amended (no extra revision).

Every call carries a deadline of 5 s, so a stuck call shows as an error, not as a hang.
"""
import argparse
import concurrent.futures
import datetime
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid

import grpc

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
import harness  # noqa: E402

from stubs import load  # noqa: E402  (harness put tools/pyclient on the path)

CAN_THO_UNITS = 169            # tools/sample_data/can-tho/units.csv
UNITS_PER_DISTRICT = 49974 / 708  # tools/generate_national.py at scale 1.0
PLAN = "plans/can-tho-2019-2020"
START_YEAR = 2019              # the report of 2019-2020, due 1 June 2020
LAST_HOUR = datetime.datetime(2020, 6, 1, 23, 0, tzinfo=harness.VIETNAM)
SLOW = 1.0                     # seconds: issue 9's bound for any call at the peak
DEADLINE = 5.0
SEED = 20200601

reporting_pb2, _ = load("dienhinh.reporting.v1.reporting_service")
report_pb2, _ = load("dienhinh.reporting.v1.annual_report")
compliance_pb2, _ = load("dienhinh.reporting.v1.compliance")


def log(message):
    print("june-peak: " + message, file=sys.stderr, flush=True)


class Calls:
    """Every call's method, seconds and status code, from all threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.records = []
        self.errors = []

    def run(self, method, call, request, token):
        start = time.monotonic()
        try:
            reply = call(request, metadata=harness.metadata(token), timeout=DEADLINE)
            code = "OK"
        except grpc.RpcError as error:
            reply, code = None, error.code().name
            with self.lock:
                self.errors.append("%s: %s %s" % (method, code, error.details()))
        seconds = time.monotonic() - start
        with self.lock:
            self.records.append((method, seconds, code))
        return reply

    def table(self):
        by_method = {}
        for method, seconds, code in self.records:
            by_method.setdefault(method, []).append((seconds, code))
        rows = []
        for method in sorted(by_method):
            times = sorted(s for s, _ in by_method[method])
            rows.append({
                "method": method, "calls": len(times),
                "errors": sum(1 for _, c in by_method[method] if c != "OK"),
                "p50_ms": 1000 * times[len(times) // 2],
                "p99_ms": 1000 * times[min(len(times) - 1, int(len(times) * 0.99))],
                "max_ms": 1000 * times[-1],
                "over_1s": sum(1 for s in times if s > SLOW)})
        return rows


def scale_for(size):
    """generate_national's scale whose districts hold about `size` × the Cần Thơ sample's units."""
    districts = round(size * CAN_THO_UNITS / UNITS_PER_DISTRICT)
    return max(1, districts) / 708


def plan_binding_every_school(folder):
    """A plans folder whose Cần Thơ plan makes every school and centre owe the report."""
    with open(os.path.join(ROOT, "plans", "can-tho-2019-2020.textproto"), encoding="utf-8") as f:
        text = f.read()
    head, sep, tail = text.partition("annual_report {")
    block, end, rest = tail.partition("}")
    if not sep or "directly_affiliated_only: true" not in block:
        raise RuntimeError("the plan's annual_report block no longer reads as expected")
    block = block.replace("directly_affiliated_only: true", "directly_affiliated_only: false")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "can-tho-2019-2020.textproto"), "w", encoding="utf-8") as f:
        f.write(head + sep + block + end + rest)
    return folder


def compliance_rows(calls, reporting, token, district=None):
    request = reporting_pb2.ListComplianceRequest(plan=PLAN, page_size=500)
    request.school_year.start_year = START_YEAR
    if district:
        request.filter = 'district = "%s"' % district
    rows, totals = [], None
    while True:
        reply = calls.run("ListCompliance" + (" (district)" if district else " (all)"),
                          reporting.ListCompliance, request, token)
        if reply is None:
            return None, None
        rows.extend(reply.rows)
        totals = reply.totals
        if not reply.next_page_token:
            return rows, totals
        request.page_token = reply.next_page_token


def mint_tokens(cluster, units):
    """A unit officer's token for each unit, minted by the real tool, eight at a time."""
    def mint(unit):
        code = unit.split("/", 1)[1]
        return unit, cluster.mint_token("unit_officer", subject="officer-" + code, unit=code,
                                        ttl="2h")
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        return dict(pool.map(mint, units))


class School:
    def __init__(self, unit, token, rng):
        self.unit = unit
        self.token = token
        self.retries = rng.random() < 0.10
        self.amends = rng.random() < 0.25
        self.name = None

    def file(self, calls, reporting):
        report = report_pb2.UnitAnnualReport(
            plan=PLAN, programme="Kế hoạch nhân rộng điển hình tiên tiến năm học 2019-2020",
            narrative="Đơn vị đã triển khai và nhân rộng các mô hình điển hình tiên tiến.")
        report.school_year.start_year = START_YEAR
        request = reporting_pb2.FileAnnualReportRequest(
            parent=self.unit, annual_report=report, request_id=str(uuid.uuid4()))
        filed = calls.run("FileAnnualReport", reporting.FileAnnualReport, request, self.token)
        if filed is None:
            return
        if self.retries:  # the same request again: the first result, no second revision
            again = calls.run("FileAnnualReport (retry)", reporting.FileAnnualReport, request,
                              self.token)
            if again is not None and again.revision != filed.revision:
                calls.errors.append("%s: a retried filing made revision %d"
                                    % (self.unit, again.revision))
        self.name = filed.name
        got = calls.run("GetAnnualReport", reporting.GetAnnualReport,
                        reporting_pb2.GetAnnualReportRequest(name=filed.name), self.token)
        if got is None or not self.amends:
            return
        report.narrative += " Bổ sung số liệu nhân rộng."
        amend = reporting_pb2.FileAnnualReportRequest(
            parent=self.unit, annual_report=report, etag=got.etag,
            change_note="Bổ sung số liệu", request_id=str(uuid.uuid4()))
        calls.run("FileAnnualReport (amend)", reporting.FileAnnualReport, amend, self.token)


def readers(calls, reporting, office_token, district_tokens, stop):
    """The department office and each district office refreshing compliance every second."""
    def office():
        while not stop.wait(1.0):
            compliance_rows(calls, reporting, office_token)

    def district(name, token):
        while not stop.wait(1.0):
            compliance_rows(calls, reporting, token, district=name)

    threads = [threading.Thread(target=office, daemon=True)]
    threads += [threading.Thread(target=district, args=(d, t), daemon=True)
                for d, t in district_tokens.items()]
    for t in threads:
        t.start()
    return threads


def check_outcome(calls, reporting, office_token, schools):
    problems = []
    rows, totals = compliance_rows(calls, reporting, office_token)
    if rows is None:
        return ["the compliance sheet could not be read after the peak"], None
    by_unit = {r.unit: r for r in rows}
    for s in schools:
        row = by_unit.get(s.unit)
        if row is None:
            problems.append("%s is not on the compliance sheet" % s.unit)
        elif row.status != compliance_pb2.COMPLIANCE_STATUS_ON_TIME:
            problems.append("%s is %s, not on time" % (
                s.unit, compliance_pb2.ComplianceStatus.Name(row.status)))
    for s in schools:
        if s.name is None:
            continue
        got = calls.run("GetAnnualReport (check)", reporting.GetAnnualReport,
                        reporting_pb2.GetAnnualReportRequest(name=s.name), office_token)
        want = 2 if s.amends else 1
        if got is not None and got.revision != want:
            problems.append("%s is at revision %d, expected %d" % (s.name, got.revision, want))
    return problems, totals


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build-dir", default=os.path.join(ROOT, "build"))
    parser.add_argument("--size", type=float, default=10, help="times the Cần Thơ sample's units")
    parser.add_argument("--window", type=float, default=60,
                        help="seconds the last hour is compressed into")
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="dienhinh-june-peak-")
    data = os.path.join(work, "data")
    scale = scale_for(args.size)
    log("generating %g × Cần Thơ (scale %.4f) into %s" % (args.size, scale, data))
    subprocess.run([sys.executable, os.path.join(ROOT, "tools", "generate_national.py"),
                    "--out", data, "--scale", repr(scale), "--seed", str(SEED)],
                   check=True, stdout=subprocess.DEVNULL)
    plans = plan_binding_every_school(os.path.join(work, "plans"))

    calls = Calls()
    results = {"size": args.size, "scale": scale, "window_s": args.window}
    with harness.Cluster(args.build_dir, plans_dir=plans, business_time=LAST_HOUR) as cluster:
        admin = cluster.mint_token("admin", subject="june-peak-admin")
        office = cluster.mint_token("department_office", subject="june-peak-office",
                                    unit="SGDDT")
        log("loading the registry")
        mark = time.monotonic()
        cluster.load_sample_data(admin, data=data)
        cluster.wait_feeds_caught_up(timeout=600)
        results["load_s"] = time.monotonic() - mark
        log("loaded and followed in %.1f s" % results["load_s"])
        reporting = cluster.stub("reporting", "dienhinh.reporting.v1.reporting_service",
                                 "ReportingServiceStub")
        rows, totals = compliance_rows(calls, reporting, office)
        if rows is None:
            raise SystemExit("june-peak: compliance could not be read: %s" % calls.errors)
        units = [r.unit for r in rows]
        districts = sorted({r.district for r in rows if r.district})
        results.update(units_due=len(units), districts=len(districts))
        log("%d units owe the report, in %d districts; minting their officers' tokens"
            % (len(units), len(districts)))
        mark = time.monotonic()
        tokens = mint_tokens(cluster, units)
        log("minted %d tokens in %.1f s" % (len(tokens), time.monotonic() - mark))
        # A district office's staff read their district's sheet with the viewer role.
        district_tokens = {d: cluster.mint_token("viewer", subject="viewer-" + d)
                           for d in districts}
        rng = random.Random(SEED)
        schools = [School(u, tokens[u], rng) for u in units]
        moments = sorted(((rng.uniform(0, args.window), s) for s in schools), key=lambda m: m[0])

        calls.records.clear()
        stop = threading.Event()
        reader_threads = readers(calls, reporting, office, district_tokens, stop)
        log("the last hour, in %g s: %d schools file" % (args.window, len(schools)))
        begin = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(64) as pool:
            futures = []
            for moment, school in moments:
                delay = begin + moment - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                futures.append(pool.submit(school.file, calls, reporting))
            for f in futures:
                f.result()
        stop.set()
        for t in reader_threads:
            t.join(timeout=DEADLINE * 2)
        results["played_s"] = time.monotonic() - begin
        results["calls"] = calls.table()
        problems, totals = check_outcome(calls, reporting, office, schools)
        results["totals"] = {"units": totals.units, "on_time": totals.on_time,
                             "late": totals.late, "missing": totals.missing} if totals else None
    shutil.rmtree(work, ignore_errors=True)

    print("| call | calls | errors | p50 | p99 | max | over 1 s |")
    print("|---|---|---|---|---|---|---|")
    for r in results["calls"]:
        print("| %s | %d | %d | %.1f ms | %.1f ms | %.1f ms | %d |" % (
            r["method"], r["calls"], r["errors"], r["p50_ms"], r["p99_ms"], r["max_ms"],
            r["over_1s"]))
    slow = sum(r["over_1s"] for r in results["calls"])
    results["errors"] = calls.errors[:50]
    results["problems"] = problems[:50]
    print("\n%d units due in %d districts, the last hour played in %.1f s; after it: %s"
          % (results["units_due"], results["districts"], results["played_s"],
             results["totals"]))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2, ensure_ascii=False)
    verdict_ok = not calls.errors and not problems and slow == 0
    for line in (calls.errors[:10] + problems[:10]):
        print("  " + line)
    print("verdict: %s (%d errors, %d calls over 1 s, %d problems in the outcome)"
          % ("met" if verdict_ok else "MISSED", len(calls.errors), slow, len(problems)))
    return 0 if verdict_ok else 1


if __name__ == "__main__":
    sys.exit(main())
