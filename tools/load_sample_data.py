#!/usr/bin/python3
"""Loads the Cần Thơ sample data set (tools/sample_data/can-tho/) into a running registry.

Districts and emulation blocks (with their memberships per school year) go through the
standard Create/Update methods; units, persons and both kinds of yearly records are streamed
to ImportRecords in chunks, as another system would send an EMIS or HR export. Running it again
changes nothing: districts and blocks are compared before they are written, and an import
updates in place by code (the registry reports such rows as unchanged).

    /usr/bin/python3 tools/load_sample_data.py [--address 127.0.0.1:50051]
        [--token-file var/admin.token] [--data tools/sample_data/can-tho] [--validate-only]

The token must allow writing the directory (role admin or department_office). Exits 1 when
the registry rejects a file, printing every error it named.
"""
import argparse
import csv
import os
import sys
import uuid

import grpc

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "pyclient"))
from stubs import load  # noqa: E402  (generates the stubs from proto/ at run time)

from google.protobuf import field_mask_pb2  # noqa: E402

service_pb2, service_grpc = load("dienhinh.registry.v1.registry_service")
district_pb2, _ = load("dienhinh.registry.v1.district")
block_pb2, _ = load("dienhinh.registry.v1.emulation_block")
import_pb2, _ = load("dienhinh.registry.v1.record_import")

CHUNK_BYTES = 64 * 1024
CALL_TIMEOUT = 30
IMPORT_TIMEOUT = 600

# The import files, in the order their references need: units before the persons who work
# in them, blocks (loaded in between) before the records whose standing names them.
IMPORTS = [
    ("units.csv", import_pb2.IMPORT_KIND_UNITS),
    ("persons.csv", import_pb2.IMPORT_KIND_PERSONS),
    ("unit_yearly_records.csv", import_pb2.IMPORT_KIND_UNIT_YEARLY_RECORDS),
    ("person_yearly_records.csv", import_pb2.IMPORT_KIND_PERSON_YEARLY_RECORDS),
]


def read_rows(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def school_year_start(text):
    return int(text.split("-")[0])


class Loader:
    def __init__(self, stub, token, data_dir, validate_only):
        self.stub = stub
        self.metadata = [("authorization", "Bearer " + token)]
        self.data_dir = data_dir
        self.validate_only = validate_only
        self.failed = False

    def call(self, method, request):
        return method(request, metadata=self.metadata, timeout=CALL_TIMEOUT)

    def get_or_none(self, method, name, request_type):
        try:
            return self.call(method, request_type(name=name))
        except grpc.RpcError as e:
            if e.code() == grpc.StatusCode.NOT_FOUND:
                return None
            raise

    def load_districts(self):
        created = updated = unchanged = 0
        for row in read_rows(os.path.join(self.data_dir, "districts.csv")):
            code = row["Mã quận huyện"]
            wanted = district_pb2.District(display_name=row["Tên quận huyện"],
                                           province=row["Tỉnh thành phố"])
            current = self.get_or_none(self.stub.GetDistrict, "districts/" + code,
                                       service_pb2.GetDistrictRequest)
            if current is None:
                if not self.validate_only:
                    self.call(self.stub.CreateDistrict, service_pb2.CreateDistrictRequest(
                        district=wanted, district_id=code, request_id="sample-district-" + code))
                created += 1
            elif (current.display_name, current.province) != (wanted.display_name, wanted.province):
                wanted.name = current.name
                wanted.etag = current.etag
                if not self.validate_only:
                    self.call(self.stub.UpdateDistrict, service_pb2.UpdateDistrictRequest(
                        district=wanted,
                        update_mask=field_mask_pb2.FieldMask(paths=["display_name", "province"])))
                updated += 1
            else:
                unchanged += 1
        print("districts: %d created, %d updated, %d unchanged" % (created, updated, unchanged))

    def load_blocks(self):
        members = {}
        for row in read_rows(os.path.join(self.data_dir, "block_members.csv")):
            year = school_year_start(row["Năm học"])
            members.setdefault(row["Mã khối"], {}).setdefault(year, []).append(
                "units/" + row["Mã đơn vị"])
        created = updated = unchanged = 0
        for row in read_rows(os.path.join(self.data_dir, "emulation_blocks.csv")):
            block_id = row["Mã khối"]
            wanted = block_pb2.EmulationBlock(display_name=row["Tên khối"], description=row["Mô tả"])
            for year in sorted(members.get(block_id, {})):
                membership = wanted.memberships.add()
                membership.school_year.start_year = year
                membership.units.extend(members[block_id][year])
            current = self.get_or_none(self.stub.GetEmulationBlock, "emulationBlocks/" + block_id,
                                       service_pb2.GetEmulationBlockRequest)
            if current is None:
                if not self.validate_only:
                    self.call(self.stub.CreateEmulationBlock, service_pb2.CreateEmulationBlockRequest(
                        emulation_block=wanted, emulation_block_id=block_id,
                        request_id="sample-block-" + block_id))
                created += 1
                continue
            same = (current.display_name == wanted.display_name
                    and current.description == wanted.description
                    and {(m.school_year.start_year, tuple(sorted(m.units))) for m in current.memberships}
                    == {(m.school_year.start_year, tuple(sorted(m.units))) for m in wanted.memberships})
            if same:
                unchanged += 1
                continue
            wanted.name = current.name
            wanted.etag = current.etag
            if not self.validate_only:
                self.call(self.stub.UpdateEmulationBlock, service_pb2.UpdateEmulationBlockRequest(
                    emulation_block=wanted,
                    update_mask=field_mask_pb2.FieldMask(paths=["display_name", "description",
                                                                "memberships"])))
            updated += 1
        print("emulation blocks: %d created, %d updated, %d unchanged" % (created, updated, unchanged))

    def import_file(self, file_name, kind):
        path = os.path.join(self.data_dir, file_name)

        def requests():
            yield import_pb2.ImportRecordsRequest(header=import_pb2.ImportRecordsHeader(
                kind=kind, request_id=str(uuid.uuid4()), file_name=file_name,
                validate_only=self.validate_only, file_bytes=os.path.getsize(path)))
            with open(path, "rb") as f:
                while True:
                    chunk = f.read(CHUNK_BYTES)
                    if not chunk:
                        return
                    yield import_pb2.ImportRecordsRequest(csv_chunk=chunk)

        response = self.stub.ImportRecords(requests(), metadata=self.metadata, timeout=IMPORT_TIMEOUT)
        outcome = import_pb2.ImportRecordsResponse.Outcome.Name(response.outcome)
        print("%s: %s, %d rows: %d created, %d updated, %d unchanged"
              % (file_name, outcome, response.rows, response.created, response.updated,
                 response.unchanged))
        if response.outcome == import_pb2.ImportRecordsResponse.OUTCOME_REJECTED:
            self.failed = True
            for error in response.errors:
                print("  line %d, column %r, value %r: %s" % (
                    error.line, error.column, error.value, error.message.en), file=sys.stderr)
        return response.outcome != import_pb2.ImportRecordsResponse.OUTCOME_REJECTED

    def run(self):
        self.load_districts()
        for file_name, kind in IMPORTS:
            if kind == import_pb2.IMPORT_KIND_PERSONS:
                self.load_blocks()  # blocks name units; records' standings name blocks
            if not self.import_file(file_name, kind):
                break
        return 1 if self.failed else 0


def main():
    root = os.path.dirname(HERE)
    data_dir_default = os.environ.get("DIENHINH_DATA_DIR", os.path.join(root, "var"))
    parser = argparse.ArgumentParser(description="Loads the Cần Thơ sample data into the registry.")
    parser.add_argument("--address", default=os.environ.get("DIENHINH_REGISTRY_ADDRESS", "127.0.0.1:50051"))
    parser.add_argument("--token-file", default=os.path.join(data_dir_default, "admin.token"))
    parser.add_argument("--data", default=os.path.join(HERE, "sample_data", "can-tho"))
    parser.add_argument("--validate-only", action="store_true",
                        help="check every file as an import would, and change nothing")
    args = parser.parse_args()
    with open(args.token_file) as f:
        token = f.read().strip()
    channel = grpc.insecure_channel(args.address)
    try:
        grpc.channel_ready_future(channel).result(timeout=30)
    except grpc.FutureTimeoutError:
        print("load_sample_data: the registry at %s does not answer" % args.address, file=sys.stderr)
        return 2
    loader = Loader(service_grpc.RegistryServiceStub(channel), token, args.data, args.validate_only)
    try:
        return loader.run()
    except grpc.RpcError as e:
        print("load_sample_data: %s: %s" % (e.code().name, e.details()), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
