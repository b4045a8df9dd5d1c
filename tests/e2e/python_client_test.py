#!/usr/bin/python3
"""Part of the year, driven from Python as another ministry service would drive it: grpcio and
stubs generated from proto/, against the four real services on loopback (harness.py).

The Cần Thơ sample data is loaded; from tools/sample_data/can-tho/scenarios.csv one school
designed to qualify and one designed to fail a single criterion are nominated, each with its
head, with evidence, attestations and the collective's vote, and submitted while intake's
business clock is inside the plan's nomination window. Evaluation runs by itself; the
department office accepts the attestations; each criterion's outcome must be the designed one.
The council recognises the qualified school and reporting's summary must count exactly that.
Along the way: a nomination missing its nominee is INVALID_ARGUMENT with a BadRequest naming
the field, a unit officer is refused another unit's nominations, and the evaluation service is
killed with SIGKILL three times (while evaluating the submissions, while re-evaluating after
the reviews, and once settled) without changing any outcome or evaluating anything twice.

    python_client_test.py BUILD_DIR        (PostgreSQL instead of SQLite: under scripts/with-postgres)
"""
import csv
import datetime
import os
import sys
import time
import unittest

import grpc

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import (Cluster, load, metadata, request_id, status_details, unpack,  # noqa: E402
                     wait_until)

BUILD = sys.argv.pop(1) if len(sys.argv) > 1 else os.path.join(harness.ROOT, "build")

PLAN = "plans/can-tho-2019-2020"
# Inside the plan's nomination window (15 July to 15 August 2020, Asia/Ho_Chi_Minh).
IN_WINDOW = datetime.datetime(2020, 8, 3, 9, 0, tzinfo=harness.VIETNAM)
EVALUATION_TIMEOUT = 60
REPORTING_TIMEOUT = 30

nomination_pb2, _ = load("dienhinh.intake.v1.nomination")
dossier_pb2, _ = load("dienhinh.intake.v1.dossier")
intake_pb2, _ = load("dienhinh.intake.v1.intake_service")
evaluation_pb2, _ = load("dienhinh.evaluation.v1.evaluation")
criterion_pb2, _ = load("dienhinh.evaluation.v1.criterion")
review_pb2, _ = load("dienhinh.evaluation.v1.attestation_review")
council_pb2, _ = load("dienhinh.evaluation.v1.council_decision")
evaluation_service_pb2, _ = load("dienhinh.evaluation.v1.evaluation_service")
registry_pb2, _ = load("dienhinh.registry.v1.registry_service")
reporting_pb2, _ = load("dienhinh.reporting.v1.reporting_service")
summary_pb2, _ = load("dienhinh.reporting.v1.summary")
category_pb2, _ = load("dienhinh.type.v1.nomination_category")
error_details_pb2, _ = load("google.rpc.error_details")

Outcome = evaluation_pb2.CriterionOutcome.Outcome
Trigger = evaluation_pb2.EvaluationTrigger.Kind
INSTITUTION = category_pb2.CATEGORY_INSTITUTION
LEADER = category_pb2.CATEGORY_LEADER


def read_csv(name):
    with open(os.path.join(harness.SAMPLE_DATA, name), encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


class Scenario:
    """A designed school from scenarios.csv and, from the registry, its head."""

    def __init__(self, unit_code, verdict, failing, head=None):
        self.unit_code = unit_code
        self.unit = "units/" + unit_code
        self.verdict = verdict            # "QUALIFIED" or "NOT_QUALIFIED"
        self.failing = failing            # the criterion designed to fail, or ""
        self.head = head                  # persons/{code}
        self.institution = None           # nominations/{id}, once created
        self.leader = None

    def __repr__(self):
        return "%s (%s%s)" % (self.unit, self.verdict, " on " + self.failing if self.failing else "")


def dossier(category, nominee, nominating_unit, attested):
    """A complete nomination: both school years, achievements, a good practice, a decision and
    the vote's minutes as evidence, one attestation per attested criterion, a vote that meets
    G0 (36 of 38 present, 40 members)."""
    n = nomination_pb2.Nomination(
        plan=PLAN, category=category, nominee=nominee, nominating_unit=nominating_unit,
        field=category_pb2.FIELD_COMPREHENSIVE,
        achievements="Hai năm học liền hoàn thành xuất sắc nhiệm vụ; chất lượng giáo dục tăng đều.")
    n.school_years.add(start_year=2018)
    n.school_years.add(start_year=2019)
    n.good_practices.add(title="Sinh hoạt chuyên môn theo nghiên cứu bài học",
                         description="Mỗi tổ chuyên môn dự giờ và phân tích một bài học mỗi tháng.")
    decision = n.evidence.add(id="e1", kind=dossier_pb2.Evidence.KIND_DECISION,
                              title="Quyết định công nhận hoàn thành xuất sắc nhiệm vụ năm học 2019-2020",
                              issuing_body="Sở Giáo dục và Đào tạo thành phố Cần Thơ",
                              document_number="1234/QĐ-SGDĐT", sha256="ab" * 32)
    decision.document_date.year, decision.document_date.month, decision.document_date.day = 2020, 7, 20
    n.evidence.add(id="e2", kind=dossier_pb2.Evidence.KIND_MINUTES,
                   title="Biên bản hội nghị viên chức suy tôn gương điển hình")
    for criterion_id in attested:
        n.attestations.add(criterion_id=criterion_id, evidence_ids=["e1"],
                           statement="Minh chứng cho tiêu chí %s kèm theo hồ sơ." % criterion_id)
    vote = n.acknowledgement_vote
    vote.body = "Hội nghị cán bộ, viên chức"
    vote.date.year, vote.date.month, vote.date.day = 2020, 7, 25
    vote.members, vote.present, vote.votes_for = 40, 38, 36
    vote.minutes_reference = "07/BB-HNVC"
    vote.minutes_evidence_id = "e2"
    return n


class PythonClientTest(unittest.TestCase):
    def setUp(self):
        self.started = time.monotonic()

    def mark(self, what):
        """Prints a step with the seconds since the test began, so that a CI log shows where
        the time goes."""
        print("[%6.1f s] %s" % (time.monotonic() - self.started, what), flush=True)

    def test_another_service_drives_the_year(self):
        with Cluster(BUILD, business_time=IN_WINDOW) as cluster:
            self.cluster = cluster
            self.mark("four services SERVING on %s (%s)" % (cluster.backend, cluster.work_dir))
            self.admin = cluster.mint_token("admin", subject="e2e-admin")
            self.registry = cluster.stub("registry", "dienhinh.registry.v1.registry_service",
                                         "RegistryServiceStub")
            cluster.load_sample_data(self.admin)
            self.mark("sample data loaded")
            # The year starts from a settled registry: evaluation and reporting have taken in
            # its thousands of import events (otherwise a record event applied late re-queues
            # a nomination, which is right but makes every later step wait for it).
            cluster.wait_feeds_caught_up()
            self.mark("evaluation and reporting caught up with the registry's feed")

            self.plan = self.evaluation().GetPlan(evaluation_service_pb2.GetPlanRequest(name=PLAN),
                                                  metadata=metadata(self.admin), timeout=10)
            good, bad = self.scenarios = self.pick_scenarios()
            self.mark("scenarios: %r and %r" % (good, bad))
            office_unit = self.department_office_unit()
            self.office = cluster.mint_token("department_office", subject="e2e-vanphong",
                                             unit=office_unit)
            self.council = cluster.mint_token("council_member", subject="e2e-hoidong")

            self.check_invalid_nomination_names_the_field(good)
            self.check_unit_officer_is_refused_another_unit(good, bad)
            for scenario in (good, bad):
                self.nominate_school_and_head(scenario)
            self.mark("four nominations submitted")

            # SIGKILL while evaluation takes in the submissions.
            cluster.kill("evaluation")
            cluster.restart("evaluation")
            self.mark("evaluation killed and restarted while evaluating")
            for scenario in (good, bad):
                self.check_first_evaluation(scenario)
            self.mark("first evaluations as designed")

            reviews = {}
            for scenario in (good, bad):
                for nomination in (scenario.institution, scenario.leader):
                    reviews[nomination] = self.accept_attestations(nomination)
            # SIGKILL while evaluation re-evaluates after the reviews (and cascades to L4).
            cluster.kill("evaluation")
            cluster.restart("evaluation")
            self.mark("attestations accepted; evaluation killed and restarted while re-evaluating")
            for scenario in (good, bad):
                self.check_final_evaluation(scenario)
            self.mark("final evaluations as designed, criterion by criterion")

            cluster.wait_feeds_caught_up()
            before = self.all_versions()
            self.check_nothing_evaluated_twice(before, reviews)
            self.mark("versions: " + "; ".join(
                "%s v%d %s by %s" % (v[0][-6:], v[1], v[2][len("VERDICT_"):], v[4][len("KIND_"):])
                for v in before))
            cluster.kill("evaluation")
            cluster.restart("evaluation")
            cluster.wait_feeds_caught_up()
            time.sleep(2)  # room for anything a restart would wrongly evaluate again
            after = self.all_versions()
            self.assertEqual(after, before,
                             "a restart of evaluation after everything settled must change no "
                             "evaluation and add no version")
            self.mark("settled evaluations unchanged by a third SIGKILL and restart")

            self.recognise(good.institution)
            self.check_summary()
            self.mark("reporting summary counts as expected")
        self.mark("four services stopped cleanly")

    # --- stubs ---

    def intake(self):
        return self.cluster.stub("intake", "dienhinh.intake.v1.intake_service", "IntakeServiceStub")

    def evaluation(self):
        return self.cluster.stub("evaluation", "dienhinh.evaluation.v1.evaluation_service",
                                 "EvaluationServiceStub")

    def reporting(self):
        return self.cluster.stub("reporting", "dienhinh.reporting.v1.reporting_service",
                                 "ReportingServiceStub")

    # --- the fixture: which schools, which heads ---

    def pick_scenarios(self):
        """The first school designed to qualify and the first designed to fail one criterion
        that the plan's institution category admits (directly under the plan's issuing unit),
        each with its head from the registry, whose scenario row must agree."""
        units = {row["Mã đơn vị"]: row for row in read_csv("units.csv")}
        rows = read_csv("scenarios.csv")
        people = {row["Mã"]: row for row in rows if row["Loại"] == "person"}
        nominable = [row for row in rows if row["Loại"] == "unit"
                     and "units/" + units[row["Mã"]]["Mã đơn vị cấp trên"] == self.plan.issuing_unit]
        good = next((r for r in nominable if r["Kết quả mong đợi"] == "QUALIFIED"), None)
        bad = next((r for r in nominable if r["Kết quả mong đợi"] == "NOT_QUALIFIED"), None)
        self.assertTrue(
            good and bad,
            "scenarios.csv must hold a school designed to qualify and one designed to fail whose "
            "parent is the plan's issuing unit %s (the institution category is for directly "
            "affiliated institutions); units.csv's schools hang under %s"
            % (self.plan.issuing_unit,
               sorted({"units/" + units[r["Mã"]]["Mã đơn vị cấp trên"] for r in rows
                       if r["Loại"] == "unit"})))
        picked = []
        for row in (good, bad):
            scenario = Scenario(row["Mã"], row["Kết quả mong đợi"], row["Tiêu chí không đạt"])
            unit = self.registry.GetUnit(registry_pb2.GetUnitRequest(name=scenario.unit),
                                         metadata=metadata(self.admin), timeout=10)
            self.assertTrue(unit.head, "%s must have a head in the registry" % scenario.unit)
            scenario.head = unit.head
            head_row = people.get(unit.head.split("/", 1)[1])
            self.assertIsNotNone(head_row, "scenarios.csv must list %s, head of %s"
                                 % (unit.head, scenario.unit))
            self.assertEqual(head_row["Kết quả mong đợi"], scenario.verdict,
                             "a head's designed verdict follows the school's (L4)")
            picked.append(scenario)
        return picked

    def department_office_unit(self):
        """Văn phòng Sở (the department's office), whose officers review attestations."""
        for row in read_csv("units.csv"):
            if row["Tên đơn vị"] == "Văn phòng Sở":
                return row["Mã đơn vị"]
        self.fail("units.csv has no Văn phòng Sở")

    def attested_criteria(self, category):
        return [c.id for c in self.plan.criteria
                if category in c.categories and c.kind == criterion_pb2.Criterion.KIND_ATTESTATION]

    def applicable_criteria(self, category):
        return [c.id for c in self.plan.criteria if category in c.categories]

    # --- intake ---

    def officer(self, scenario):
        return self.cluster.mint_token("unit_officer", subject="e2e-canbo-" + scenario.unit_code,
                                       unit=scenario.unit_code)

    def check_invalid_nomination_names_the_field(self, scenario):
        n = dossier(INSTITUTION, scenario.unit, scenario.unit, self.attested_criteria(INSTITUTION))
        n.ClearField("nominee")
        with self.assertRaises(grpc.RpcError) as caught:
            self.intake().CreateNomination(
                intake_pb2.CreateNominationRequest(nomination=n, request_id=request_id()),
                metadata=metadata(self.officer(scenario)), timeout=10)
        error = caught.exception
        self.assertEqual(error.code(), grpc.StatusCode.INVALID_ARGUMENT,
                         "a nomination without a nominee must be INVALID_ARGUMENT, got %s: %s"
                         % (error.code(), error.details()))
        status = status_details(error)
        self.assertIsNotNone(status, "the error must carry grpc-status-details-bin")
        fields = [v.field for bad in unpack(status, error_details_pb2.BadRequest)
                  for v in bad.field_violations]
        self.assertIn("nomination.nominee", fields,
                      "the BadRequest must name nomination.nominee; it names %r" % fields)
        infos = unpack(status, error_details_pb2.ErrorInfo)
        self.assertTrue(infos and infos[0].domain == "dienhinh.edu.vn",
                        "the details must hold an ErrorInfo of domain dienhinh.edu.vn: %r" % infos)

    def check_unit_officer_is_refused_another_unit(self, good, bad):
        """The officer of `bad`'s school may not nominate `good`'s school, nor read its
        nomination or its evaluation."""
        stranger = self.officer(bad)
        n = dossier(INSTITUTION, good.unit, good.unit, self.attested_criteria(INSTITUTION))
        with self.assertRaises(grpc.RpcError) as caught:
            self.intake().CreateNomination(
                intake_pb2.CreateNominationRequest(nomination=n, request_id=request_id()),
                metadata=metadata(stranger), timeout=10)
        self.assertEqual(caught.exception.code(), grpc.StatusCode.PERMISSION_DENIED,
                         "the officer of %s nominating %s must be PERMISSION_DENIED, got %s: %s"
                         % (bad.unit, good.unit, caught.exception.code(), caught.exception.details()))

    def nominate_school_and_head(self, scenario):
        """The school's officer creates both nominations (the school is the head's unit, so it
        nominates both), a retry of a create returns the same draft, and submits both."""
        token = self.officer(scenario)
        names = []
        for category, nominee in ((INSTITUTION, scenario.unit), (LEADER, scenario.head)):
            n = dossier(category, nominee, scenario.unit, self.attested_criteria(category))
            n.field = category_pb2.FIELD_MANAGEMENT if category == LEADER else n.field
            create = intake_pb2.CreateNominationRequest(nomination=n, request_id=request_id())
            draft = self.intake().CreateNomination(create, metadata=metadata(token), timeout=10)
            self.assertEqual(draft.state, nomination_pb2.Nomination.STATE_DRAFT, "a new nomination is a draft")
            again = self.intake().CreateNomination(create, metadata=metadata(token), timeout=10)
            self.assertEqual(again.name, draft.name, "a retried create must return the first draft")
            submitted = self.intake().SubmitNomination(
                intake_pb2.SubmitNominationRequest(name=draft.name, etag=draft.etag,
                                                   request_id=request_id()),
                metadata=metadata(token), timeout=10)
            self.assertEqual(submitted.state, nomination_pb2.Nomination.STATE_SUBMITTED,
                             "%s of %s must be submitted inside the window" % (draft.name, nominee))
            self.assertFalse(submitted.HasField("window_override"),
                             "inside the window no override is needed")
            names.append(submitted.name)
        scenario.institution, scenario.leader = names
        with self.assertRaises(grpc.RpcError) as caught:
            self.intake().GetNomination(intake_pb2.GetNominationRequest(name=scenario.institution),
                                        metadata=metadata(self.officer_of_other(scenario)), timeout=10)
        self.assertEqual(caught.exception.code(), grpc.StatusCode.PERMISSION_DENIED,
                         "another unit's officer reading %s must be PERMISSION_DENIED, got %s"
                         % (scenario.institution, caught.exception.code()))

    def officer_of_other(self, scenario):
        """The unit officer of the other picked school."""
        other = next(s for s in self.scenarios if s is not scenario)
        return self.officer(other)

    # --- evaluation ---

    def latest(self, nomination, token=None):
        """The latest evaluation explained, or None while there is none."""
        try:
            return self.evaluation().ExplainEvaluation(
                evaluation_service_pb2.ExplainEvaluationRequest(name=nomination + "/evaluations/latest"),
                metadata=metadata(token or self.office), timeout=10)
        except grpc.RpcError as e:
            if e.code() in (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.UNAVAILABLE):
                return None
            raise

    def outcomes(self, explained):
        return {x.outcome.criterion_id: Outcome.Name(x.outcome.outcome) for x in explained.explanations}

    def describe(self, explained):
        return "; ".join("%s %s: %s" % (x.outcome.criterion_id, Outcome.Name(x.outcome.outcome),
                                        x.outcome.reason.en) for x in explained.explanations)

    def wait_for(self, nomination, what, verdict, outcomes=None):
        """The latest evaluation explained, once its verdict is `verdict` and (when given) its
        outcomes are `outcomes`: a verdict can come before the last review is taken in."""
        def probe():
            explained = self.latest(nomination)
            if (explained and evaluation_pb2.Verdict.Name(explained.evaluation.verdict) == verdict
                    and (outcomes is None or self.outcomes(explained) == outcomes)):
                return explained
            return None
        try:
            return wait_until("%s: %s to be %s" % (what, nomination, verdict), probe, EVALUATION_TIMEOUT)
        except AssertionError as e:
            explained = self.latest(nomination)
            raise AssertionError("%s\nwanted: %r\nlatest: %s" % (
                e, outcomes, self.describe(explained) if explained else "none"))

    def assert_outcomes(self, explained, category, expected, what):
        got = self.outcomes(explained)
        self.assertEqual([x.criterion.id for x in explained.explanations], self.applicable_criteria(category),
                         "%s: the explanation must list every criterion of the category in catalog order" % what)
        self.assertEqual(got, expected, "%s: criterion outcomes\n%s" % (what, self.describe(explained)))
        for x in explained.explanations:
            self.assertTrue(x.outcome.reason.vi and x.outcome.reason.en,
                            "%s: %s must be explained in Vietnamese and English" % (what, x.criterion.id))

    def expected(self, category, scenario, attested_outcome):
        """Every applicable criterion MET but the designed failure (NOT_MET; for the head, L4)
        and the attested ones, which are `attested_outcome`."""
        attested = set(self.attested_criteria(category))
        failing = {scenario.failing} if category == INSTITUTION else {"L4"}
        out = {}
        for cid in self.applicable_criteria(category):
            if scenario.verdict == "NOT_QUALIFIED" and cid in failing:
                out[cid] = "OUTCOME_NOT_MET"
            elif cid in attested:
                out[cid] = attested_outcome
            else:
                out[cid] = "OUTCOME_MET"
        return out

    def check_first_evaluation(self, scenario):
        """Before any review the attested criteria are PENDING: the designed failure is already
        NOT_QUALIFIED, the designed success is PENDING, and so is its head (L4 waits for it)."""
        if scenario.verdict == "QUALIFIED":
            school = self.wait_for(scenario.institution, "before reviews", "VERDICT_PENDING")
            self.assert_outcomes(school, INSTITUTION, self.expected(INSTITUTION, scenario, "OUTCOME_PENDING"),
                                 "%s before reviews" % scenario)
            self.wait_for(scenario.leader, "head before reviews", "VERDICT_PENDING")
        else:
            school = self.wait_for(scenario.institution, "before reviews", "VERDICT_NOT_QUALIFIED")
            self.assert_outcomes(school, INSTITUTION, self.expected(INSTITUTION, scenario, "OUTCOME_PENDING"),
                                 "%s before reviews" % scenario)
            self.wait_for(scenario.leader, "head before reviews", "VERDICT_NOT_QUALIFIED")
        with self.assertRaises(grpc.RpcError) as caught:
            self.evaluation().GetEvaluation(
                evaluation_service_pb2.GetEvaluationRequest(name=scenario.institution + "/evaluations/latest"),
                metadata=metadata(self.officer_of_other(scenario)), timeout=10)
        self.assertEqual(caught.exception.code(), grpc.StatusCode.PERMISSION_DENIED,
                         "another unit's officer reading %s's evaluation must be PERMISSION_DENIED, got %s"
                         % (scenario.unit, caught.exception.code()))

    def accept_attestations(self, nomination):
        """The department office accepts every attestation of `nomination`; returns how many."""
        accepted = 0
        nomination_msg = self.intake().GetNomination(intake_pb2.GetNominationRequest(name=nomination),
                                                     metadata=metadata(self.office), timeout=10)
        for attestation in nomination_msg.attestations:
            review = self.evaluation().ReviewAttestation(
                evaluation_service_pb2.ReviewAttestationRequest(
                    parent=nomination, criterion_id=attestation.criterion_id,
                    decision=review_pb2.AttestationReview.DECISION_ACCEPTED,
                    comment="Minh chứng đầy đủ.", request_id=request_id()),
                metadata=metadata(self.office), timeout=10)
            self.assertEqual(review.decision, review_pb2.AttestationReview.DECISION_ACCEPTED,
                             "the review of %s on %s must be recorded as accepted"
                             % (attestation.criterion_id, nomination))
            accepted += 1
        return accepted

    def check_final_evaluation(self, scenario):
        want = self.expected(INSTITUTION, scenario, "OUTCOME_MET")
        school = self.wait_for(scenario.institution, "after reviews", "VERDICT_" + scenario.verdict, want)
        self.assert_outcomes(school, INSTITUTION, want, "%s after reviews" % scenario)
        for x in school.explanations:
            if x.criterion.kind == criterion_pb2.Criterion.KIND_ATTESTATION:
                self.assertEqual(x.review.decision, review_pb2.AttestationReview.DECISION_ACCEPTED,
                                 "%s: the explanation of %s must show the accepted review"
                                 % (scenario, x.criterion.id))
        want = self.expected(LEADER, scenario, "OUTCOME_MET")
        head = self.wait_for(scenario.leader, "head after reviews", "VERDICT_" + scenario.verdict, want)
        self.assert_outcomes(head, LEADER, want, "head %s of %s after reviews" % (scenario.head, scenario))
        l4 = next(x.outcome for x in head.explanations if x.criterion.id == "L4")
        self.assertIn(school.evaluation.nomination, " ".join(l4.depends_on),
                      "L4 of %s must rest on the school's evaluation; depends_on=%r"
                      % (scenario.head, list(l4.depends_on)))

    def all_versions(self):
        """Every evaluation version, as (nomination, version, verdict, input digest, trigger)."""
        versions = []
        token = ""
        while True:
            page = self.evaluation().ListEvaluations(
                evaluation_service_pb2.ListEvaluationsRequest(parent="nominations/-", page_size=100,
                                                              page_token=token, order_by="version"),
                metadata=metadata(self.office), timeout=10)
            for e in page.evaluations:
                versions.append((e.nomination, e.version, evaluation_pb2.Verdict.Name(e.verdict),
                                 e.input_digest, Trigger.Name(e.trigger.kind), e.trigger.event_id))
            token = page.next_page_token
            if not token:
                return sorted(versions)

    def check_nothing_evaluated_twice(self, versions, reviews):
        by_nomination = {}
        for v in versions:
            by_nomination.setdefault(v[0], []).append(v)
        self.assertEqual(set(by_nomination), set(reviews), "every nomination and only those evaluated")
        for nomination, vs in by_nomination.items():
            numbers = [v[1] for v in vs]
            self.assertEqual(numbers, list(range(1, len(vs) + 1)),
                             "%s: versions must run 1..n without gaps or repeats: %r" % (nomination, vs))
            submitted = [v for v in vs if v[4] == "KIND_NOMINATION_SUBMITTED"]
            self.assertEqual(len(submitted), 1,
                             "%s: exactly one version for the submission, even across kills: %r"
                             % (nomination, vs))
            events = [v[5] for v in vs if v[5]]
            self.assertEqual(len(events), len(set(events)),
                             "%s: no event may cause two versions: %r" % (nomination, vs))
            for earlier, later in zip(vs, vs[1:]):
                self.assertNotEqual(earlier[3], later[3],
                                    "%s: version %d repeats version %d's inputs (evaluated twice)"
                                    % (nomination, later[1], earlier[1]))
            reviewed = [v for v in vs if v[4] == "KIND_ATTESTATION_REVIEWED"]
            self.assertLessEqual(len(reviewed), reviews[nomination],
                                 "%s: at most one version per review: %r" % (nomination, vs))

    # --- council and reporting ---

    def recognise(self, nomination):
        decision = council_pb2.CouncilDecision(
            nomination=nomination, decision_number="456/QĐ-SGDĐT",
            recognition_title="Gương điển hình tiên tiến ngành giáo dục và đào tạo giai đoạn 2019-2020",
            council_members=15, members_present=15, votes_for=14)
        decision.decision_date.year, decision.decision_date.month, decision.decision_date.day = 2020, 8, 20
        request = evaluation_service_pb2.CreateCouncilDecisionRequest(council_decision=decision,
                                                                      request_id=request_id())

        def attempt():
            # EVALUATION_PENDING: a fact or review is still being taken in; a client decides
            # after it, on the evaluation as it then stands.
            try:
                return self.evaluation().CreateCouncilDecision(request, metadata=metadata(self.council),
                                                               timeout=10)
            except grpc.RpcError as e:
                details = status_details(e)
                reasons = [i.reason for i in unpack(details, error_details_pb2.ErrorInfo)] if details else []
                if e.code() == grpc.StatusCode.FAILED_PRECONDITION and "EVALUATION_PENDING" in reasons:
                    return None
                raise
        recorded = wait_until("the council's decision on %s" % nomination, attempt, EVALUATION_TIMEOUT)
        self.assertEqual(recorded.state, council_pb2.CouncilDecision.STATE_RECOGNISED,
                         "the council's 14 of 15 recognises a QUALIFIED nomination")

    def check_summary(self):
        """By category: two institutions and two leaders nominated, one of each qualified (the
        designed success and its head), one institution recognised."""
        want = {
            "CATEGORY_INSTITUTION": (2, 1, 1, 0),
            "CATEGORY_LEADER": (2, 1, 0, 0),
        }

        def probe():
            summary = self.reporting().GetSummary(
                reporting_pb2.GetSummaryRequest(plan=PLAN, group_by=[summary_pb2.SUMMARY_DIMENSION_CATEGORY]),
                metadata=metadata(self.office), timeout=10)
            got = {category_pb2.Category.Name(r.category): (r.nominations, r.qualified, r.recognised, r.revoked)
                   for r in summary.rows}
            total = summary.total
            if got == want and (total.nominations, total.qualified, total.recognised) == (4, 2, 1):
                return summary
            self.last_summary = got
            return None

        self.cluster.wait_feeds_caught_up()
        self.last_summary = None
        try:
            summary = wait_until("reporting's summary by category to count (nominations, qualified, "
                                 "recognised, revoked) = %r" % want, probe, REPORTING_TIMEOUT)
        except AssertionError as e:
            raise AssertionError("%s; last summary %r" % (e, self.last_summary))
        self.assertEqual(summary.total.qualified_rate_bp, 5000, "2 of 4 qualified is 50.00 %")
        self.assertEqual(summary.total.recognised_rate_bp, 2500, "1 of 4 recognised is 25.00 %")


if __name__ == "__main__":
    unittest.main()
