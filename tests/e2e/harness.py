"""The four dienhinh services as real processes on loopback, for tests that span them.

    from harness import Cluster
    with Cluster(build_dir, business_time=datetime(2020, 8, 3, 9, 0, tzinfo=VIETNAM)) as cluster:
        admin = cluster.mint_token("admin", subject="e2e-admin")
        cluster.load_sample_data(admin)
        intake = cluster.stub("intake", "dienhinh.intake.v1.intake_service", "IntakeServiceStub")
        ...
        cluster.kill("evaluation")      # SIGKILL: no drain, no goodbye
        cluster.restart("evaluation")   # same port, same data, waits for SERVING

Each cluster gets a fresh temporary folder holding the site's JWT key, the SQLite files and
one log per service (logs/<service>.log). When DIENHINH_TEST_POSTGRES_URL is set (as
scripts/with-postgres does) every service gets a database of its own on that server instead,
created at start and dropped at stop. Peers are wired as in scripts/run: intake and evaluation
call the registry, evaluation follows intake's feed, reporting follows all three.

Feeds are followed asynchronously: `wait_feeds_caught_up()` waits until every follower has
applied its upstreams' events, read from each service's Prometheus metrics (the upstream's
dienhinh_event_log_last_sequence against the follower's dienhinh_event_consumer_position), as
an operator would read the lag. Each service's metrics listen on a free loopback port too.

Dates. Nomination windows and the 1 June report deadline are judged on each service's business
clock, which is the real clock shifted by --clock_offset (services/platform/server/flags.h);
only intake and reporting read it. `business_time` sets the shift so that the business clock
reads that time at start; it then runs on at real speed, and a restart keeps the same shift.
`set_business_time(service, when)` changes one service's shift for its next (re)start, e.g.
reporting before and after 1 June. Tokens, events and logs always carry the real time.

If the block inside `with` raises (a failed assertion included), the tail of every service log
is printed to stderr and the folder is kept; DIENHINH_E2E_KEEP=1 keeps it always.
"""
import datetime
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import uuid

import grpc

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tools"))
sys.path.insert(0, os.path.join(ROOT, "tools", "pyclient"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # for an import from elsewhere
from free_ports import free_ports  # noqa: E402
from stubs import load  # noqa: E402  (generates the Python stubs from proto/ at run time)

SERVICES = ("registry", "intake", "evaluation", "reporting")
# Only these read the business clock (nomination windows, report deadlines).
CLOCKED_SERVICES = ("intake", "reporting")
VIETNAM = datetime.timezone(datetime.timedelta(hours=7), "Asia/Ho_Chi_Minh")
PLANS_DIR = os.path.join(ROOT, "plans")
SAMPLE_DATA = os.path.join(ROOT, "tools", "sample_data", "can-tho")
POSTGRES_ENV = "DIENHINH_TEST_POSTGRES_URL"
PSQL = "psql"

START_TIMEOUT = 30
STOP_TIMEOUT = 20
# Short reconnect backoff: the tests restart services on purpose and should not wait out
# gRPC's default of a second and more before a channel tries again.
CHANNEL_OPTIONS = [
    ("grpc.initial_reconnect_backoff_ms", 100),
    ("grpc.min_reconnect_backoff_ms", 100),
    ("grpc.max_reconnect_backoff_ms", 1000),
]


def metadata(token):
    """The call metadata that carries a bearer token."""
    return [("authorization", "Bearer " + token)]


def request_id():
    return str(uuid.uuid4())


def status_details(error):
    """The google.rpc.Status of a failed call, from its grpc-status-details-bin trailer; None
    when it carries none."""
    status_pb2, _ = load("google.rpc.status")
    for key, value in error.trailing_metadata() or ():
        if key == "grpc-status-details-bin":
            return status_pb2.Status.FromString(value)
    return None


def unpack(status, message_class):
    """The details of `status` (or of none) that are `message_class` messages."""
    found = []
    for any_detail in (status.details if status else ()):
        message = message_class()
        if any_detail.Unpack(message):
            found.append(message)
    return found


def wait_until(what, probe, timeout, interval=0.2):
    """Calls probe() until it returns something true, and returns that; raises AssertionError
    saying what was awaited (and the last value seen) when `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        last = probe()
        if last:
            return last
        if time.monotonic() >= deadline:
            raise AssertionError("timed out after %.0f s waiting for %s (last seen: %r)"
                                 % (timeout, what, last))
        time.sleep(interval)


class PostgresDatabases:
    """One database per service on the server of DIENHINH_TEST_POSTGRES_URL, as each service
    owns its data; psql (Debian's postgresql-client) runs the CREATE and DROP."""

    def __init__(self, base_url):
        self.base_url = base_url
        self.prefix = "dh_e2e_" + uuid.uuid4().hex[:10]
        self.names = []

    def url_for(self, service):
        parts = urllib.parse.urlsplit(self.base_url)
        return urllib.parse.urlunsplit(parts._replace(path="/%s_%s" % (self.prefix, service)))

    def _psql(self, sql):
        subprocess.run([PSQL, "-X", "-q", "-v", "ON_ERROR_STOP=1", self.base_url, "-c", sql],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def create(self):
        for service in SERVICES:
            name = "%s_%s" % (self.prefix, service)
            self._psql('CREATE DATABASE "%s"' % name)
            self.names.append(name)

    def drop(self):
        for name in self.names:
            try:
                self._psql('DROP DATABASE IF EXISTS "%s"' % name)
            except subprocess.CalledProcessError as e:
                print("harness: could not drop %s: %s" % (name, e.stderr.decode(errors="replace")),
                      file=sys.stderr)
        self.names = []


class Cluster:
    def __init__(self, build_dir, plans_dir=PLANS_DIR, business_time=None, postgres_url=None,
                 log_level="info"):
        self.build_dir = os.path.abspath(build_dir)
        self.plans_dir = plans_dir
        self.log_level = log_level
        self.work_dir = tempfile.mkdtemp(prefix="dienhinh-e2e-")
        self.data_dir = os.path.join(self.work_dir, "data")
        self.log_dir = os.path.join(self.work_dir, "logs")
        os.makedirs(self.data_dir)
        os.makedirs(self.log_dir)
        ports = free_ports(2 * len(SERVICES))
        self.ports = dict(zip(SERVICES, ports))
        self.metrics_ports = dict(zip(SERVICES, ports[len(SERVICES):]))
        self.processes = {}
        self.channels = {}
        self.clock_offsets = {}  # service -> seconds added to the real clock
        if business_time is not None:
            for name in CLOCKED_SERVICES:
                self.set_business_time(name, business_time)
        if postgres_url is None:
            postgres_url = os.environ.get(POSTGRES_ENV) or None
        self.postgres = PostgresDatabases(postgres_url) if postgres_url else None

    # --- life cycle ---

    def __enter__(self):
        try:
            self.start()
        except BaseException:
            self._fail_loudly()
            raise
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:
            self._fail_loudly()
        else:
            codes = self.stop()
            if os.environ.get("DIENHINH_E2E_KEEP") != "1":
                shutil.rmtree(self.work_dir, ignore_errors=True)
            unclean = {name: code for name, code in codes.items() if code != 0}
            if unclean:
                raise AssertionError("services did not stop cleanly on SIGTERM (want exit 0): %r"
                                     % unclean)
        return False

    def _fail_loudly(self):
        print(self.log_tails(), file=sys.stderr)
        self.stop()
        print("harness: logs and data kept in %s" % self.work_dir, file=sys.stderr)

    @property
    def backend(self):
        return "postgresql" if self.postgres else "sqlite"

    def start(self):
        """Mints a first token (which creates the site's signing key before four services race
        to), makes the databases, starts every service and waits until each is SERVING."""
        self.mint_token("admin", subject="e2e-harness")
        if self.postgres:
            self.postgres.create()
        for name in SERVICES:
            self._spawn(name)
        for name in SERVICES:
            self.wait_serving(name)

    def stop(self):
        """SIGTERM to every running service, followers first so that they stop following before
        their feeds go, then waits for all of them together (each drains; with the metrics
        listener on, a service takes up to about 2 s to exit); a service still up after
        STOP_TIMEOUT is killed. Returns each service's exit code ("killed" for those)."""
        # Our own channels first: a service's drain lasts its whole --drain_timeout while any
        # client keeps an idle channel to it open (gRPC 1.51's Server::Shutdown waits for them).
        for channel in self.channels.values():
            channel.close()
        self.channels = {}
        running = [(name, self.processes[name]) for name in reversed(SERVICES) if name in self.processes]
        for _, proc in running:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        codes = {}
        deadline = time.monotonic() + STOP_TIMEOUT
        for name, proc in running:
            try:
                codes[name] = proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
                codes[name] = "killed"
        self.processes = {}
        if self.postgres:
            self.postgres.drop()
        return codes

    def kill(self, name, sig=signal.SIGKILL):
        """Sends `sig` to one service and waits for it to exit; returns its exit status. Our
        channel to it is closed first, so that a SIGTERM drain is not held open by it."""
        self._drop_channel(name)
        proc = self.processes[name]
        proc.send_signal(sig)
        return proc.wait(timeout=STOP_TIMEOUT)

    def restart(self, name):
        """Starts a stopped (or killed) service again on the same port and data, with the same
        clock shift unless set_business_time changed it, and waits for SERVING."""
        proc = self.processes.get(name)
        if proc is not None and proc.poll() is None:
            raise AssertionError("%s is still running (pid %d): kill it first" % (name, proc.pid))
        self._drop_channel(name)
        self._spawn(name)
        self.wait_serving(name)

    def set_business_time(self, name, when):
        """Shifts `name`'s business clock so that it reads `when` (an aware datetime) now; takes
        effect at the service's next (re)start."""
        if when.tzinfo is None:
            raise ValueError("business time must carry a time zone, e.g. harness.VIETNAM")
        now = datetime.datetime.now(datetime.timezone.utc)
        self.clock_offsets[name] = int((when - now).total_seconds())

    def _flags(self, name):
        a = self.addresses
        flags = [
            "--listen=" + a[name],
            "--metrics_listen=127.0.0.1:%d" % self.metrics_ports[name],
            "--data_dir=" + self.data_dir,
            "--log_level=" + self.log_level,
            "--drain_timeout=5s",
        ]
        if self.postgres:
            flags.append("--database=" + self.postgres.url_for(name))
        if name in ("intake", "evaluation", "reporting"):
            flags.append("--plans_dir=" + self.plans_dir)
        if name in ("intake", "evaluation"):
            flags.append("--registry_address=" + a["registry"])
        if name == "evaluation":
            flags.append("--intake_address=" + a["intake"])
        if name == "reporting":
            flags.append("--upstream_feeds=registry=%s,intake=%s,evaluation=%s"
                         % (a["registry"], a["intake"], a["evaluation"]))
        if self.clock_offsets.get(name):
            flags.append("--clock_offset=%ds" % self.clock_offsets[name])
        return flags

    def _spawn(self, name):
        binary = os.path.join(self.build_dir, "services", name, "dienhinh-" + name)
        if not os.access(binary, os.X_OK):
            raise AssertionError("%s is not built (ninja -C %s dienhinh-%s)"
                                 % (binary, self.build_dir, name))
        # The caller's DIENHINH_* settings (scripts/run exports some) must not reach the
        # services: every flag they need is on the command line.
        env = {k: v for k, v in os.environ.items() if not k.startswith("DIENHINH_")}
        log = open(self.log_path(name), "a")
        log.write("--- harness: starting %s %s\n" % (name, " ".join(self._flags(name))))
        log.flush()
        self.processes[name] = subprocess.Popen([binary, *self._flags(name)], stdin=subprocess.DEVNULL,
                                                stdout=log, stderr=log, env=env)
        log.close()

    def wait_serving(self, name, timeout=START_TIMEOUT):
        """Waits until `name` answers grpc.health.v1 SERVING; fails with its log's tail when it
        exits first or does not get there in time."""
        health_pb2, health_grpc = load("health")
        deadline = time.monotonic() + timeout
        status = None
        while time.monotonic() < deadline:
            code = self.processes[name].poll()
            if code is not None:
                raise AssertionError("%s exited with %s while starting\n%s"
                                     % (name, code, self.log_tail(name)))
            try:
                with grpc.insecure_channel(self.addresses[name]) as channel:
                    reply = health_grpc.HealthStub(channel).Check(
                        health_pb2.HealthCheckRequest(service=""), timeout=1)
                status = health_pb2.HealthCheckResponse.ServingStatus.Name(reply.status)
                if status == "SERVING":
                    return
            except grpc.RpcError as e:
                status = e.code().name
            time.sleep(0.1)
        raise AssertionError("%s did not answer SERVING within %d s (last: %s)\n%s"
                             % (name, timeout, status, self.log_tail(name)))

    # --- clients ---

    @property
    def addresses(self):
        return {name: "127.0.0.1:%d" % port for name, port in self.ports.items()}

    def channel(self, name):
        """A channel to `name`, made anew after a kill or restart."""
        if name not in self.channels:
            self.channels[name] = grpc.insecure_channel(self.addresses[name], options=CHANNEL_OPTIONS)
        return self.channels[name]

    def stub(self, name, module, stub_class):
        """A stub of `module`'s `stub_class` on `name`, e.g.
        stub("intake", "dienhinh.intake.v1.intake_service", "IntakeServiceStub")."""
        _, grpc_module = load(module)
        return getattr(grpc_module, stub_class)(self.channel(name))

    def _drop_channel(self, name):
        channel = self.channels.pop(name, None)
        if channel is not None:
            channel.close()

    def mint_token(self, role, subject, unit=None, ttl="2h"):
        """A token signed with the site's key, from the real dienhinh-mint-token."""
        tool = os.path.join(self.build_dir, "services", "platform", "auth", "dienhinh-mint-token")
        command = [tool, "--data_dir=" + self.data_dir, "--role=" + role, "--subject=" + subject,
                   "--ttl=" + ttl]
        if unit:
            command.append("--unit=" + unit)
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0:
            raise AssertionError("dienhinh-mint-token %s failed (%d): %s"
                                 % (" ".join(command[1:]), done.returncode, done.stderr))
        return done.stdout.strip()

    def load_sample_data(self, token, data=SAMPLE_DATA):
        """Loads the Cần Thơ sample data (tools/sample_data/can-tho) into the registry with
        tools/load_sample_data.py's loader, as scripts/run does on first start."""
        import load_sample_data
        registry = self.stub("registry", "dienhinh.registry.v1.registry_service",
                             "RegistryServiceStub")
        loader = load_sample_data.Loader(registry, token, data, validate_only=False)
        if loader.run() != 0:
            raise AssertionError("the registry rejected the sample data (see the lines above)")

    # --- the event flow ---

    def metrics(self, name):
        """`name`'s Prometheus metrics as {(metric, ((label, value), ...)): value}."""
        url = "http://127.0.0.1:%d/metrics" % self.metrics_ports[name]
        with urllib.request.urlopen(url, timeout=5) as reply:
            text = reply.read().decode()
        samples = {}
        for line in text.splitlines():
            if not line or line.startswith("#"):
                continue
            series, value = line.rsplit(" ", 1)
            labels = ()
            if "{" in series:
                series, rest = series.split("{", 1)
                labels = tuple(sorted(
                    (k, v.strip('"')) for k, v in
                    (pair.split("=", 1) for pair in rest.rstrip("}").split('",') if pair)))
            samples[(series, labels)] = float(value)
        return samples

    def feed_lag(self):
        """For every feed a service follows, how many events of the upstream's log (as it stands
        now) the follower has not applied: {(follower, upstream): events}."""
        by_address = {address: name for name, address in self.addresses.items()}
        heads = {name: self.metrics(name).get(("dienhinh_event_log_last_sequence", ()), 0)
                 for name in SERVICES}
        lag = {}
        for follower in SERVICES:
            for (series, labels), position in self.metrics(follower).items():
                if series != "dienhinh_event_consumer_position":
                    continue
                upstream = by_address.get(dict(labels).get("target"))
                if upstream is not None:
                    lag[(follower, upstream)] = int(heads[upstream] - position)
        return lag

    def wait_feeds_caught_up(self, timeout=60):
        """Waits until every follower has applied every event of the feeds it follows (e.g.
        evaluation and reporting after an import of thousands of registry records). Heads are
        read before positions, so events appended meanwhile never count as applied. A log's head
        metric follows its commits by a moment (the log's tail learns of them by notification or
        poll), so the followers must be level with heads that stayed put for a settling interval:
        a head read just after a write returned may not count that write yet."""
        deadline = time.monotonic() + timeout
        settled_heads = None
        while True:
            heads = {name: self.metrics(name).get(("dienhinh_event_log_last_sequence", ()), 0)
                     for name in SERVICES}
            behind = {feed: events for feed, events in self.feed_lag().items() if events > 0}
            if not behind and heads == settled_heads:
                return
            settled_heads = None if behind else heads
            if time.monotonic() >= deadline:
                raise AssertionError("feeds still behind after %d s (follower, upstream): events: %r"
                                     % (timeout, behind))
            time.sleep(0.3)

    # --- logs ---

    def log_path(self, name):
        return os.path.join(self.log_dir, name + ".log")

    def log_tail(self, name, lines=40):
        try:
            with open(self.log_path(name), errors="replace") as f:
                tail = f.readlines()[-lines:]
        except OSError as e:
            tail = ["(no log: %s)\n" % e]
        return "----- %s: last %d lines of %s\n%s" % (name, len(tail), self.log_path(name),
                                                      "".join(tail))

    def log_tails(self, lines=40):
        return "\n".join(self.log_tail(name, lines) for name in SERVICES)
