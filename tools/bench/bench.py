#!/usr/bin/python3
"""The benchmark of issue 9 in one run: the real service binaries on loopback with a generated
national data set, measured against a bare gRPC echo on the same machine. tools/bench/run builds
what it needs and calls this; see tools/bench/README.md for what each figure means.

    bench.py --build-dir BUILD [--quick] [--scale S] [--duration SECONDS] [--rate N]
             [--in-flight N] [--json FILE] [--markdown FILE]

The load itself comes from dienhinh-bench-load (C++, gRPC callback API); this script starts and
stops processes, loads the data, reads metrics and /proc, and prints the table.
"""
import argparse
import contextlib
import datetime
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import harness  # noqa: E402  (the four services as processes, as the end-to-end tests run them)
import load_sample_data  # noqa: E402
import bench_table  # noqa: E402
import machine  # noqa: E402
import nomination_pools  # noqa: E402

# Intake's business clock sits inside the plan's nomination window (15 July - 16 August 2020).
WINDOW_OPEN = datetime.datetime(2020, 7, 20, 9, 0, tzinfo=harness.VIETNAM)
SEED = 20200720
# Requests the pools hold per second of a create+submit phase: far above what a durable
# intake can do here, so that a phase never runs out.
POOL_PER_SECOND = 4000


def log(message):
    print("bench: " + message, file=sys.stderr, flush=True)


class EchoServer:
    """dienhinh-bench-echo-server on a free loopback port, for as long as the `with` lasts."""

    def __init__(self, build_dir, log_path, platform_host=False, call_log=True):
        binary = os.path.join(build_dir, "tools", "bench", "dienhinh-bench-echo-server")
        command = [binary, "--listen=127.0.0.1:0"]
        if platform_host:
            command += ["--platform_host", "--metrics_listen=127.0.0.1:0"]
            if not call_log:
                command.append("--nocall_log")
        self.log = open(log_path, "a")
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=self.log, text=True)
        line = self.process.stdout.readline().split()
        if len(line) != 2 or line[0] != "listening":
            self.process.kill()
            raise RuntimeError("the echo server did not start (see %s)" % log_path)
        self.address = line[1]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=20)
        self.log.close()
        return False


def best_run(runs):
    """The fastest of several runs of one load, with every run's rate (the table lists them)."""
    return dict(max(runs, key=lambda run: run["rate"]), runs_rate=[run["rate"] for run in runs])


class Bench:
    def __init__(self, args):
        self.args = args
        self.build_dir = os.path.abspath(args.build_dir)
        self.load_binary = os.path.join(self.build_dir, "tools", "bench", "dienhinh-bench-load")
        self.work = tempfile.mkdtemp(prefix="dienhinh-bench-")
        self.results = {"started": datetime.datetime.now().isoformat(timespec="seconds"),
                        "machine": machine.describe(ROOT),
                        "settings": {"scale": args.scale, "duration_s": args.duration,
                                     "in_flight": args.in_flight, "rate": args.rate,
                                     "quick": args.quick,
                                     "data_on_tmpfs": args.data_on_tmpfs},
                        "load_average_start": machine.load_average(),
                        "build_type": build_type(self.build_dir)}
        self.cluster = None
        self.data = None  # the generated set's folder

    # --- helpers ---

    def load_tool(self, scenario, **flags):
        """Runs dienhinh-bench-load and returns the JSON object it printed."""
        timeout = flags.pop("timeout", self.args.duration * 4 + 600)
        command = [self.load_binary, scenario] + ["--%s=%s" % (k, v) for k, v in flags.items()]
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            raise RuntimeError("dienhinh-bench-load %s failed (%d): %s"
                               % (scenario, done.returncode, done.stderr.strip()))
        result = json.loads(done.stdout.strip().splitlines()[-1])
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        # The tool's CPU during its load alone when it says (not parsing its requests file
        # first); else its whole run.
        result["client_cpu_s"] = result.get("cpu_s", after.ru_utime + after.ru_stime
                                             - children.ru_utime - children.ru_stime)
        return result

    def loader(self, folder):
        """tools/load_sample_data.py's Loader of the CSV files in `folder`, as the admin."""
        registry = self.cluster.stub("registry", "dienhinh.registry.v1.registry_service",
                                     "RegistryServiceStub")
        token = open(self.token_file()).read().strip()
        return load_sample_data.Loader(registry, token, folder, validate_only=False)

    def cpu(self):
        """{service: (pid, CPU seconds so far)} of the running services."""
        return {name: (proc.pid, machine.process_cpu_seconds(proc.pid))
                for name, proc in self.cluster.processes.items() if proc.poll() is None}

    def cpu_per_op(self, before, operations, client_cpu_s=None):
        """{who: µs of CPU per operation} since `before` (a cpu() reading), for each service
        running then and still the same process now; "load tool" from its own rusage."""
        out = {}
        if operations:
            for name, (pid, seconds) in self.cpu().items():
                if name not in before or before[name][0] != pid:
                    continue  # started (or restarted) since
                us = 1e6 * (seconds - before[name][1]) / operations
                if us >= 1:  # idle ones left out
                    out[name] = us
            if client_cpu_s is not None:
                out["load tool"] = 1e6 * client_cpu_s / operations
        return out

    def token_file(self, role="admin"):
        path = os.path.join(self.work, role + ".token")
        if not os.path.exists(path):
            with open(path, "w") as f:
                f.write(self.cluster.mint_token(role, subject="bench-" + role, ttl="6h"))
        return path

    def memory(self):
        return {name: machine.process_memory(proc.pid)
                for name, proc in self.cluster.processes.items()}

    def metric(self, service, series, labels=()):
        return self.cluster.metrics(service).get((series, labels), 0)

    def feed_lag(self, pairs):
        """{(follower, upstream): events of the upstream's log (as it stands) not yet applied}
        for the pairs asked (unlike harness.feed_lag, which needs all four services up); a
        service that does not answer leaves its pairs out."""
        lag = {}
        for follower, upstream in pairs:
            try:
                head = self.metric(upstream, "dienhinh_event_log_last_sequence")
                samples = self.cluster.metrics(follower)
            except OSError:
                continue
            target = self.cluster.addresses[upstream]
            for (series, labels), position in samples.items():
                if series == "dienhinh_event_consumer_position" and dict(labels).get("target") == target:
                    lag[(follower, upstream)] = int(head - position)
        return lag

    def wait_head_moved(self, service, before, timeout=30):
        """Waits until `service`'s event log head (as its metrics show it) is past `before`: a
        large commit's events reach the log's tail a moment after the call returns, and a
        catch-up measured before that would finish at once."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.metric(service, "dienhinh_event_log_last_sequence") > before:
                return
            time.sleep(0.01)

    def wait_head_reaches(self, service, target, timeout):
        """Waits until `service`'s event log head is at least `target`; False on timeout."""
        start = last_word = time.monotonic()
        while time.monotonic() - start < timeout:
            head = self.metric(service, "dienhinh_event_log_last_sequence")
            if head >= target:
                return True
            if time.monotonic() - last_word >= 15:
                last_word = time.monotonic()
                log("  %s's log at %d of %d" % (service, head, target))
            time.sleep(0.05)
        return False

    def wait_caught_up(self, pairs, timeout):
        """Waits until every (follower, upstream) in `pairs` has applied its upstream's whole
        log; returns {pair: seconds it took from now} (None for those still behind)."""
        start = last_word = time.monotonic()
        done = {}
        while time.monotonic() - start < timeout:
            lag = self.feed_lag(pairs)
            for pair in pairs:
                if pair not in done and lag.get(pair, 1) <= 0:
                    done[pair] = time.monotonic() - start
            if len(done) == len(pairs):
                break
            if time.monotonic() - last_word >= 15:
                last_word = time.monotonic()
                log("  still applying events (follower, upstream: events behind): %s" % ", ".join(
                    "%s<-%s: %d" % (p[0], p[1], lag.get(p, -1)) for p in pairs if p not in done))
            time.sleep(0.05)
        return {pair: done.get(pair) for pair in pairs}

    # --- data ---

    def generated_data(self, scale=None):
        """The national set at `scale` (default: the run's), generated once into the build
        directory's cache."""
        scale = self.args.scale if scale is None else scale
        folder = os.path.join(self.build_dir, "bench-data", "national-%g-seed%d" % (scale, SEED))
        marker = os.path.join(folder, ".complete")
        if not os.path.exists(marker):
            shutil.rmtree(folder, ignore_errors=True)
            log("generating the national set at scale %g into %s" % (scale, folder))
            start = time.monotonic()
            subprocess.run([sys.executable, os.path.join(ROOT, "tools", "generate_national.py"),
                            "--out", folder, "--scale", str(scale), "--seed", str(SEED)],
                           check=True, stdout=sys.stderr)
            self.results.setdefault("generation_s", {})[str(scale)] = time.monotonic() - start
            open(marker, "w").close()
        return folder

    def load_files(self, loader, data):
        """Districts and blocks by their Create calls, then each CSV as one timed stream."""
        start = time.monotonic()
        loader.load_districts()
        imports = []
        for file_name, kind in load_sample_data.IMPORTS:
            if kind == load_sample_data.import_pb2.IMPORT_KIND_PERSONS:
                loader.load_blocks()
            head = self.metric("registry", "dienhinh_event_log_last_sequence")
            with open(os.path.join(data, file_name), encoding="utf-8") as f:
                rows = sum(1 for _ in f) - 1
            begin = time.monotonic()
            if not loader.import_file(file_name, kind):
                raise RuntimeError("the registry rejected %s" % file_name)
            seconds = time.monotonic() - begin
            imports.append({"file": file_name, "rows": rows, "seconds": seconds,
                            "rate": rows / seconds})
        self.wait_head_moved("registry", head)
        total_rows = sum(i["rows"] for i in imports)
        total_seconds = sum(i["seconds"] for i in imports)
        self.results["import"] = {"files": imports, "rows": total_rows, "seconds": total_seconds,
                                  "rate": total_rows / total_seconds,
                                  "wall_s": time.monotonic() - start}

    def import_data(self, data):
        """Loads the set into the registry as tools/load_sample_data.py does, timing each
        ImportRecords stream."""
        loader = self.loader(data)
        before = self.cpu()
        with contextlib.redirect_stdout(sys.stderr):  # the loader's progress; stdout is the table
            self.load_files(loader, data)
        # The import's changes are events that evaluation and reporting apply, one by one.
        events = self.metric("registry", "dienhinh_event_log_last_sequence")
        caught = self.wait_caught_up([("evaluation", "registry"), ("reporting", "registry")],
                                     timeout=1800)
        self.results["import"]["cpu_us"] = self.cpu_per_op(before, self.results["import"]["rows"])
        self.results["import_catch_up"] = {
            "events": events,
            "evaluation_s": caught[("evaluation", "registry")],
            "reporting_s": caught[("reporting", "registry")]}

    # --- phases ---

    def bare_echo_run(self, echo):
        """One run of the bare echo, 32 in flight, with both sides' CPU per call."""
        before = machine.process_cpu_seconds(echo.process.pid)
        run = self.load_tool("echo", target=echo.address, duration="%ds" % self.args.duration,
                             in_flight=self.args.in_flight)
        server = machine.process_cpu_seconds(echo.process.pid) - before
        run["cpu_us"] = {"echo server": 1e6 * server / run["ok"],
                         "load tool": 1e6 * run["client_cpu_s"] / run["ok"]}
        return run

    def keep_best_echo(self, runs):
        """The baseline every ratio divides by: the best of the bare echo's runs (two at the start,
        one at the end), so that a spell of load from elsewhere during any of them does not
        flatter every ratio of the table."""
        self.results["echo"] = dict(best_run(runs), runs=runs)

    def echo_baseline(self):
        d = "%ds" % self.args.duration
        logs = os.path.join(self.work, "echo.log")
        with EchoServer(self.build_dir, logs) as echo:
            self.keep_best_echo([self.bare_echo_run(echo) for _ in range(2)])
            self.results["echo_single"] = self.load_tool(
                "echo", target=echo.address, duration="%ds" % self.args.query_duration, in_flight=1)
        with EchoServer(self.build_dir, logs, platform_host=True) as echo:
            self.results["echo_platform"] = self.load_tool("echo", target=echo.address, duration=d,
                                                           in_flight=self.args.in_flight)
        with EchoServer(self.build_dir, logs, platform_host=True, call_log=False) as echo:
            self.results["echo_platform_quiet"] = self.load_tool(
                "echo", target=echo.address, duration=d, in_flight=self.args.in_flight)

    def echo_again(self):
        with EchoServer(self.build_dir, os.path.join(self.work, "echo.log")) as echo:
            self.keep_best_echo(self.results["echo"]["runs"] + [self.bare_echo_run(echo)])

    def registry_reads(self, data):
        names = os.path.join(self.work, "unit-names.txt")
        with open(os.path.join(data, "units.csv"), encoding="utf-8-sig") as f, open(names, "w") as out:
            for line in f.readlines()[1:]:
                out.write("units/%s\n" % line.split(",", 1)[0])
        common = {"target": self.cluster.addresses["registry"], "token_file": self.token_file(),
                  "duration": "%ds" % self.args.duration, "in_flight": self.args.in_flight}
        # The better of two runs, as for the echo it is divided by: the same estimator on both
        # sides, so that a moment of load from elsewhere moves neither alone.
        runs = []
        for _ in range(2):
            before = self.cpu()
            run = self.load_tool("get-unit", names_file=names, **common)
            run["cpu_us"] = self.cpu_per_op(before, run["ok"], run["client_cpu_s"])
            runs.append(run)
        self.results["get_unit"] = best_run(runs)
        self.results["list_units"] = self.load_tool("list-units", page_size=50, **common)

    def create_submit(self, data):
        """Create+submit, then evaluation's backlog (submit_then_evaluate) for the phase's time."""
        pool = os.path.join(self.work, "pool-load.jsonl")
        available = nomination_pools.write_pool(pool, data, "load",
                                                POOL_PER_SECOND * self.args.duration,
                                                with_generated=True)
        acked = os.path.join(self.work, "acked-load.txt")
        result, evaluation, _ = self.submit_then_evaluate(pool, acked,
                                                          "%ds" % self.args.duration)
        result["pool"] = available
        self.results["create_submit"] = result
        self.results["evaluation_throughput"] = evaluation
        return acked

    def submit_then_evaluate(self, pool, acked, duration, timeout=None):
        """Create+submit of the pool's requests with evaluation stopped, so that intake's figure
        is intake's; then evaluation restarted with all of them waiting and timed until the last
        is evaluated: its own rate. Returns the load tool's result, the evaluation's and the
        seconds reporting took to follow each feed; CPU per operation in the first two."""
        evaluation_head = self.metric("evaluation", "dienhinh_event_log_last_sequence")
        self.cluster.kill("evaluation", signal.SIGTERM)
        head_before = self.metric("intake", "dienhinh_event_log_last_sequence")
        before = self.cpu()
        bound = {"timeout": timeout} if timeout else {}
        load = self.load_tool("create-submit", target=self.cluster.addresses["intake"],
                              token_file=self.token_file(), requests_file=pool, acked_file=acked,
                              duration=duration, in_flight=self.args.in_flight, **bound)
        submitted = self.metric("intake", "dienhinh_event_log_last_sequence") - head_before
        caught = self.wait_caught_up([("reporting", "intake")], timeout=1800)
        load["cpu_us"] = self.cpu_per_op(before, load["ok"], load["client_cpu_s"])
        start = time.monotonic()
        self.cluster.restart("evaluation")
        before = self.cpu()
        # Evaluated, not merely taken in: evaluation's consumer queues the submissions within a
        # second or two, and its worker then evaluates them; each evaluation is one
        # EvaluationRecorded event on evaluation's own log, so the backlog is done when that
        # log has grown by one event per submission. From the restart (process start to
        # SERVING included) to the last evaluation recorded.
        done = self.wait_head_reaches("evaluation", evaluation_head + submitted, timeout=3600)
        seconds = time.monotonic() - start
        evaluation = {"nominations": submitted}
        if done:
            evaluation["seconds"] = seconds
            evaluation["rate"] = submitted / seconds if seconds else 0
        caught.update(self.wait_caught_up([("reporting", "evaluation")], timeout=1800))
        evaluation["cpu_us"] = self.cpu_per_op(before, submitted)
        return load, evaluation, caught

    def submit_lag(self, data, key, phase, rate):
        pool = os.path.join(self.work, "pool-%s.jsonl" % phase)
        nomination_pools.write_pool(pool, data, phase, int(rate * self.args.duration) + 1)
        after = int(self.metric("evaluation", "dienhinh_event_log_last_sequence"))
        a = self.cluster.addresses
        self.results[key] = self.load_tool(
            "submit-lag", target=a["intake"], evaluation_target=a["evaluation"],
            reporting_target=a["reporting"], token_file=self.token_file(), requests_file=pool,
            rate=rate, duration="%ds" % self.args.duration,
            in_flight=self.args.in_flight, evaluation_after=after,
            summary_plan=nomination_pools.BENCH_PLANS[phase], settle_timeout="300s")
        self.wait_caught_up([("evaluation", "intake"), ("reporting", "intake"),
                             ("reporting", "evaluation")], timeout=1800)

    def sustainable_rate(self):
        """A submission rate the whole pipeline keeps up with here: a quarter of the measured
        create+submit pair rate (each submission costs intake one commit and evaluation and
        reporting about three more, all on the same disk)."""
        return max(5.0, round(self.results["create_submit"]["rate"] / 4))

    def report_queries(self, data):
        """Summary of the plan with the most submitted nominations and of the province plan
        with the most; compliance of the province plan with the most units due."""
        by_plan = {}
        for plan in self.submitted_nominations().values():
            by_plan[plan] = by_plan.get(plan, 0) + 1
        bench_plans = set(nomination_pools.BENCH_PLANS.values())
        provinces = {p: c for p, c in by_plan.items() if p not in bench_plans} or {
            largest_generated_plan(data): 0}
        most = max(sorted(by_plan), key=lambda p: by_plan[p])
        province = max(sorted(provinces), key=lambda p: provinces[p])
        common = {"target": self.cluster.addresses["reporting"], "token_file": self.token_file(),
                  "duration": "%ds" % self.args.query_duration, "in_flight": 1}
        for key, plan in (("summary_most", most), ("summary_province", province)):
            self.results[key] = self.load_tool("summary", plan=plan, **common)
            self.results[key]["plan"] = plan
        compliance_plan = largest_generated_plan(data)
        self.results["compliance"] = self.load_tool("compliance", plan=compliance_plan,
                                                    school_year=2019, page_size=50, **common)
        self.results["compliance"]["plan"] = compliance_plan
        self.results["compliance"]["units_in_registry"] = self.results["import"]["files"][0]["rows"]

    def durability(self, acked_load):
        """Create+submit into a plan of its own, SIGKILL intake in the middle, restart it, and
        check that every submission ever acknowledged in this run is there, submitted."""
        pool = os.path.join(self.work, "pool-kill.jsonl")
        nomination_pools.write_pool(pool, self.data, "kill", POOL_PER_SECOND * 4)
        acked = os.path.join(self.work, "acked-kill.txt")
        command = [self.load_binary, "create-submit",
                   "--target=" + self.cluster.addresses["intake"],
                   "--token_file=" + self.token_file(), "--requests_file=" + pool,
                   "--acked_file=" + acked, "--duration=4s", "--stop_slot_on_error",
                   "--in_flight=%d" % self.args.in_flight]
        load = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        started = load.stderr.readline()  # the tool parses its pool first
        if "load started" not in started:
            raise RuntimeError("create-submit did not start: " + started + load.stderr.read())
        time.sleep(1.5)
        self.cluster.kill("intake")
        out, err = load.communicate(timeout=120)
        if load.returncode != 0:
            raise RuntimeError("create-submit under SIGKILL failed: " + err)
        run = json.loads(out.strip().splitlines()[-1])
        self.cluster.restart("intake")
        submitted = set(self.submitted_nominations())
        acknowledged = set()
        for path in (acked_load, acked):
            with open(path) as f:
                acknowledged.update(line.strip() for line in f if line.strip())
        missing = sorted(acknowledged - submitted)
        self.results["durability"] = {
            "acknowledged_before_kill": run["ok"], "failed_by_kill": run["errors"],
            "acknowledged_in_run": len(acknowledged), "missing_after_restart": len(missing),
            "missing_examples": missing[:5]}

    def national_units(self):
        """The whole country's units (and districts) from the full-scale set, imported over the
        run's data (a district's units are the same at every scale), then the compliance list
        again: its cost follows the units the read model holds, which this makes national."""
        full = self.generated_data(1.0)
        loader = self.loader(full)
        with contextlib.redirect_stdout(sys.stderr):
            loader.load_districts()
        with open(os.path.join(full, "units.csv"), encoding="utf-8") as f:
            rows = sum(1 for _ in f) - 1
        head = self.metric("registry", "dienhinh_event_log_last_sequence")
        begin = time.monotonic()
        with contextlib.redirect_stdout(sys.stderr):
            imported = loader.import_file("units.csv", load_sample_data.import_pb2.IMPORT_KIND_UNITS)
        if not imported:
            raise RuntimeError("the registry rejected the national units.csv")
        seconds = time.monotonic() - begin
        self.wait_head_moved("registry", head)
        caught = self.wait_caught_up([("evaluation", "registry"), ("reporting", "registry")],
                                     timeout=1800)
        plan = self.results["compliance"]["plan"]
        result = self.load_tool("compliance", target=self.cluster.addresses["reporting"],
                                token_file=self.token_file(), plan=plan, school_year=2019,
                                page_size=50, duration="%ds" % self.args.query_duration,
                                in_flight=1)
        result.update({"plan": plan, "units_in_registry": rows, "import_rows": rows,
                       "import_seconds": seconds, "import_rate": rows / seconds,
                       "catch_up_s": {"%s<-%s" % k: v for k, v in caught.items()}})
        self.results["compliance_national"] = result
        self.results["memory_national"] = self.memory()

    def national_nominations(self):
        """Issue 9's national scale for nominations, measured rather than projected: 150,000
        officials of the full set (every k-th person, so that every province has some), with
        their yearly records, imported into the registry (their units came with the national
        units); each nominated under a plan of its own and created+submitted through intake
        with evaluation stopped; then evaluation restarted with all 150,000 waiting, timed
        until the last is evaluated; then, once reporting has followed, that plan's summary,
        whose cost follows the nominations it counts."""
        full = self.generated_data(1.0)
        folder = os.path.join(self.work, "national-officials")
        os.makedirs(folder, exist_ok=True)
        wanted = self.args.national_nominations
        with open(os.path.join(full, "persons.csv"), encoding="utf-8-sig") as f:
            lines = f.readlines()
        header, rows = lines[0], lines[1:]
        step = max(1, len(rows) // wanted)
        chosen = rows[::step][:wanted]
        codes = {row.split(",", 1)[0] for row in chosen}
        with open(os.path.join(folder, "persons.csv"), "w", encoding="utf-8") as out:
            out.write(header)
            out.writelines(chosen)
        with open(os.path.join(full, "person_yearly_records.csv"), encoding="utf-8-sig") as f, \
                open(os.path.join(folder, "person_yearly_records.csv"), "w", encoding="utf-8") as out:
            out.write(f.readline())
            out.writelines(line for line in f if line.split(",", 1)[0] in codes)
        loader = self.loader(folder)
        head = self.metric("registry", "dienhinh_event_log_last_sequence")
        with contextlib.redirect_stdout(sys.stderr):
            for name, kind in (("persons.csv", load_sample_data.import_pb2.IMPORT_KIND_PERSONS),
                               ("person_yearly_records.csv",
                                load_sample_data.import_pb2.IMPORT_KIND_PERSON_YEARLY_RECORDS)):
                if not loader.import_file(name, kind):
                    raise RuntimeError("the registry rejected the national " + name)
        self.wait_head_moved("registry", head)
        self.wait_caught_up([("evaluation", "registry"), ("reporting", "registry")], timeout=1800)

        pool = os.path.join(self.work, "pool-national.jsonl")
        available = nomination_pools.write_pool(pool, folder, "national", wanted)
        load, evaluation, caught = self.submit_then_evaluate(
            pool, os.path.join(self.work, "acked-national.txt"), "7200s", timeout=7800)
        result = {"persons": len(chosen), "pool": available, "create_submit": load,
                  "submitted": evaluation["nominations"], "evaluation": evaluation,
                  "catch_up_s": {"%s<-%s" % k: v for k, v in caught.items()}}
        plan = nomination_pools.BENCH_PLANS["national"]
        summary = self.load_tool("summary", target=self.cluster.addresses["reporting"],
                                 token_file=self.token_file(), plan=plan,
                                 duration="%ds" % self.args.query_duration, in_flight=1)
        summary["plan"] = plan
        result["summary"] = summary
        self.results["national_nominations"] = result
        self.results["memory_national_nominations"] = self.memory()

    def logged_errors(self):
        """{service: (count, first line)} of the lines each service logged at level error in the
        whole run: a failure no call returned (a background step, a cleanup) shows here."""
        out = {}
        for name in harness.SERVICES:
            lines = []
            try:
                with open(self.cluster.log_path(name), encoding="utf-8", errors="replace") as f:
                    lines = [line.strip() for line in f if '"level":"error"' in line]
            except OSError:
                pass
            out[name] = [len(lines), lines[0][:300] if lines else ""]
        return out

    def submitted_nominations(self):
        """{name: plan} of every submitted nomination, read from intake page by page."""
        intake_pb2, _ = harness.load("dienhinh.intake.v1.intake_service")
        stub = self.cluster.stub("intake", "dienhinh.intake.v1.intake_service", "IntakeServiceStub")
        metadata = harness.metadata(open(self.token_file()).read().strip())
        names, token = {}, ""
        while True:
            page = stub.ListNominations(intake_pb2.ListNominationsRequest(
                page_size=1000, page_token=token, filter="state = STATE_SUBMITTED"),
                metadata=metadata, timeout=120)
            names.update((n.name, n.plan) for n in page.nominations)
            token = page.next_page_token
            if not token:
                return names

    # --- the run ---

    def run(self):
        data = self.generated_data()
        self.data = data
        plans = nomination_pools.write_plans(os.path.join(data, "plans"),
                                             os.path.join(self.work, "plans"))
        self.cluster = harness.Cluster(self.build_dir, plans_dir=plans, business_time=WINDOW_OPEN,
                                       postgres_url="")
        stages = []

        def stage(name, step, *a):
            log(name)
            begin = time.monotonic()
            value = step(*a)
            stages.append((name, time.monotonic() - begin))
            return value

        try:
            self.results["fsync_per_s_start"] = machine.fsync_rate(self.work)
            stage("starting the four services", self.cluster.start)
            time.sleep(1.0)
            self.results["memory_idle"] = self.memory()
            stage("echo baseline", self.echo_baseline)
            stage("importing the national set (scale %g)" % self.args.scale, self.import_data, data)
            stage("registry reads", self.registry_reads, data)
            acked = stage("nomination create+submit", self.create_submit, data)
            stage("lag at %g submissions/s" % self.args.rate, self.submit_lag, data, "lag", "lag",
                  self.args.rate)
            low = self.sustainable_rate()
            stage("lag at %g submissions/s" % low, self.submit_lag, data, "lag_low", "lag-low", low)
            stage("summary and compliance queries", self.report_queries, data)
            self.results["memory_after"] = self.memory()
            stage("SIGKILL of intake under load", self.durability, acked)
            if self.args.national_units:
                stage("the national units, and compliance again", self.national_units)
            if self.args.national_nominations:
                stage("%d nominations at national scale: create+submit, evaluation, summary"
                      % self.args.national_nominations, self.national_nominations)
            stage("echo baseline again, at the end", self.echo_again)
            self.results["stages_s"] = stages
            self.results["load_average_end"] = machine.load_average()
            self.results["fsync_per_s_end"] = machine.fsync_rate(self.work)
            codes = self.cluster.stop()
            self.results["stop_codes"] = codes
            self.results["logged_errors"] = self.logged_errors()
        except BaseException:
            print(self.cluster.log_tails(), file=sys.stderr)
            self.cluster.stop()
            log("logs and data kept in %s and %s" % (self.cluster.work_dir, self.work))
            raise
        if self.args.keep:
            log("kept: services' data and logs in %s, work folder %s"
                % (self.cluster.work_dir, self.work))
        else:
            shutil.rmtree(self.cluster.work_dir, ignore_errors=True)
            shutil.rmtree(self.work, ignore_errors=True)
        return self.results


def build_type(build_dir):
    """CMAKE_BUILD_TYPE of the build the binaries come from (the services ship RelWithDebInfo)."""
    try:
        with open(os.path.join(build_dir, "CMakeCache.txt")) as f:
            for line in f:
                if line.startswith("CMAKE_BUILD_TYPE:"):
                    return line.split("=", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def largest_generated_plan(data):
    """The province plan with the most nominations in the generated set."""
    counts = {}
    pattern = re.compile(r'"plan":\s*"(plans/[^"]+)"')
    with open(os.path.join(data, "nominations.jsonl"), encoding="utf-8") as f:
        for line in f:
            m = pattern.search(line)
            if m:
                counts[m.group(1)] = counts.get(m.group(1), 0) + 1
    return max(sorted(counts), key=lambda p: counts[p])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build-dir", default=os.path.join(ROOT, "build"))
    parser.add_argument("--quick", action="store_true",
                        help="a smaller set and shorter phases (about 2-3 minutes)")
    parser.add_argument("--scale", type=float, help="national set scale (default 0.05; quick 0.01)")
    parser.add_argument("--duration", type=int, help="seconds per load phase (default 10; quick 3)")
    parser.add_argument("--query-duration", type=int, help="seconds per latency query (default 5; quick 2)")
    parser.add_argument("--rate", type=float, default=1000, help="submissions per second in the lag phase")
    parser.add_argument("--in-flight", type=int, default=32)
    parser.add_argument("--national-units", action=argparse.BooleanOptionalAction, default=None,
                        help="at the end, import the whole country's units and measure compliance "
                             "again (default: on, off with --quick; generates the full set once)")
    parser.add_argument("--national-nominations", type=int, nargs="?", const=150000, default=0,
                        help="after the national units (which it needs), N officials of the full "
                             "set (150,000 when N is not given) created+submitted in one plan, "
                             "evaluated from a standing start and summarised: issue 9's "
                             "national-scale evaluation and summary, measured (adds ~10 minutes)")
    parser.add_argument("--data-on-tmpfs", action="store_true",
                        help="diagnosis only: the services' databases in /dev/shm (memory), so "
                             "commits cost no disk flush; the figures are then NOT durable")
    parser.add_argument("--keep", action="store_true",
                        help="keep the services' data and logs and the work folder")
    parser.add_argument("--json", help="also write the results as JSON here")
    parser.add_argument("--markdown", help="also write the table as Markdown here")
    args = parser.parse_args()
    if args.scale is None:
        args.scale = 0.01 if args.quick else 0.05
    if args.duration is None:
        args.duration = 3 if args.quick else 10
    if args.national_units is None:
        args.national_units = not args.quick
    if args.query_duration is None:
        args.query_duration = 2 if args.quick else 5
    if args.national_nominations and not args.national_units:
        parser.error("--national-nominations needs --national-units (their units)")

    if args.data_on_tmpfs:
        # harness.Cluster and this script make their folders with tempfile.
        tempfile.tempdir = "/dev/shm"
    results = Bench(args).run()
    rows = bench_table.rows(results)
    print(bench_table.render_text(results, rows))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1, default=str)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(bench_table.render_markdown(results, rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
