#!/usr/bin/python3
"""Crashes under a steady submission load (issue 9): nothing acknowledged is lost or doubled,
every version is evaluated exactly once, reporting's figures equal a recount from scratch.

The four real services run with the Cần Thơ sample data (harness.py). Client threads of
/usr/bin/python3 + grpcio nominate the sample's staff as officials (cán bộ, công chức), each
person once: CreateNomination then SubmitNomination, each with a request id of its own. A call
that fails while a service is down is retried with the same request id (a replay must return
the first result) for most calls, and given up for some, as a real client would. Another
thread updates some submitted nominations (etag retried until OK, or ABORTED when the lost
reply had in fact committed) and withdraws a few, each only once evaluation has evaluated the
nomination's current version, so that every version the client made must show as exactly one
evaluation version.

While the load runs, each service is killed with SIGKILL and restarted, a few seconds apart:
intake, evaluation, reporting, then intake again held down for a while, during which its two
followers (evaluation and reporting) must stay up, show their feed disconnected, and afterwards
reconnect by themselves and catch up with intake's event log (read from the Prometheus event
metrics, as an operator would).

Then the load stops, the feeds settle, and the test checks, naming the nomination or the figure
that differs:
  - intake: every acknowledged creation and submission exists exactly once (one nomination per
    person nominated, matched by the name every reply and replay returned), SUBMITTED or in
    the state the client later put it in, with the client's last acknowledged content;
  - evaluation: per nomination, versions 1..n with n = the versions the client made (submit
    and each acknowledged update), the first caused by the submission, the rest by updates,
    no trigger event twice; nothing evaluated for a draft;
  - reporting: GetSummary of the plan (district x category x level, and by school year) equals
    a recount made here from intake's and evaluation's lists and the registry's units;
  - no consumer parked an event as a dead letter.

    crash_under_load_test.py BUILD_DIR     (PostgreSQL instead of SQLite: under scripts/with-postgres)

Bounded to about 2 minutes here: ~40 s of load, then the checks. CRASH_LOAD_SECONDS and
CRASH_LOAD_THREADS (environment) change the load for a longer run by hand.
"""
import collections
import csv
import datetime
import os
import random
import sys
import threading
import time
import unittest

import grpc

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Cluster, load, metadata, request_id, wait_until  # noqa: E402

BUILD = sys.argv.pop(1) if len(sys.argv) > 1 else os.path.join(harness.ROOT, "build")

PLAN = "plans/can-tho-2019-2020"
# Inside the plan's nomination window (15 July to 15 August 2020, Asia/Ho_Chi_Minh).
IN_WINDOW = datetime.datetime(2020, 8, 3, 9, 0, tzinfo=harness.VIETNAM)
LOAD_SECONDS = float(os.environ.get("CRASH_LOAD_SECONDS", "40"))
LOAD_THREADS = int(os.environ.get("CRASH_LOAD_THREADS", "3"))
# Each load thread pauses this long after a creation and after a submission, as a person
# would between making a draft and submitting it: a steady load that the 874 people of the
# sample last through, rather than the most a thread can send, and faults that hit creations
# and submissions alike.
PAUSE_BETWEEN_CALLS = 0.075
CALL_TIMEOUT = 5
# A failed call is retried (same request id) with this pause, for at most this long.
RETRY_PAUSE = 0.2
RETRY_FOR = 30
# One failed creation or submission in GIVE_UP_EVERY (across the threads) is given up rather than retried: the
# client does not know whether it was committed, and the checks must hold either way.
GIVE_UP_EVERY = 3
# After the load, the department office accepts every attestation of this many nominations
# (those of people designed to qualify first), so that some become QUALIFIED and the summary's
# qualified figure is more than zero.
REVIEWED_NOMINATIONS = 12
# The faults, in seconds after the load starts.
FAULTS = [(4, "intake"), (10, "evaluation"), (16, "reporting")]
HOLD_DOWN_AT = 22
HOLD_DOWN_FOR = 5
SETTLE_TIMEOUT = 90
# Officials attest these criteria (the plan's qualitative ones for CATEGORY_OFFICIAL).
OFFICIAL_ATTESTATIONS = ["G1", "G3", "G4", "G5", "S1", "S4"]
# Worth retrying with the same request: the service may be down or may have lost the reply.
TRANSIENT = (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED,
             grpc.StatusCode.CANCELLED, grpc.StatusCode.UNKNOWN, grpc.StatusCode.INTERNAL)

nomination_pb2, _ = load("dienhinh.intake.v1.nomination")
intake_pb2, intake_service_grpc = load("dienhinh.intake.v1.intake_service")
dossier_pb2, _ = load("dienhinh.intake.v1.dossier")
evaluation_pb2, _ = load("dienhinh.evaluation.v1.evaluation")
review_pb2, _ = load("dienhinh.evaluation.v1.attestation_review")
evaluation_service_pb2, _ = load("dienhinh.evaluation.v1.evaluation_service")
registry_pb2, _ = load("dienhinh.registry.v1.registry_service")
reporting_pb2, _ = load("dienhinh.reporting.v1.reporting_service")
category_pb2, _ = load("dienhinh.type.v1.nomination_category")
organisation_pb2, _ = load("dienhinh.type.v1.organisation")
field_mask_pb2, _ = load("google.protobuf.field_mask")

Nomination = nomination_pb2.Nomination
Trigger = evaluation_pb2.EvaluationTrigger.Kind


def read_csv(name):
    with open(os.path.join(harness.SAMPLE_DATA, name), encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def designed_qualified():
    """The people scenarios.csv designs to qualify (their records meet S1-S4)."""
    return {row["Mã"] for row in read_csv("scenarios.csv")
            if row["Loại"] == "person" and row["Kết quả mong đợi"] == "QUALIFIED"}


def sample_people():
    """(person code, unit code) of every person of the sample, those designed to qualify
    first (so that the load nominates them), then in file order."""
    people = [(row["Mã cán bộ"], row["Mã đơn vị"]) for row in read_csv("persons.csv")]
    qualified = designed_qualified()
    return ([p for p in people if p[0] in qualified] + [p for p in people if p[0] not in qualified])


def official(person, unit):
    """A complete official's dossier, as the unit's emulation officer would file it."""
    n = Nomination(plan=PLAN, category=category_pb2.CATEGORY_OFFICIAL,
                   field=category_pb2.FIELD_COMPREHENSIVE, nominee="persons/" + person,
                   nominating_unit="units/" + unit,
                   achievements="Hai năm học liền hoàn thành xuất sắc nhiệm vụ.")
    n.school_years.add(start_year=2018)
    n.school_years.add(start_year=2019)
    n.good_practices.add(title="Sinh hoạt chuyên môn theo nghiên cứu bài học",
                         description="Dự giờ, phân tích bài học hằng tháng.")
    decision = n.evidence.add(id="e1", kind=dossier_pb2.Evidence.KIND_DECISION,
                              title="Quyết định công nhận hoàn thành xuất sắc nhiệm vụ",
                              document_number="1234/QĐ-SGDĐT")
    decision.document_date.year, decision.document_date.month, decision.document_date.day = 2020, 7, 10
    n.evidence.add(id="e2", kind=dossier_pb2.Evidence.KIND_MINUTES, title="Biên bản hội nghị suy tôn")
    for criterion in OFFICIAL_ATTESTATIONS:
        n.attestations.add(criterion_id=criterion, evidence_ids=["e1"],
                           statement="Minh chứng cho tiêu chí " + criterion)
    vote = n.acknowledgement_vote
    vote.body = "Hội nghị cán bộ, viên chức"
    vote.date.year, vote.date.month, vote.date.day = 2020, 7, 1
    vote.members, vote.present, vote.votes_for = 40, 38, 36
    vote.minutes_reference = "05/BB-HN"
    vote.minutes_evidence_id = "e2"
    return n


class Tracked:
    """What the client knows of one person's nomination: only what a reply acknowledged."""

    def __init__(self, person, unit):
        self.person, self.unit = person, unit
        self.names = set()          # every nomination name a create reply or replay returned
        self.created = False
        self.submitted = False      # a SubmitNomination reply said OK
        self.submit_unknown = False  # a submission failed and was given up: committed or not
        self.withdrawn = False
        self.versions = 0           # the submission and each acknowledged update
        self.etag = ""
        self.achievements = ""
        self.busy = False           # the updater is working on it

    @property
    def name(self):
        return next(iter(self.names)) if len(self.names) == 1 else None


class Ledger:
    """Shared by the load threads: the people to nominate, what was acknowledged, what failed."""

    def __init__(self, people):
        self.lock = threading.Lock()
        self.queue = collections.deque(people)
        self.tracked = {}                          # person -> Tracked
        self.failures = collections.Counter()      # (method, code) -> calls
        self.retried = collections.Counter()       # method -> retried calls that then succeeded
        self.gave_up = collections.Counter()       # method -> calls given up
        self.rejected = []                         # (person, method, code, message)
        self.anomalies = []                        # what a reply said that it must not have
        self.updates = 0
        self.withdrawals = 0
        self.failed_calls = 0                      # calls that failed on their first attempt

    def next_person(self):
        with self.lock:
            if not self.queue:
                return None
            person, unit = self.queue.popleft()
            tracked = self.tracked[person] = Tracked(person, unit)
            return tracked

    def failed(self, method, error):
        with self.lock:
            self.failures[(method, error.code().name)] += 1

    def anomaly(self, text):
        with self.lock:
            self.anomalies.append(text)


class Caller:
    """Calls with retries: the same request again after a transient failure."""

    def __init__(self, ledger):
        self.ledger = ledger

    def call(self, method, fn, request, token, retry=True):
        """fn(request) until OK; returns (reply, None), or (None, error) for a permanent error
        or when the caller does not retry (or RETRY_FOR runs out)."""
        deadline = time.monotonic() + RETRY_FOR
        attempts = 0
        while True:
            attempts += 1
            try:
                reply = fn(request, metadata=metadata(token), timeout=CALL_TIMEOUT)
                if attempts > 1:
                    with self.ledger.lock:
                        self.ledger.retried[method] += 1
                return reply, None
            except grpc.RpcError as error:
                self.ledger.failed(method, error)
                if error.code() not in TRANSIENT or not retry or time.monotonic() > deadline:
                    return None, error
            time.sleep(RETRY_PAUSE)


class LoadThread(threading.Thread):
    """Nominates one person after another: create, then submit, each retried with its request
    id; one failed submission in GIVE_UP_EVERY is given up."""

    def __init__(self, ledger, address, token, stop):
        super().__init__(daemon=True)
        self.ledger, self.token, self.stop = ledger, token, stop
        self.channel = grpc.insecure_channel(address, options=harness.CHANNEL_OPTIONS)
        self.intake = intake_service_grpc.IntakeServiceStub(self.channel)

    def run(self):
        try:
            while not self.stop.is_set():
                tracked = self.ledger.next_person()
                if tracked is None:
                    return
                self.nominate(tracked)
        finally:
            self.channel.close()

    def nominate(self, t):
        create = intake_pb2.CreateNominationRequest(nomination=official(t.person, t.unit),
                                                    request_id=request_id())
        created = self.replayed_call("create", self.intake.CreateNomination, create, t)
        self.stop.wait(PAUSE_BETWEEN_CALLS)
        if created is None:
            return
        with self.ledger.lock:
            t.created = True
            t.etag, t.achievements = created.etag, created.achievements
        submit = intake_pb2.SubmitNominationRequest(name=created.name, etag=created.etag,
                                                    request_id=request_id())
        submitted = self.replayed_call("submit", self.intake.SubmitNomination, submit, t)
        self.stop.wait(PAUSE_BETWEEN_CALLS)
        if submitted is None:
            return
        if submitted.state != Nomination.STATE_SUBMITTED:
            self.ledger.anomaly("%s: SubmitNomination said OK with state %s"
                                % (submitted.name, Nomination.State.Name(submitted.state)))
        with self.ledger.lock:
            t.submitted = True
            t.versions = 1
            t.etag = submitted.etag

    def replayed_call(self, method, fn, request, t):
        """The call until OK; a transient failure is retried with the same request id, except
        every GIVE_UP_EVERY-th call that fails, which is given up. Records the name each reply
        returned: a replay must return the nomination the first call made."""
        first = True
        deadline = time.monotonic() + RETRY_FOR
        while True:
            try:
                reply = fn(request, metadata=metadata(self.token), timeout=CALL_TIMEOUT)
                with self.ledger.lock:
                    t.names.add(reply.name)
                    if not first:
                        self.ledger.retried[method] += 1
                return reply
            except grpc.RpcError as error:
                self.ledger.failed(method, error)
                if error.code() not in TRANSIENT:
                    with self.ledger.lock:
                        self.ledger.rejected.append((t.person, method, error.code().name,
                                                     error.details()))
                    return None
                if first:
                    with self.ledger.lock:
                        self.ledger.failed_calls += 1
                        give_up = self.ledger.failed_calls % GIVE_UP_EVERY == 0
                        if give_up:
                            self.ledger.gave_up[method] += 1
                            t.submit_unknown = method == "submit"
                    if give_up:
                        return None
                if time.monotonic() > deadline:
                    with self.ledger.lock:
                        self.ledger.gave_up[method] += 1
                        if method == "submit":
                            t.submit_unknown = True
                    return None
                first = False
            time.sleep(RETRY_PAUSE)


class ChangeThread(threading.Thread):
    """Updates submitted nominations and withdraws some, each only once evaluation holds the
    evaluation of the nomination's current version (so that no two versions can share one
    evaluation). An update is retried with the same etag: OK means it committed now, ABORTED
    that the lost attempt had committed (the content must then be ours)."""

    WITHDRAW_EVERY = 5

    def __init__(self, ledger, addresses, token, stop, seed):
        super().__init__(daemon=True)
        self.ledger, self.token, self.stop = ledger, token, stop
        self.channels = [grpc.insecure_channel(addresses[name], options=harness.CHANNEL_OPTIONS)
                         for name in ("intake", "evaluation")]
        self.intake = intake_service_grpc.IntakeServiceStub(self.channels[0])
        _, evaluation_grpc = load("dienhinh.evaluation.v1.evaluation_service")
        self.evaluation = evaluation_grpc.EvaluationServiceStub(self.channels[1])
        self.caller = Caller(ledger)
        self.random = random.Random(seed)
        self.changes = 0

    def run(self):
        try:
            while not self.stop.wait(0.25):
                t = self.pick()
                if t is None:
                    continue
                try:
                    if self.evaluated_version(t.name) == t.versions:
                        self.changes += 1
                        if self.changes % self.WITHDRAW_EVERY == 0:
                            self.withdraw(t)
                        else:
                            self.update(t)
                finally:
                    with self.ledger.lock:
                        t.busy = False
        finally:
            for channel in self.channels:
                channel.close()

    def pick(self):
        with self.ledger.lock:
            ready = [t for t in self.ledger.tracked.values()
                     if t.submitted and not t.withdrawn and not t.busy and t.name]
            if not ready:
                return None
            t = self.random.choice(ready)
            t.busy = True
            return t

    def evaluated_version(self, name):
        try:
            latest = self.evaluation.GetEvaluation(
                evaluation_service_pb2.GetEvaluationRequest(name=name + "/evaluations/latest"),
                metadata=metadata(self.token), timeout=CALL_TIMEOUT)
            return latest.version
        except grpc.RpcError as error:
            if error.code() != grpc.StatusCode.NOT_FOUND:
                self.ledger.failed("get_evaluation", error)
            return -1

    def update(self, t):
        achievements = "%s Lần cập nhật %d." % (t.achievements.split(" Lần cập nhật")[0],
                                                t.versions)
        request = intake_pb2.UpdateNominationRequest(
            nomination=Nomination(name=t.name, etag=t.etag, achievements=achievements),
            update_mask=field_mask_pb2.FieldMask(paths=["achievements"]))
        reply, error = self.caller.call("update", self.intake.UpdateNomination, request, self.token)
        if error is not None and error.code() == grpc.StatusCode.ABORTED:
            # Stale etag: only this thread changes a submitted nomination, so an earlier
            # attempt whose reply was lost committed. The content must be that attempt's.
            reply, error = self.caller.call(
                "get", self.intake.GetNomination, intake_pb2.GetNominationRequest(name=t.name),
                self.token)
            if reply is not None and reply.achievements != achievements:
                self.ledger.anomaly("%s: an update answered ABORTED but the nomination holds %r, "
                                    "not the update's %r" % (t.name, reply.achievements, achievements))
                return
        if reply is None:
            self.ledger.anomaly("%s: an update got no answer in %d s: %s"
                                % (t.name, RETRY_FOR, error.code().name if error else "?"))
            return
        with self.ledger.lock:
            t.versions += 1
            t.etag, t.achievements = reply.etag, reply.achievements
            self.ledger.updates += 1

    def withdraw(self, t):
        request = intake_pb2.WithdrawNominationRequest(name=t.name, etag=t.etag, request_id=request_id(),
                                                       reason="Đơn vị rút hồ sơ để bổ sung minh chứng.")
        reply, error = self.caller.call("withdraw", self.intake.WithdrawNomination, request, self.token)
        if reply is None:
            self.ledger.anomaly("%s: a withdrawal retried with its request id failed: %s %s"
                                % (t.name, error.code().name, error.details()))
            return
        with self.ledger.lock:
            t.withdrawn = True
            t.etag = reply.etag
            self.ledger.withdrawals += 1


class CrashUnderLoadTest(unittest.TestCase):
    # The failure messages name what differs; unittest's repr of the value would repeat it.
    longMessage = False

    def setUp(self):
        self.started = time.monotonic()

    def mark(self, what):
        """Prints a step with the seconds since the test began (CI logs show where time goes)."""
        print("[%6.1f s] %s" % (time.monotonic() - self.started, what), flush=True)

    def test_crashes_under_load_lose_and_double_nothing(self):
        with Cluster(BUILD, business_time=IN_WINDOW) as cluster:
            self.cluster = cluster
            self.mark("four services SERVING on %s (%s)" % (cluster.backend, cluster.work_dir))
            self.admin = cluster.mint_token("admin", subject="e2e-crash-admin")
            cluster.load_sample_data(self.admin)
            cluster.wait_feeds_caught_up(timeout=SETTLE_TIMEOUT)
            self.mark("sample data loaded; followers caught up with the registry")

            ledger = Ledger(sample_people())
            self.run_load_with_faults(ledger)
            self.report_load(ledger)
            self.settle(ledger)

            nominations = self.list_nominations()
            evaluations = self.list_evaluations()
            self.check_intake(ledger, nominations)
            self.check_evaluations(ledger, nominations, evaluations)
            self.accept_some_attestations(nominations)
            self.check_summary(self.list_nominations(), self.list_evaluations())
            self.check_no_dead_letters()
            self.mark("all checks passed")
        self.mark("four services stopped cleanly")

    # --- the load and the faults ---

    def run_load_with_faults(self, ledger):
        stop = threading.Event()
        addresses = self.cluster.addresses
        threads = [LoadThread(ledger, addresses["intake"], self.admin, stop)
                   for _ in range(LOAD_THREADS)]
        threads.append(ChangeThread(ledger, addresses, self.admin, stop, seed=99))
        self.dead_letters_seen = collections.Counter()
        load_started = time.monotonic()
        for thread in threads:
            thread.start()
        self.mark("load started: %d nominating threads and one updating/withdrawing" % LOAD_THREADS)
        try:
            for at, service in FAULTS:
                self.sleep_until(load_started + at)
                self.kill_and_restart(service, ledger)
            self.sleep_until(load_started + HOLD_DOWN_AT)
            self.hold_intake_down(ledger)
            self.sleep_until(load_started + LOAD_SECONDS)
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=RETRY_FOR + CALL_TIMEOUT + 5)
        alive = [t.name for t in threads if t.is_alive()]
        self.assertFalse(alive, "load threads still running after the stop: %r" % alive)
        self.mark("load stopped after %.1f s" % (time.monotonic() - load_started))

    @staticmethod
    def sleep_until(when):
        time.sleep(max(0.0, when - time.monotonic()))

    def acknowledged(self, ledger):
        with ledger.lock:
            return sum(1 for t in ledger.tracked.values() if t.submitted)

    def kill_and_restart(self, service, ledger):
        self.remember_dead_letters(service)
        before = self.acknowledged(ledger)
        self.cluster.kill(service)
        self.cluster.restart(service)
        self.mark("SIGKILL %s and restart (%d submissions acknowledged so far)" % (service, before))

    def hold_intake_down(self, ledger):
        """Intake killed and kept down: evaluation and reporting must stay up and keep trying
        (their subscription shows disconnected), then reconnect by themselves when intake is
        back and apply its log to its head."""
        intake = self.cluster.addresses["intake"]
        followers = ("evaluation", "reporting")
        self.remember_dead_letters("intake")
        before = {f: self.feed_state(f, intake)[0] for f in followers}
        self.cluster.kill("intake")
        down_since = time.monotonic()
        self.mark("SIGKILL intake, held down for %d s" % HOLD_DOWN_FOR)
        disconnected = wait_until(
            "evaluation and reporting to show their intake feed disconnected",
            lambda: all(self.feed_state(f, intake)[1] == 0 for f in followers),
            timeout=15)  # longer than the hold only when the machine stalls
        self.assertTrue(disconnected)
        self.sleep_until(down_since + HOLD_DOWN_FOR)
        for follower in ("evaluation", "reporting"):
            code = self.cluster.processes[follower].poll()
            self.assertIsNone(code, "%s exited (%s) while its upstream intake was down"
                              % (follower, code))
        self.cluster.restart("intake")
        # The log head a moment after the restart (the metric reads 0 until the log is open),
        # past what the followers had applied before the kill once the load has submitted more.
        head = wait_until("intake's log head to pass %r, the followers' positions before the "
                          "kill" % before,
                          lambda: (lambda h: h if h > max(before.values()) else 0)(
                              self.cluster.metrics("intake").get(
                                  ("dienhinh_event_log_last_sequence", ()), 0)),
                          timeout=30)
        self.mark("intake back after %.1f s down; its log head is %d (followers were at %r)"
                  % (time.monotonic() - down_since, head, before))
        for follower in followers:
            # The consumer's backoff tops out at 5 s; under this load give it a while.
            wait_until("%s to reconnect to intake's feed and apply it up to %d" % (follower, head),
                       lambda: self.feed_state(follower, intake)[1] == 1
                       and self.feed_state(follower, intake)[0] >= head, timeout=30)
        self.mark("evaluation and reporting reconnected by themselves and caught up with intake "
                  "(%.1f s after intake came back)" % (time.monotonic() - down_since - HOLD_DOWN_FOR))

    def feed_state(self, follower, upstream_address):
        """(position, connected) of `follower`'s consumer of the feed at upstream_address."""
        position = connected = None
        for (series, labels), value in self.cluster.metrics(follower).items():
            if dict(labels).get("target") != upstream_address:
                continue
            if series == "dienhinh_event_consumer_position":
                position = value
            elif series == "dienhinh_event_consumer_connected":
                connected = value
        return position, connected

    def dead_letters(self, service):
        return sum(value for (series, _), value in self.cluster.metrics(service).items()
                   if series == "dienhinh_event_consumer_dead_letters_total")

    def remember_dead_letters(self, service):
        """The dead-letter counter restarts with the process: keep what it said before a kill."""
        self.dead_letters_seen[service] += self.dead_letters(service)

    def report_load(self, ledger):
        with ledger.lock:
            tracked = list(ledger.tracked.values())
            self.mark("%d people nominated: %d creations acknowledged, %d submissions acknowledged, "
                      "%d given up; %d updates, %d withdrawals acknowledged"
                      % (len(tracked), sum(t.created for t in tracked),
                         sum(t.submitted for t in tracked), sum(t.submit_unknown for t in tracked),
                         ledger.updates, ledger.withdrawals))
            self.mark("failed calls (method, code): %s; retried then OK: %s; given up: %s"
                      % (dict(ledger.failures), dict(ledger.retried), dict(ledger.gave_up)))
            rejected, anomalies = list(ledger.rejected), list(ledger.anomalies)
        self.assertFalse(rejected, "the service refused calls a retry cannot explain "
                                   "(person, method, code, message): %r" % rejected[:10])
        self.assertFalse(anomalies, "replies that contradict each other:\n  " + "\n  ".join(anomalies))
        self.assertGreater(sum(t.submitted for t in tracked), 50,
                           "too few submissions acknowledged for the test to mean anything")
        self.assertTrue(any(code == "UNAVAILABLE" for _, code in ledger.failures),
                        "no call failed while intake was down: the faults did not hit the load")

    def settle(self, ledger):
        """Waits until every follower has applied its feeds and evaluation has evaluated every
        version the client made, then until reporting has applied evaluation's feed too."""
        self.cluster.wait_feeds_caught_up(timeout=SETTLE_TIMEOUT)
        with ledger.lock:
            expected = sum(t.versions for t in ledger.tracked.values() if t.submitted)
        try:
            wait_until("evaluation to record the %d versions the client made" % expected,
                       lambda: len(self.list_evaluations()) >= expected, timeout=SETTLE_TIMEOUT,
                       interval=1)
        except AssertionError as e:
            # The checks below say which nomination lacks what.
            self.mark(str(e))
        time.sleep(1)  # room for anything evaluated twice to show
        self.cluster.wait_feeds_caught_up(timeout=SETTLE_TIMEOUT)
        self.mark("feeds settled: evaluation holds %d versions or more; reporting caught up" % expected)

    # --- reading the services from scratch ---

    def stub(self, service, module, stub_class):
        return self.cluster.stub(service, module, stub_class)

    def paged(self, fn, request, field):
        items = []
        while True:
            reply = fn(request, metadata=metadata(self.admin), timeout=30)
            items.extend(getattr(reply, field))
            if not reply.next_page_token:
                return items
            request.page_token = reply.next_page_token

    def list_nominations(self):
        intake = self.stub("intake", "dienhinh.intake.v1.intake_service", "IntakeServiceStub")
        return self.paged(intake.ListNominations,
                          intake_pb2.ListNominationsRequest(page_size=500,
                                                            filter='plan = "%s"' % PLAN),
                          "nominations")

    def list_evaluations(self):
        evaluation = self.stub("evaluation", "dienhinh.evaluation.v1.evaluation_service",
                               "EvaluationServiceStub")
        return self.paged(evaluation.ListEvaluations,
                          evaluation_service_pb2.ListEvaluationsRequest(
                              parent="nominations/-", page_size=500, filter='plan = "%s"' % PLAN),
                          "evaluations")

    # --- the checks ---

    def check_intake(self, ledger, nominations):
        by_nominee = collections.defaultdict(list)
        for n in nominations:
            by_nominee[n.nominee].append(n)
        wrong = []
        with ledger.lock:
            tracked = list(ledger.tracked.values())
        for t in tracked:
            found = by_nominee.pop("persons/" + t.person, [])
            names = sorted(n.name for n in found)
            if len(t.names) > 1:
                wrong.append("persons/%s: replays returned different nominations %s"
                             % (t.person, sorted(t.names)))
                continue
            if t.created and names != sorted(t.names):
                wrong.append("persons/%s: created as %s (acknowledged), intake holds %s"
                             % (t.person, t.name, names or "nothing"))
                continue
            if not t.created and len(found) > 1:
                wrong.append("persons/%s: one unacknowledged creation, intake holds %s"
                             % (t.person, names))
                continue
            if not found:
                continue
            n = found[0]
            want = None
            if t.withdrawn:
                want = Nomination.STATE_WITHDRAWN
            elif t.submitted:
                want = Nomination.STATE_SUBMITTED
            elif t.submit_unknown:
                if n.state not in (Nomination.STATE_DRAFT, Nomination.STATE_SUBMITTED):
                    want = Nomination.STATE_SUBMITTED
            else:
                want = Nomination.STATE_DRAFT
            if want is not None and n.state != want:
                wrong.append("%s (persons/%s): state %s, the client was told %s"
                             % (n.name, t.person, Nomination.State.Name(n.state),
                                Nomination.State.Name(want)))
            elif t.created and n.achievements != t.achievements:
                wrong.append("%s: achievements %r, the last acknowledged update set %r"
                             % (n.name, n.achievements, t.achievements))
        for nominee, found in by_nominee.items():
            wrong.append("%s: intake holds %s, which no client of this test created"
                         % (nominee, sorted(n.name for n in found)))
        self.assertFalse(wrong, "intake does not hold exactly what it acknowledged (%d of %d "
                                "people):\n  %s" % (len(wrong), len(tracked), "\n  ".join(wrong[:30])))
        submitted = sum(1 for n in nominations if n.state == Nomination.STATE_SUBMITTED)
        self.mark("intake: %d nominations, one per person nominated, %d SUBMITTED, every "
                  "acknowledged one as acknowledged" % (len(nominations), submitted))

    def check_evaluations(self, ledger, nominations, evaluations):
        with ledger.lock:
            made = {t.name: t.versions for t in ledger.tracked.values() if t.name}
        versions = collections.defaultdict(list)
        for e in evaluations:
            versions[e.nomination].append(e)
        wrong = []
        events_seen = collections.Counter(e.trigger.event_id for e in evaluations if e.trigger.event_id)
        for n in nominations:
            found = sorted(versions.pop(n.name, []), key=lambda e: e.version)
            if n.state == Nomination.STATE_DRAFT:
                want = 0
            else:
                # A submission the client gave up on and intake committed: the submission only.
                want = made.get(n.name) or 1
            got = [e.version for e in found]
            if got != list(range(1, want + 1)):
                wrong.append("%s (%s): evaluation versions %s, want 1..%d (one per version made)"
                             % (n.name, Nomination.State.Name(n.state), got, want))
                continue
            kinds = [Trigger.Name(e.trigger.kind) for e in found]
            want_kinds = (["KIND_NOMINATION_SUBMITTED"] + ["KIND_NOMINATION_UPDATED"] * (want - 1)
                          if want else [])
            if kinds != want_kinds:
                wrong.append("%s: evaluations caused by %s, want %s" % (n.name, kinds, want_kinds))
            twice = [e.trigger.event_id for e in found if events_seen[e.trigger.event_id] > 1]
            if twice:
                wrong.append("%s: intake events evaluated more than once: %s" % (n.name, twice))
        for name, found in versions.items():
            wrong.append("%s: %d evaluations of a nomination intake does not hold"
                         % (name, len(found)))
        self.assertFalse(wrong, "evaluation did not evaluate every version exactly once (%d "
                                "nominations):\n  %s" % (len(wrong), "\n  ".join(wrong[:30])))
        self.mark("evaluation: %d versions for %d nominations, each exactly once"
                  % (len(evaluations), len(nominations)))

    def accept_some_attestations(self, nominations):
        """The department office accepts every attestation of a few submitted nominations, and
        reporting is killed while it takes in their re-evaluations: most become QUALIFIED, so
        the summary's qualified figure is put to the test too."""
        office = self.cluster.mint_token("department_office", subject="e2e-crash-vanphong",
                                         unit="SGDDT-VP")
        evaluation = self.stub("evaluation", "dienhinh.evaluation.v1.evaluation_service",
                               "EvaluationServiceStub")
        # Nobody reviews a nomination of their own unit.
        qualified = {"persons/" + p for p in designed_qualified()}
        candidates = sorted((n.nominee not in qualified, n.name) for n in nominations
                            if n.state == Nomination.STATE_SUBMITTED
                            and n.nominating_unit != "units/SGDDT-VP")
        chosen = [name for _, name in candidates[:REVIEWED_NOMINATIONS]]
        for name in chosen:
            for criterion in OFFICIAL_ATTESTATIONS:
                evaluation.ReviewAttestation(
                    evaluation_service_pb2.ReviewAttestationRequest(
                        parent=name, criterion_id=criterion,
                        decision=review_pb2.AttestationReview.DECISION_ACCEPTED,
                        comment="Minh chứng đầy đủ.", request_id=request_id()),
                    metadata=metadata(office), timeout=CALL_TIMEOUT)
        self.remember_dead_letters("reporting")
        self.cluster.kill("reporting")
        self.cluster.restart("reporting")
        self.mark("attestations of %d nominations accepted; reporting killed and restarted "
                  "meanwhile" % len(chosen))

        def attestations_settled(name):
            latest = self.stub("evaluation", "dienhinh.evaluation.v1.evaluation_service",
                               "EvaluationServiceStub").GetEvaluation(
                evaluation_service_pb2.GetEvaluationRequest(name=name + "/evaluations/latest"),
                metadata=metadata(self.admin), timeout=CALL_TIMEOUT)
            return all(o.outcome != evaluation_pb2.CriterionOutcome.OUTCOME_PENDING
                       for o in latest.outcomes if o.criterion_id in OFFICIAL_ATTESTATIONS)
        for name in chosen:
            wait_until("%s to be re-evaluated with its accepted attestations" % name,
                       lambda: attestations_settled(name), timeout=SETTLE_TIMEOUT, interval=0.5)
        self.cluster.wait_feeds_caught_up(timeout=SETTLE_TIMEOUT)

    def check_summary(self, nominations, evaluations):
        """GetSummary against a recount: submitted (not withdrawn) nominations of the plan, by
        district, category and the education level of the nominee's unit (the registry's), with
        how many have a latest evaluation QUALIFIED; no council decision was made, so nothing
        is recognised or revoked."""
        registry = self.stub("registry", "dienhinh.registry.v1.registry_service",
                             "RegistryServiceStub")
        units = self.paged(registry.ListUnits, registry_pb2.ListUnitsRequest(page_size=500), "units")
        persons = self.paged(registry.ListPersons, registry_pb2.ListPersonsRequest(page_size=500),
                             "persons")
        unit_level = {u.name: u.level for u in units}
        # The level of the unit the nominee works in, as the registry has it.
        level_of = {p.name: unit_level.get(p.unit, 0) for p in persons}
        latest = {}
        for e in evaluations:
            if e.version > latest.get(e.nomination, (0, None))[0]:
                latest[e.nomination] = (e.version, e.verdict)
        reporting = self.stub("reporting", "dienhinh.reporting.v1.reporting_service",
                              "ReportingServiceStub")
        for year in (None, 2018, 2019):
            recount = collections.defaultdict(lambda: [0, 0, 0, 0])
            for n in nominations:
                if n.state != Nomination.STATE_SUBMITTED:
                    continue
                if year is not None and year not in [y.start_year for y in n.school_years]:
                    continue
                key = (n.district, n.category, level_of.get(n.nominee, 0))
                recount[key][0] += 1
                if latest.get(n.name, (0, None))[1] == evaluation_pb2.VERDICT_QUALIFIED:
                    recount[key][1] += 1
            request = reporting_pb2.GetSummaryRequest(plan=PLAN)
            if year is not None:
                request.school_year.start_year = year
            summary = reporting.GetSummary(request, metadata=metadata(self.admin), timeout=30)
            served = {(r.district, r.category, r.level):
                      [r.nominations, r.qualified, r.recognised, r.revoked] for r in summary.rows}
            what = "school year %d-%d" % (year, year + 1) if year else "the whole plan"
            wrong = []
            for key in sorted(set(served) | set(recount)):
                if served.get(key) != recount.get(key):
                    wrong.append("%s / %s / %s: reporting says %s, the recount %s "
                                 "(nominations, qualified, recognised, revoked)"
                                 % (key[0] or "(no district)", category_pb2.Category.Name(key[1]),
                                    organisation_pb2.EducationLevel.Name(key[2]),
                                    served.get(key, "no row"), recount.get(key, "no row")))
            totals = [sum(v[i] for v in recount.values()) for i in range(4)]
            t = summary.total
            if [t.nominations, t.qualified, t.recognised, t.revoked] != totals:
                wrong.append("total: reporting says %s, the recount %s"
                             % ([t.nominations, t.qualified, t.recognised, t.revoked], totals))
            self.assertFalse(wrong, "reporting's summary of %s differs from a recount:\n  %s"
                             % (what, "\n  ".join(wrong)))
            self.mark("reporting: summary of %s = recount: %d rows, %d nominations, %d qualified"
                      % (what, len(recount), totals[0], totals[1]))

    def check_no_dead_letters(self):
        for service in ("evaluation", "reporting"):
            self.dead_letters_seen[service] += self.dead_letters(service)
        parked = {s: int(n) for s, n in self.dead_letters_seen.items() if n}
        self.assertFalse(parked, "consumers parked events as dead letters (skipped): %r" % parked)


if __name__ == "__main__":
    unittest.main(verbosity=2)
