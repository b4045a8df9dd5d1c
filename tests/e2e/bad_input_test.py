#!/usr/bin/python3
"""Bad input gets INVALID_ARGUMENT and changes nothing (issue 9), against the four real services
on loopback (harness.py), sent as raw bytes with grpcio's generic calls so that the bytes can be
what no well-behaved client would send:

- a field the server does not know (field number 4242) -> INVALID_ARGUMENT, reason UNKNOWN_FIELD,
  a BadRequest violation on `#4242`; inside a message, its path (`unit.#4243`);
- a string field holding invalid UTF-8, and unknown groups nested 150 deep (past protobuf's
  recursion limit of 100) -> INVALID_ARGUMENT, reason REQUEST_UNPARSABLE, naming the request type;
- a message over the server's --max_message_bytes -> INVALID_ARGUMENT, reason REQUEST_TOO_LARGE,
  a violation on the field that makes it large; over twice the limit -> RESOURCE_EXHAUSTED:
  gRPC's core refuses it unread, before any of the server's code runs (request_guard.h);
- on every List method of every service: a negative page_size, and page tokens that are garbage,
  truncated, bit-flipped, from another List method, or from the same method with another filter
  -> INVALID_ARGUMENT with a violation on `page_size` / `page_token`.

Each kind goes to a creating method of each service (with the admin's token, a request that would
otherwise be acted on) and to a List method. Afterwards every service's event log stands where it
stood, the registry holds as many units as before and the unit the refused CreateUnit calls named
does not exist; then the same CreateUnit, sent clean, succeeds (so the refusals were not for some
other reason).

    bad_input_test.py BUILD_DIR        (PostgreSQL instead of SQLite: under scripts/with-postgres)
"""
import base64
import os
import sys
import time
import unittest

import grpc

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Cluster, load, metadata, request_id, status_details, unpack  # noqa: E402

BUILD = sys.argv.pop(1) if len(sys.argv) > 1 else os.path.join(harness.ROOT, "build")

MAX_MESSAGE_BYTES = 8 << 20  # the services' default --max_message_bytes
UNKNOWN_FIELD = 4242
NESTING = 150

registry_pb2, _ = load("dienhinh.registry.v1.registry_service")
unit_pb2, _ = load("dienhinh.registry.v1.unit")
organisation_pb2, _ = load("dienhinh.type.v1.organisation")
calendar_pb2, _ = load("dienhinh.type.v1.calendar")
intake_pb2, _ = load("dienhinh.intake.v1.intake_service")
evaluation_pb2, _ = load("dienhinh.evaluation.v1.evaluation_service")
reporting_pb2, _ = load("dienhinh.reporting.v1.reporting_service")
event_pb2, _ = load("dienhinh.events.v1.event")
error_details_pb2, _ = load("google.rpc.error_details")

REGISTRY = "dienhinh.registry.v1.RegistryService"
INTAKE = "dienhinh.intake.v1.IntakeService"
EVALUATION = "dienhinh.evaluation.v1.EvaluationService"
REPORTING = "dienhinh.reporting.v1.ReportingService"

PLAN = "plans/can-tho-2019-2020"

# Every List method of every service: (service, full service name, method, request class).
LISTS = [
    ("registry", REGISTRY, "ListDistricts", registry_pb2.ListDistrictsRequest),
    ("registry", REGISTRY, "ListEmulationBlocks", registry_pb2.ListEmulationBlocksRequest),
    ("registry", REGISTRY, "ListUnits", registry_pb2.ListUnitsRequest),
    ("registry", REGISTRY, "SearchUnits", registry_pb2.SearchUnitsRequest),
    ("registry", REGISTRY, "ListPersons", registry_pb2.ListPersonsRequest),
    ("registry", REGISTRY, "ListUnitYearlyRecords", registry_pb2.ListUnitYearlyRecordsRequest),
    ("registry", REGISTRY, "ListPersonYearlyRecords", registry_pb2.ListPersonYearlyRecordsRequest),
    ("intake", INTAKE, "ListNominations", intake_pb2.ListNominationsRequest),
    ("evaluation", EVALUATION, "ListPlans", evaluation_pb2.ListPlansRequest),
    ("evaluation", EVALUATION, "ListEvaluations", evaluation_pb2.ListEvaluationsRequest),
    ("evaluation", EVALUATION, "ListAttestationReviews", evaluation_pb2.ListAttestationReviewsRequest),
    ("evaluation", EVALUATION, "ListCouncilDecisions", evaluation_pb2.ListCouncilDecisionsRequest),
    ("reporting", REPORTING, "ListAnnualReports", reporting_pb2.ListAnnualReportsRequest),
    ("reporting", REPORTING, "ListCompliance", reporting_pb2.ListComplianceRequest),
    ("reporting", REPORTING, "ListRecognisedModels", reporting_pb2.ListRecognisedModelsRequest),
    ("reporting", REPORTING, "ListReplicationRecords", reporting_pb2.ListReplicationRecordsRequest),
]

NEW_UNIT = "BADINPUT1"

# What each List method needs besides paging for the request to be good (so that the refusal is
# the page's and not a missing parent's).
LIST_REQUIRED = {
    "SearchUnits": {"query": "trường"},
    "ListUnitYearlyRecords": {"parent": "units/-"},
    "ListPersonYearlyRecords": {"parent": "persons/-"},
    "ListEvaluations": {"parent": "nominations/-"},
    "ListAttestationReviews": {"parent": "nominations/-"},
    "ListAnnualReports": {"parent": "units/-"},
    "ListCompliance": {"plan": PLAN, "school_year": calendar_pb2.SchoolYear(start_year=2019)},
    "ListRecognisedModels": {"plan": PLAN},
}


def varint(n):
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def tag(number, wire_type):
    return varint(number << 3 | wire_type)


def length_delimited(number, payload):
    return tag(number, 2) + varint(len(payload)) + payload


def with_unknown_field(request_bytes):
    return request_bytes + tag(UNKNOWN_FIELD, 0) + varint(1)


def with_string(request_class, request_bytes, payload):
    """The request with its first top-level string field (set again; the last value wins)
    holding `payload`."""
    field = next(f for f in request_class.DESCRIPTOR.fields if f.type == f.TYPE_STRING)
    return request_bytes + length_delimited(field.number, payload)


def with_deep_nesting(request_bytes):
    return request_bytes + tag(UNKNOWN_FIELD, 3) * NESTING + tag(UNKNOWN_FIELD, 4) * NESTING


class BadInputTest(unittest.TestCase):
    def setUp(self):
        self.started = time.monotonic()
        self.problems = []

    def mark(self, what):
        print("[%6.1f s] %s" % (time.monotonic() - self.started, what), flush=True)

    # --- calls ---

    def call(self, service, full_service, method, request_bytes):
        """Sends raw request bytes; returns the grpc.RpcError (None when the call succeeded)."""
        rpc = self.cluster.channel(service).unary_unary("/%s/%s" % (full_service, method))
        try:
            rpc(request_bytes, metadata=metadata(self.admin), timeout=20)
            return None
        except grpc.RpcError as error:
            return error

    def expect_refused(self, what, error, code="INVALID_ARGUMENT", reason=None, fields=None,
                       message_has=None):
        """Notes (in self.problems, reported together at the end) every way in which `error`
        is not the refusal wanted."""
        if error is None:
            self.problems.append("%s: the call succeeded" % what)
            return
        got = "%s %r" % (error.code().name, error.details())
        if error.code().name != code:
            self.problems.append("%s: want %s, got %s" % (what, code, got))
            return
        details = status_details(error)
        if reason is not None:
            reasons = [i.reason for i in unpack(details, error_details_pb2.ErrorInfo)]
            if reasons != [reason]:
                self.problems.append("%s: want reason %s, got %r (%s)" % (what, reason, reasons, got))
        if fields is not None:
            violated = [v.field for b in unpack(details, error_details_pb2.BadRequest)
                        for v in b.field_violations]
            if violated != fields:
                self.problems.append("%s: want violations on %r, got %r (%s)" % (what, fields, violated, got))
        for text in message_has or ():
            if text not in error.details():
                self.problems.append("%s: the message does not say %r (%s)" % (what, text, got))

    # --- what must not change ---

    def state(self):
        registry = self.cluster.stub("registry", "dienhinh.registry.v1.registry_service",
                                     "RegistryServiceStub")
        units, token = 0, ""
        while True:
            page = registry.ListUnits(registry_pb2.ListUnitsRequest(page_size=1000, page_token=token),
                                      metadata=metadata(self.admin), timeout=20)
            units += len(page.units)
            token = page.next_page_token
            if not token:
                break
        heads = {name: self.cluster.metrics(name).get(("dienhinh_event_log_last_sequence", ()), 0)
                 for name in harness.SERVICES}
        return {"units": units, "event log heads": heads}

    def new_unit_exists(self):
        error = self.call("registry", REGISTRY, "GetUnit",
                          registry_pb2.GetUnitRequest(name="units/" + NEW_UNIT).SerializeToString())
        if error is not None and error.code() == grpc.StatusCode.NOT_FOUND:
            return False
        self.assertIsNone(error, "GetUnit %s" % NEW_UNIT)
        return True

    # --- the test ---

    def test_bad_input_is_invalid_argument_and_changes_nothing(self):
        with Cluster(BUILD) as cluster:
            self.cluster = cluster
            self.admin = cluster.mint_token("admin", subject="e2e-bad-input")
            cluster.load_sample_data(self.admin)
            cluster.wait_feeds_caught_up()
            self.mark("sample data loaded")
            before = self.state()
            self.assertGreater(before["units"], 100)

            self.check_creating_calls()
            self.mark("creating calls refused")
            self.check_event_feed()
            self.check_pages()
            self.mark("pages refused")
            self.check_oversized()
            self.mark("oversized refused")
            time.sleep(0.5)  # let anything that slipped through reach the event logs
            after = self.state()
            if after != before:
                self.problems.append("bad input changed something: before %r, after %r" % (before, after))
            if self.new_unit_exists():
                self.problems.append("a refused CreateUnit created %s" % NEW_UNIT)
            self.assertEqual(self.problems, [], "\n".join(
                ["%d things not as wanted:" % len(self.problems)] + self.problems))

            # The same CreateUnit, sent clean, is acted on: the refusals above were the guard's.
            self.assertIsNone(self.call("registry", REGISTRY, "CreateUnit", self.create_unit()))
            self.assertTrue(self.new_unit_exists())
            self.mark("the clean CreateUnit succeeded")

    def create_unit(self):
        return registry_pb2.CreateUnitRequest(
            unit_id=NEW_UNIT, request_id=request_id(),
            unit=unit_pb2.Unit(display_name="Trường THCS Thử Nghiệm", kind=organisation_pb2.UNIT_KIND_SCHOOL,
                               level=organisation_pb2.EDUCATION_LEVEL_LOWER_SECONDARY,
                               parent="units/PGD916", district="districts/916")).SerializeToString()

    def creating_calls(self):
        """A creating call per service, with a request the service would act on or at least
        read (the guard refuses before any of that)."""
        return [
            ("registry", REGISTRY, "CreateUnit", registry_pb2.CreateUnitRequest, self.create_unit()),
            ("intake", INTAKE, "CreateNomination", intake_pb2.CreateNominationRequest,
             intake_pb2.CreateNominationRequest(request_id=request_id()).SerializeToString()),
            ("evaluation", EVALUATION, "CreateCouncilDecision", evaluation_pb2.CreateCouncilDecisionRequest,
             evaluation_pb2.CreateCouncilDecisionRequest(request_id=request_id()).SerializeToString()),
            ("reporting", REPORTING, "CreateReplicationRecord", reporting_pb2.CreateReplicationRecordRequest,
             reporting_pb2.CreateReplicationRecordRequest(request_id=request_id()).SerializeToString()),
        ]

    def check_creating_calls(self):
        for service, full, method, request_class, good in self.creating_calls():
            what = "%s.%s" % (service, method)
            type_name = request_class.DESCRIPTOR.full_name
            self.expect_refused(what + " with an unknown field",
                                self.call(service, full, method, with_unknown_field(good)),
                                reason="UNKNOWN_FIELD", fields=["#%d" % UNKNOWN_FIELD],
                                message_has=[type_name])
            self.expect_refused(what + " with invalid UTF-8",
                                self.call(service, full, method,
                                          with_string(request_class, good, b"\xff\xfe\xfd")),
                                reason="REQUEST_UNPARSABLE", message_has=[type_name, "UTF-8"])
            self.expect_refused(what + " nested %d deep" % NESTING,
                                self.call(service, full, method, with_deep_nesting(good)),
                                reason="REQUEST_UNPARSABLE", message_has=[type_name])
        # An unknown field inside a message is named by its path.
        nested = registry_pb2.CreateUnitRequest.FromString(self.create_unit())
        unit_bytes = nested.unit.SerializeToString() + tag(UNKNOWN_FIELD + 1, 0) + varint(7)
        nested.ClearField("unit")
        request = nested.SerializeToString() + length_delimited(1, unit_bytes)
        self.expect_refused("registry.CreateUnit with an unknown field in unit",
                            self.call("registry", REGISTRY, "CreateUnit", request),
                            reason="UNKNOWN_FIELD", fields=["unit.#%d" % (UNKNOWN_FIELD + 1)],
                            message_has=["dienhinh.registry.v1.CreateUnitRequest"])

    def check_event_feed(self):
        """The event feed is a server stream: its one request is guarded the same way."""
        for service in harness.SERVICES:
            for method, message in (("Subscribe", event_pb2.SubscribeRequest),
                                    ("SubscribeBatches", event_pb2.SubscribeBatchesRequest)):
                subscribe = self.cluster.channel(service).unary_stream(
                    "/dienhinh.events.v1.EventFeed/" + method)
                request = message(after_sequence=0).SerializeToString()
                try:
                    for _ in subscribe(with_unknown_field(request), metadata=metadata(self.admin), timeout=5):
                        self.problems.append("%s's %s sent events to a request it must refuse" % (service, method))
                        break
                    else:
                        self.problems.append("%s's %s ended without an error" % (service, method))
                except grpc.RpcError as error:
                    self.expect_refused("%s %s with an unknown field" % (service, method), error,
                                        reason="UNKNOWN_FIELD", fields=["#%d" % UNKNOWN_FIELD])

    def check_pages(self):
        registry = self.cluster.stub("registry", "dienhinh.registry.v1.registry_service",
                                     "RegistryServiceStub")
        first = registry.ListUnits(registry_pb2.ListUnitsRequest(page_size=1),
                                   metadata=metadata(self.admin), timeout=20)
        token = first.next_page_token
        self.assertTrue(token, "ListUnits with page_size 1 must have a next page")
        # The same method, another filter.
        schools = 'kind = UNIT_KIND_SCHOOL'
        error = self.call("registry", REGISTRY, "ListUnits",
                          registry_pb2.ListUnitsRequest(filter=schools, page_token=token).SerializeToString())
        self.expect_refused("ListUnits with a token of another filter", error, fields=["page_token"])
        self.assertIsNone(self.call("registry", REGISTRY, "ListUnits",
                                    registry_pb2.ListUnitsRequest(page_token=token).SerializeToString()),
                          "the token is good with its own query")

        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        flipped = bytearray(raw)
        flipped[len(flipped) // 2] ^= 0x01
        damaged = {
            "garbage": "not-a-token!",
            "truncated": token[:-3],
            "bit-flipped": base64.urlsafe_b64encode(bytes(flipped)).decode().rstrip("="),
        }
        for service, full, method, request_class in LISTS:
            what = "%s.%s" % (service, method)
            required = LIST_REQUIRED.get(method, {})
            error = self.call(service, full, method, request_class(**required).SerializeToString())
            if error is not None:
                self.problems.append("%s: a good request failed: %s %r"
                                     % (what, error.code().name, error.details()))
            self.expect_refused(what + " with page_size -1",
                                self.call(service, full, method,
                                          request_class(page_size=-1, **required).SerializeToString()),
                                fields=["page_size"])
            tokens = dict(damaged)
            if method != "ListUnits":
                tokens["from ListUnits"] = token
            for kind, bad in tokens.items():
                self.expect_refused("%s with a %s page token" % (what, kind),
                                    self.call(service, full, method,
                                              request_class(page_token=bad, **required).SerializeToString()),
                                    fields=["page_token"])

    def check_oversized(self):
        for service, full, method, request_class, good in self.creating_calls():
            field = next(f for f in request_class.DESCRIPTOR.fields if f.type == f.TYPE_STRING)
            big = with_string(request_class, good, b"x" * (MAX_MESSAGE_BYTES + 1))
            self.expect_refused("%s.%s over --max_message_bytes" % (service, method),
                                self.call(service, full, method, big),
                                reason="REQUEST_TOO_LARGE", fields=[field.name],
                                message_has=["limit of %d" % MAX_MESSAGE_BYTES])
            huge = with_string(request_class, good, b"x" * (2 * MAX_MESSAGE_BYTES + 1))
            self.expect_refused("%s.%s over twice --max_message_bytes" % (service, method),
                                self.call(service, full, method, huge), code="RESOURCE_EXHAUSTED")


if __name__ == "__main__":
    unittest.main()
