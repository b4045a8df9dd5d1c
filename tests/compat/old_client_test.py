#!/usr/bin/python3
"""A client built from the last release's protos still works against the current services.

Districts are upgraded stage by stage (deploy/k8s/stages), so for a while a client, a peer
service or the city's reporting built from release N talks to services of release N+1. This
test generates Python stubs from the protos at the newest v* tag (`git archive`), starts the
current registry, intake and evaluation binaries on loopback with a fresh data folder, and
drives them with those old stubs only: loads districts and units, creates and submits a
nomination, reads it back field by field, follows intake's event feed, waits for the
evaluation, and checks that errors still carry their ErrorInfo and field violations.
`scripts/buf-breaking` checks the same rule statically.

    old_client_test.py BUILD_DIR

Exits 77 (skipped) when git, the repository history or a v* tag is not available.
"""
import csv
import io
import os
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import time
import unittest
import uuid

import grpc

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tools", "pyclient"))
import stubs  # noqa: E402
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
from free_ports import free_ports  # noqa: E402

BUILD = sys.argv.pop(1) if len(sys.argv) > 1 else os.path.join(ROOT, "build")
SKIP = 77
SAMPLE = os.path.join(ROOT, "tools", "sample_data", "can-tho")
PLAN = "plans/can-tho-2019-2020"
SCHOOL = "units/92916401"  # Trường THPT Lê Quý Đôn, directly under the department (SGDDT)
CALL_TIMEOUT = 10


def latest_release():
    """The newest v* tag of this repository, or None with the reason."""
    try:
        tags = subprocess.run(["git", "-C", ROOT, "tag", "--list", "v[0-9]*", "--sort=-v:refname"],
                              capture_output=True, text=True, check=True).stdout.split()
    except OSError as e:
        return None, "git is not installed (%s)" % e
    except subprocess.CalledProcessError as e:
        return None, "%s is not a git checkout (%s)" % (ROOT, e.stderr.strip())
    if not tags:
        return None, "this clone has no v* tag (git fetch --tags)"
    return tags[0], None


def extract_release_protos(tag, into):
    """proto/ as it was at `tag`, under `into`/proto."""
    archive = subprocess.run(["git", "-C", ROOT, "archive", "--format=tar", tag, "proto"],
                             capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into)
    return os.path.join(into, "proto")


class OldClientTest(unittest.TestCase):
    """One world for all the checks: the services start once (a few seconds each)."""

    @classmethod
    def setUpClass(cls):
        cls.procs = {}
        cls.channels = {}
        try:
            cls.start_world()
        except BaseException:
            cls.stop_services()  # unittest skips tearDownClass when setUpClass fails
            raise

    @classmethod
    def tearDownClass(cls):
        codes = cls.stop_services()
        bad = {n: c for n, c in codes.items() if c != 0}
        if bad:
            raise AssertionError("services did not stop cleanly: %s (logs in %s)" % (bad, cls.data))
        shutil.rmtree(cls.data, ignore_errors=True)  # kept, with the logs, when a start failed

    @classmethod
    def start_world(cls):
        cls.data = tempfile.mkdtemp(prefix="dienhinh-compat-")
        cls.old_protos = extract_release_protos(cls.release, cls.data)
        stubs.use_proto_root(cls.old_protos)
        cls.pb = {}
        for name in ["registry.v1.registry_service", "registry.v1.district",
                     "registry.v1.record_import", "intake.v1.intake_service",
                     "intake.v1.nomination", "intake.v1.dossier",
                     "evaluation.v1.evaluation_service", "evaluation.v1.evaluation",
                     "events.v1.event", "type.v1.calendar", "type.v1.nomination_category"]:
            cls.pb[name] = stubs.load("dienhinh." + name)
        cls.health = stubs.load("health")
        cls.rpc_status = stubs.load("google.rpc.status")[0]
        cls.rpc_details = stubs.load("google.rpc.error_details")[0]

        mint = os.path.join(BUILD, "services", "platform", "auth", "dienhinh-mint-token")
        # The first token also creates the site's key, before three services race to.
        cls.office_token = cls.mint(mint, "department_office", "vanphong")
        cls.admin_token = cls.mint(mint, "admin", "admin")

        names = ("registry", "intake", "evaluation")
        cls.addresses = {name: "127.0.0.1:%d" % port
                         for name, port in zip(names, free_ports(len(names)))}
        plans = "--plans_dir=" + os.path.join(ROOT, "plans")
        peers = ["--registry_address=" + cls.addresses["registry"]]
        extra = {"registry": [], "intake": [plans] + peers,
                 "evaluation": [plans] + peers + ["--intake_address=" + cls.addresses["intake"]]}
        for name, address in cls.addresses.items():
            binary = os.path.join(BUILD, "services", name, "dienhinh-" + name)
            with open(os.path.join(cls.data, name + ".log"), "w") as log:
                cls.procs[name] = subprocess.Popen(
                    [binary, "--listen=" + address, "--metrics_listen=off",
                     "--data_dir=" + cls.data, "--site=can-tho/ninh-kieu"] + extra[name],
                    stdout=log, stderr=subprocess.STDOUT)
        cls.channels = {name: grpc.insecure_channel(a) for name, a in cls.addresses.items()}
        for name in cls.addresses:
            cls.wait_serving(name)
        cls.units_imported = cls.load_units()

    @classmethod
    def stop_services(cls):
        """SIGTERM to each service (a graceful drain), and each one's exit code."""
        for channel in cls.channels.values():
            channel.close()
        for proc in cls.procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        codes = {}
        for name, proc in cls.procs.items():
            try:
                codes[name] = proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
                codes[name] = "hung"
        return codes

    @classmethod
    def mint(cls, binary, role, subject):
        return subprocess.run([binary, "--data_dir=" + cls.data, "--role=" + role,
                               "--subject=" + subject, "--ttl=1h"],
                              capture_output=True, text=True, check=True).stdout.strip()

    @classmethod
    def wait_serving(cls, name):
        health_pb2, health_grpc = cls.health
        stub = health_grpc.HealthStub(cls.channels[name])
        deadline = time.monotonic() + 30
        while True:
            if cls.procs[name].poll() is not None:
                raise AssertionError("%s exited; see %s/%s.log" % (name, cls.data, name))
            try:
                status = stub.Check(health_pb2.HealthCheckRequest(), timeout=2).status
                if status == health_pb2.HealthCheckResponse.SERVING:
                    return
            except grpc.RpcError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError("%s did not become SERVING" % name)
            time.sleep(0.1)

    # --- helpers ------------------------------------------------------------------------

    def metadata(self, token=None):
        return [("authorization", "Bearer " + (token or self.office_token))]

    def registry(self):
        _, registry_grpc = self.pb["registry.v1.registry_service"]
        return registry_grpc.RegistryServiceStub(self.channels["registry"])

    def intake(self):
        return self.pb["intake.v1.intake_service"][1].IntakeServiceStub(self.channels["intake"])

    def status_details(self, error):
        """(ErrorInfo, [BadRequest.FieldViolation]) from an error's google.rpc.Status."""
        raw = dict(error.trailing_metadata() or ()).get("grpc-status-details-bin")
        self.assertIsNotNone(raw, "no google.rpc.Status in the error: %s" % error.details())
        status = self.rpc_status.Status.FromString(raw)
        info, violations = None, []
        for any_detail in status.details:
            if any_detail.Is(self.rpc_details.ErrorInfo.DESCRIPTOR):
                info = self.rpc_details.ErrorInfo()
                any_detail.Unpack(info)
            elif any_detail.Is(self.rpc_details.BadRequest.DESCRIPTOR):
                bad = self.rpc_details.BadRequest()
                any_detail.Unpack(bad)
                violations.extend(bad.field_violations)
        return info, violations

    @classmethod
    def load_units(cls):
        """The nine districts and the sample units, through the old registry stubs."""
        service_pb2, registry_grpc = cls.pb["registry.v1.registry_service"]
        district_pb2, _ = cls.pb["registry.v1.district"]
        import_pb2, _ = cls.pb["registry.v1.record_import"]
        registry = registry_grpc.RegistryServiceStub(cls.channels["registry"])
        admin = [("authorization", "Bearer " + cls.admin_token)]
        with open(os.path.join(SAMPLE, "districts.csv"), encoding="utf-8-sig", newline="") as f:
            for row in csv.DictReader(f):
                registry.CreateDistrict(service_pb2.CreateDistrictRequest(
                    district=district_pb2.District(display_name=row["Tên quận huyện"],
                                                   province=row["Tỉnh thành phố"]),
                    district_id=row["Mã quận huyện"], request_id=str(uuid.uuid4())),
                    metadata=admin, timeout=CALL_TIMEOUT)

        def requests():
            yield import_pb2.ImportRecordsRequest(header=import_pb2.ImportRecordsHeader(
                kind=import_pb2.IMPORT_KIND_UNITS, request_id=str(uuid.uuid4()),
                file_name="units.csv"))
            with open(os.path.join(SAMPLE, "units.csv"), "rb") as f:
                yield import_pb2.ImportRecordsRequest(csv_chunk=f.read())

        response = registry.ImportRecords(requests(), metadata=admin, timeout=60)
        if response.outcome != import_pb2.ImportRecordsResponse.OUTCOME_IMPORTED:
            raise AssertionError("units.csv not imported: %s" % [
                "line %d: %s" % (e.line, e.message.en) for e in response.errors][:5])
        return response

    def complete_nomination(self):
        nomination_pb2, _ = self.pb["intake.v1.nomination"]
        dossier_pb2, _ = self.pb["intake.v1.dossier"]
        calendar_pb2, _ = self.pb["type.v1.calendar"]
        category_pb2, _ = self.pb["type.v1.nomination_category"]
        n = nomination_pb2.Nomination(
            plan=PLAN, category=category_pb2.CATEGORY_INSTITUTION, nominee=SCHOOL,
            nominating_unit=SCHOOL, field=category_pb2.FIELD_COMPREHENSIVE,
            achievements="Hai năm liền hoàn thành xuất sắc nhiệm vụ; tỷ lệ học sinh giỏi tăng đều.")
        n.school_years.add(start_year=2018)
        n.school_years.add(start_year=2019)
        n.good_practices.add(title="Sinh hoạt chuyên môn theo nghiên cứu bài học",
                             description="Mỗi tổ chuyên môn dự giờ, phân tích bài học hằng tháng.")
        n.evidence.add(id="e1", kind=dossier_pb2.Evidence.KIND_DECISION,
                       title="Quyết định công nhận hoàn thành xuất sắc nhiệm vụ năm học 2019-2020",
                       issuing_body="Sở Giáo dục và Đào tạo thành phố Cần Thơ",
                       document_number="1234/QĐ-SGDĐT",
                       document_date=calendar_pb2.Date(year=2020, month=8, day=15), sha256="a" * 64)
        n.evidence.add(id="e2", kind=dossier_pb2.Evidence.KIND_MINUTES,
                       title="Biên bản hội nghị suy tôn")
        n.attestations.add(criterion_id="G1", evidence_ids=["e1"],
                           statement="Đạt giải nhất cuộc thi khoa học kỹ thuật cấp thành phố.")
        n.acknowledgement_vote.CopyFrom(dossier_pb2.AcknowledgementVote(
            body="Hội nghị cán bộ, viên chức", date=calendar_pb2.Date(year=2020, month=3, day=20),
            members=40, present=38, votes_for=36, minutes_reference="05/BB-HN",
            minutes_evidence_id="e2"))
        return n

    # --- the checks -------------------------------------------------------------------------

    def test_old_client_drives_a_nomination_through_the_current_services(self):
        service_pb2, _ = self.pb["registry.v1.registry_service"]
        intake_pb2, _ = self.pb["intake.v1.intake_service"]
        nomination_pb2, _ = self.pb["intake.v1.nomination"]
        self.assertGreater(self.units_imported.created, 100)

        unit = self.registry().GetUnit(service_pb2.GetUnitRequest(name=SCHOOL),
                                       metadata=self.metadata(), timeout=CALL_TIMEOUT)
        self.assertEqual(unit.display_name, "Trường THPT Lê Quý Đôn")
        self.assertEqual(unit.district, "districts/916")

        wanted = self.complete_nomination()
        created = self.intake().CreateNomination(
            intake_pb2.CreateNominationRequest(nomination=wanted, request_id=str(uuid.uuid4())),
            metadata=self.metadata(), timeout=CALL_TIMEOUT)
        self.assertTrue(created.name.startswith("nominations/"), created.name)
        self.assertEqual(created.state, nomination_pb2.Nomination.STATE_DRAFT)

        # The window of the 2019-2020 plan closed in 2020: the department office overrides it,
        # which also exercises the override fields of the old request.
        submitted = self.intake().SubmitNomination(
            intake_pb2.SubmitNominationRequest(
                name=created.name, etag=created.etag, request_id=str(uuid.uuid4()),
                override_window=True, override_reason="Kiểm thử tương thích (compatibility test)"),
            metadata=self.metadata(), timeout=CALL_TIMEOUT)
        self.assertEqual(submitted.state, nomination_pb2.Nomination.STATE_SUBMITTED)

        got = self.intake().GetNomination(intake_pb2.GetNominationRequest(name=created.name),
                                          metadata=self.metadata(), timeout=CALL_TIMEOUT)
        for field in ["plan", "category", "field", "nominee", "nominating_unit", "achievements",
                      "school_years", "good_practices", "evidence", "attestations",
                      "acknowledgement_vote"]:
            self.assertEqual(getattr(got, field), getattr(wanted, field), field)
        self.assertEqual(got.state, nomination_pb2.Nomination.STATE_SUBMITTED)
        self.assertEqual(got.nominee_display_name, "Trường THPT Lê Quý Đôn")
        self.assertEqual(got.window_override.reason, "Kiểm thử tương thích (compatibility test)")
        self.assertTrue(got.HasField("submit_time"))
        self.assertEqual(got.etag, submitted.etag)

        self.check_feed_carries(got.name)
        self.check_evaluation_of(got.name)

    def check_feed_carries(self, nomination_name):
        """An old consumer (a city reporting not yet upgraded) reads the submission event."""
        event_pb2, event_grpc = self.pb["events.v1.event"]
        stream = event_grpc.EventFeedStub(self.channels["intake"]).Subscribe(
            event_pb2.SubscribeRequest(after_sequence=0), metadata=self.metadata(), timeout=15)
        try:
            for event in stream:
                if event.WhichOneof("payload") == "nomination_submitted":
                    self.assertEqual(event.nomination_submitted.nomination.name, nomination_name)
                    self.assertEqual(event.site, "can-tho/ninh-kieu")
                    self.assertEqual(event.source, "intake")
                    return
        finally:
            stream.cancel()
        self.fail("intake's feed ended without nomination_submitted")

    def check_evaluation_of(self, nomination_name):
        """Evaluation took the submission from intake's feed; the old stub reads its verdict."""
        evaluation_pb2, evaluation_grpc = self.pb["evaluation.v1.evaluation_service"]
        verdicts, _ = self.pb["evaluation.v1.evaluation"]
        stub = evaluation_grpc.EvaluationServiceStub(self.channels["evaluation"])
        deadline = time.monotonic() + 30
        while True:
            try:
                evaluation = stub.GetEvaluation(
                    evaluation_pb2.GetEvaluationRequest(
                        name=nomination_name + "/evaluations/latest"),
                    metadata=self.metadata(), timeout=CALL_TIMEOUT)
                break
            except grpc.RpcError as e:
                if e.code() != grpc.StatusCode.NOT_FOUND or time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        self.assertEqual(evaluation.nomination, nomination_name)
        self.assertNotEqual(evaluation.verdict, verdicts.VERDICT_UNSPECIFIED)

    def test_invalid_input_still_names_each_field(self):
        intake_pb2, _ = self.pb["intake.v1.intake_service"]
        bad = self.complete_nomination()
        bad.nominee = "schools/92916401"
        bad.school_years[0].start_year = 1800
        with self.assertRaises(grpc.RpcError) as caught:
            self.intake().CreateNomination(
                intake_pb2.CreateNominationRequest(nomination=bad, request_id=str(uuid.uuid4())),
                metadata=self.metadata(), timeout=CALL_TIMEOUT)
        self.assertEqual(caught.exception.code(), grpc.StatusCode.INVALID_ARGUMENT)
        info, violations = self.status_details(caught.exception)
        self.assertIsNotNone(info, "no ErrorInfo")
        self.assertEqual(info.domain, "dienhinh.edu.vn")
        fields = [v.field for v in violations]
        self.assertIn("nomination.nominee", fields)
        self.assertIn("nomination.school_years[0].start_year", fields)
        self.assertTrue(all(v.description for v in violations), violations)

    def test_refused_submission_still_gives_its_reason(self):
        intake_pb2, _ = self.pb["intake.v1.intake_service"]
        # Another nominee of the same kind, so as not to meet the first test's nomination.
        n = self.complete_nomination()
        n.nominee = n.nominating_unit = "units/92916402"
        draft = self.intake().CreateNomination(
            intake_pb2.CreateNominationRequest(nomination=n, request_id=str(uuid.uuid4())),
            metadata=self.metadata(), timeout=CALL_TIMEOUT)
        with self.assertRaises(grpc.RpcError) as caught:
            self.intake().SubmitNomination(
                intake_pb2.SubmitNominationRequest(name=draft.name, etag=draft.etag,
                                                   request_id=str(uuid.uuid4())),
                metadata=self.metadata(), timeout=CALL_TIMEOUT)
        self.assertEqual(caught.exception.code(), grpc.StatusCode.FAILED_PRECONDITION)
        info, _ = self.status_details(caught.exception)
        self.assertEqual(info.reason, "NOMINATION_WINDOW_CLOSED")


def main():
    release, why = latest_release()
    if release is None:
        print("SKIP old_client_test: %s" % why)
        return SKIP
    try:
        subprocess.run(["git", "-C", ROOT, "cat-file", "-e", release + "^{commit}"], check=True,
                       capture_output=True)
    except subprocess.CalledProcessError:
        print("SKIP old_client_test: %s is tagged but its commit is not here (shallow clone?)"
              % release)
        return SKIP
    print("old_client_test: stubs from the protos of %s against the services in %s"
          % (release, BUILD))
    OldClientTest.release = release
    result = unittest.main(exit=False).result
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
