#!/usr/bin/python3
"""Writes the seed corpus of request_validation_fuzz: one small request of each kind the
fuzzer reads (a target byte, a role byte, then the serialized message), from the text below.

Run from the repository: tests/fuzz/make_request_corpus.py (needs protoc and Debian's
python3-protobuf). The files it writes are committed; run it again when a request changes.
"""
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "tests/fuzz/corpus/request_validation_fuzz")

# The order of `enum Target` in request_validation_fuzz.cc.
TARGETS = [
    "CreateNomination", "UpdateNomination", "ListNominations", "FileAnnualReport",
    "CreateReplicationRecord", "ListCompliance", "ListRecognisedModels", "ListAnnualReports",
    "ListReplicationRecords", "CreateUnit", "UpdateUnit", "CreatePerson", "UpdatePerson",
    "CreateUnitYearlyRecord", "CreatePersonYearlyRecord", "ListUnits", "ListPersons",
    "ListUnitYearlyRecords", "ImportHeader", "RawFilter", "RawPageToken",
]

NOMINATION = """
  plan: "plans/can-tho-2019-2020" school_years { start_year: 2019 }
  category: CATEGORY_INSTITUTION field: FIELD_TEACHING
  nominee: "units/92916401" nominating_unit: "units/92916401"
  achievements: "Tiến bộ vượt bậc"
  evidence { id: "e1" title: "Biên bản" sha256: "00" }
  attestations { criterion_id: "G0" statement: "Đạt" evidence_ids: "e1" }
  acknowledgement_vote { members: 20 present: 18 votes_for: 15 minutes_evidence_id: "e1" }
"""

# (file name, target, role byte, message type, text)
SEEDS = [
    ("create_nomination", "CreateNomination", 0, "dienhinh.intake.v1.CreateNominationRequest",
     'request_id: "01EDMZ3Q1VJ2P9N8X4S6T7K5AB" nomination {%s}' % NOMINATION),
    ("update_nomination", "UpdateNomination", 1, "dienhinh.intake.v1.UpdateNominationRequest",
     'nomination {%s etag: "x"} update_mask { paths: "achievements" paths: "attestations" }'
     % NOMINATION),
    ("list_nominations", "ListNominations", 0x80, "dienhinh.intake.v1.ListNominationsRequest",
     'page_size: 10 filter: "school_year = \\"2019-2020\\" AND category = CATEGORY_LEADER" '
     'order_by: "submit_time desc"'),
    ("file_annual_report", "FileAnnualReport", 0x80, "dienhinh.reporting.v1.FileAnnualReportRequest",
     'parent: "units/92916401" request_id: "r1" annual_report { plan: "plans/can-tho-2019-2020" '
     'school_year { start_year: 2019 } programme: "Kế hoạch" models: "nominations/01EDMZ3Q1VJ2P9N8X4S6T7K5AB" '
     'replication_activities { title: "Hội thảo" date { year: 2020 month: 3 day: 2 } participants: 30 '
     'adopting_units: "units/92916402" } }'),
    ("create_replication_record", "CreateReplicationRecord", 1,
     "dienhinh.reporting.v1.CreateReplicationRecordRequest",
     'request_id: "r2" replication_record { model: "recognisedModels/x" adopting_unit: "units/1" '
     'adopted_on { year: 2020 month: 2 day: 29 } method: "Học tập" }'),
    ("list_compliance", "ListCompliance", 1, "dienhinh.reporting.v1.ListComplianceRequest",
     'plan: "plans/can-tho-2019-2020" school_year { start_year: 2019 } page_size: -1 '
     'filter: "status = LATE AND district = \\"916\\"" order_by: "days_overdue desc"'),
    ("list_recognised_models", "ListRecognisedModels", 3,
     "dienhinh.reporting.v1.ListRecognisedModelsRequest",
     'plan: "plans/can-tho-2019-2020" page_token: "AAAA" filter: "category = CATEGORY_OFFICIAL" '
     'order_by: "adoptions desc"'),
    ("list_annual_reports", "ListAnnualReports", 1, "dienhinh.reporting.v1.ListAnnualReportsRequest",
     'parent: "units/-" filter: "timeliness = TIMELINESS_LATE AND school_year = \\"2019-2020\\"" '
     'order_by: "unit_display_name"'),
    ("list_replication_records", "ListReplicationRecords", 1,
     "dienhinh.reporting.v1.ListReplicationRecordsRequest",
     'page_size: 5000 filter: "model = \\"recognisedModels/x\\"" order_by: "create_time"'),
    ("create_unit", "CreateUnit", 4, "dienhinh.registry.v1.CreateUnitRequest",
     'unit_id: "T1" request_id: "r3" unit { display_name: " Trường THPT Châu Văn Liêm " '
     'kind: UNIT_KIND_SCHOOL level: EDUCATION_LEVEL_UPPER_SECONDARY parent: "units/SGDDT" '
     'district: "districts/916" }'),
    ("update_unit", "UpdateUnit", 4, "dienhinh.registry.v1.UpdateUnitRequest",
     'unit { name: "units/T1" short_name: "CVL" } update_mask { paths: "short_name" paths: "head" }'),
    ("create_person", "CreatePerson", 4, "dienhinh.registry.v1.CreatePersonRequest",
     'person { display_name: "Võ Thu Vân" unit: "units/SGDDT" head_of: "units/SGDDT" }'),
    ("update_person", "UpdatePerson", 4, "dienhinh.registry.v1.UpdatePersonRequest",
     'person { name: "persons/CT1" post: "Giám đốc" } update_mask { paths: "*" }'),
    ("create_unit_yearly_record", "CreateUnitYearlyRecord", 4,
     "dienhinh.registry.v1.CreateUnitYearlyRecordRequest",
     'parent: "units/T1" unit_yearly_record_id: "2019-2020" unit_yearly_record { }'),
    ("create_person_yearly_record", "CreatePersonYearlyRecord", 4,
     "dienhinh.registry.v1.CreatePersonYearlyRecordRequest",
     'parent: "persons/CT1" person_yearly_record_id: "2019-2020" person_yearly_record { }'),
    ("list_units", "ListUnits", 3, "dienhinh.registry.v1.ListUnitsRequest",
     'page_size: 50 filter: "district = \\"916\\" AND kind = UNIT_KIND_SCHOOL" order_by: "name"'),
    ("list_persons", "ListPersons", 3, "dienhinh.registry.v1.ListPersonsRequest",
     'filter: "holds_leadership_post = true AND unit = \\"units/SGDDT\\""'),
    ("list_unit_yearly_records", "ListUnitYearlyRecords", 3,
     "dienhinh.registry.v1.ListUnitYearlyRecordsRequest",
     'parent: "units/-" filter: "school_year = \\"2019-2020\\"" order_by: "school_year"'),
    ("import_header", "ImportHeader", 4, "dienhinh.registry.v1.ImportRecordsRequest",
     'header { kind: IMPORT_KIND_UNITS request_id: "r4" school_year { start_year: 2019 } '
     'file_name: "đơn vị.csv" }'),
]

# Raw texts: filters for every parser, and page tokens.
RAW = [
    ("raw_filter", "RawFilter", 'plan = "plans/can-tho-2019-2020" AND school_year = "2019-2020"'),
    ("raw_filter_escapes", "RawFilter", 'district = "9\\"1\\\\6" AND category = 3'),
    ("raw_page_token", "RawPageToken", "\x03abc\x05units\x00"),
]


def main():
    with tempfile.TemporaryDirectory() as gen:
        protos = []
        for folder, _, files in os.walk(os.path.join(ROOT, "proto")):
            protos += [os.path.join(folder, f) for f in files if f.endswith(".proto")]
        subprocess.run(["protoc", "-I", os.path.join(ROOT, "proto"),
                        "-I", "/usr/share/gocode/src/github.com/gogo/googleapis",
                        "-I", "/usr/include", "--python_out", gen] + protos, check=True)
        sys.path.insert(0, gen)
        from google.protobuf import symbol_database, text_format
        import importlib
        for path in protos:
            module = os.path.relpath(path, os.path.join(ROOT, "proto"))[:-len(".proto")]
            importlib.import_module(module.replace("/", ".") + "_pb2")
        db = symbol_database.Default()
        os.makedirs(OUT, exist_ok=True)
        for name, target, role, type_name, text in SEEDS:
            message = db.GetSymbol(type_name)()
            text_format.Parse(text, message)
            with open(os.path.join(OUT, name), "wb") as f:
                f.write(bytes([TARGETS.index(target), role]) + message.SerializeToString())
        for name, target, text in RAW:
            with open(os.path.join(OUT, name), "wb") as f:
                f.write(bytes([TARGETS.index(target), 0]) + text.encode())


if __name__ == "__main__":
    main()
