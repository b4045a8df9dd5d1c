#!/usr/bin/python3
"""The 2019-2020 year of the Cần Thơ plan, end to end, through the `dienhinh` command a clerk
and an administrator type, against the four real service processes on loopback.

The office loads the sample data; a school and its head, an official of a department division
and the department are nominated with their evidence and attestations, edited and submitted;
evaluation runs by itself; the office reviews the attestations; an EMIS correction re-evaluates
the official; the council recognises, and later revokes one recognition; units file their annual
reports, one on time, one late and the rest never; compliance, the summary, the recognised
models and an export show exactly that. In the middle, evaluation is killed with SIGKILL while
it works and restarted: every figure at the end is the one the year gives without a kill.

Every subcommand of `dienhinh` runs here once as it should and once with a mistake a user
makes, checking the exit code and that the message says what to fix.

The services' business clocks are shifted (--clock_offset) into 2020: intake sits inside the
nomination window (15 July - 15 August 2020), reporting before the 1 June deadline, then, after
a restart, after it.

    year_test.py BUILD_DIR
"""
import csv
import datetime
import io
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
import harness  # noqa: E402

BUILD = sys.argv.pop(1) if len(sys.argv) > 1 else os.path.join(ROOT, "build")
CLI = os.path.join(BUILD, "cli", "dienhinh")
SAMPLE = os.path.join(ROOT, "tools", "sample_data", "can-tho")
PLAN = "plans/can-tho-2019-2020"

# The nominees: a school designed to qualify and its head (L4 rests on the school), an official
# of the department's upper-secondary division who ranks third of four in 2019-2020 until an
# EMIS correction ranks them first, and the department itself.
SCHOOL, HEAD = "92916401", "CT9200142"        # Trường THPT Lê Quý Đôn, Phan Tuyết Vân
OFFICIAL, OFFICIAL_UNIT = "CT9200028", "SGDDT-GDTRH"
DEPARTMENT = "SGDDT"
WITHDRAWN_SCHOOL = "92927401"                 # Trường THPT Thủ Khoa Nghĩa, nominated, withdrawn
LATE_SCHOOL = "92923401"                      # Trường THPT Lê Văn Tám files after 1 June

ATTESTED = {
    "CATEGORY_INSTITUTION": ["G1", "G3", "G4", "G5", "I4", "I6"],
    "CATEGORY_LEADER": ["G1", "G3", "G4", "G5", "L1", "L2"],
    "CATEGORY_OFFICIAL": ["G1", "G3", "G4", "G5", "S1", "S4"],
    "CATEGORY_DEPARTMENT": ["G1", "G3", "G4", "G5", "D1", "D2", "D3"],
}

# The business time intake and reporting start at (local time in Cần Thơ).
WINDOW_OPEN = datetime.datetime(2020, 7, 20, 9, 0, tzinfo=harness.VIETNAM)
BEFORE_DUE = datetime.datetime(2020, 5, 25, 9, 0, tzinfo=harness.VIETNAM)
AFTER_DUE = datetime.datetime(2020, 6, 10, 9, 0, tzinfo=harness.VIETNAM)


def nomination(category, nominee, unit, field="FIELD_COMPREHENSIVE"):
    """A complete dossier as a school officer would write it in JSON."""
    evidence = [
        {"id": "e1", "kind": "KIND_DECISION",
         "title": "Quyết định công nhận hoàn thành xuất sắc nhiệm vụ năm học 2019-2020",
         "issuingBody": "Sở Giáo dục và Đào tạo thành phố Cần Thơ",
         "documentNumber": "1234/QĐ-SGDĐT", "documentDate": {"year": 2020, "month": 7, "day": 10},
         "sha256": "a" * 64},
        {"id": "e2", "kind": "KIND_MINUTES", "title": "Biên bản hội nghị suy tôn"},
    ]
    return {
        "plan": PLAN, "category": category, "nominee": nominee, "nominatingUnit": unit,
        "schoolYears": [{"startYear": 2018}, {"startYear": 2019}], "field": field,
        "achievements": "Hai năm liền hoàn thành xuất sắc nhiệm vụ.",
        "goodPractices": [{"title": "Sinh hoạt chuyên môn theo nghiên cứu bài học",
                           "description": "Dự giờ, phân tích bài học hằng tháng."}],
        "evidence": evidence,
        "attestations": [{"criterionId": c, "statement": "Minh chứng cho tiêu chí " + c,
                          "evidenceIds": ["e1"]} for c in ATTESTED[category]],
        "acknowledgementVote": {"body": "Hội nghị cán bộ, viên chức",
                                "date": {"year": 2020, "month": 7, "day": 1},
                                "members": 40, "present": 38, "votesFor": 36,
                                "minutesReference": "05/BB-HN", "minutesEvidenceId": "e2"},
    }


class YearTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="dienhinh-year-")
        cls.cluster = harness.Cluster(BUILD)
        cls.cluster.set_business_time("intake", WINDOW_OPEN)
        cls.cluster.set_business_time("reporting", BEFORE_DUE)
        cls.cluster.__enter__()
        cls.admin_token = cls.cluster.mint_token("admin", subject="year-test-admin")
        cls.admin = cls.token_file("admin", "year-test-admin")
        # Reviews are the department office's, decisions the council's, a school's dossier its
        # own emulation officer's: each step runs with the role that may take it.
        cls.office = cls.token_file("department_office", "van-phong-so")
        cls.council_token = cls.token_file("council_member", "hoi-dong-thi-dua")
        cls.school_officer = cls.token_file("unit_officer", "can-bo-thi-dua-le-quy-don", SCHOOL)

    @classmethod
    def token_file(cls, role, subject, unit=None):
        path = os.path.join(cls.work, subject + ".token")
        with open(path, "w") as f:
            f.write(cls.cluster.mint_token(role, subject=subject, unit=unit))
        return path

    @classmethod
    def tearDownClass(cls):
        cls.cluster.__exit__(None, None, None)

    def run_cli(self, *args, expect=0, token=None):
        """Runs `dienhinh ARGS` as a user would (addresses from the environment, the token from
        a file) and returns (stdout, stderr); fails the test on another exit code."""
        env = dict(os.environ)
        for name, address in self.cluster.addresses.items():
            env["DIENHINH_%s_ADDRESS" % name.upper()] = address
        command = [CLI, *args, "--token_file", token or self.admin]
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
        self.assertEqual(done.returncode, expect,
                         f"dienhinh {' '.join(args)}: exit {done.returncode}, expected {expect}\n"
                         f"stdout: {done.stdout}\nstderr: {done.stderr}")
        return done.stdout, done.stderr

    def cli_json(self, *args, token=None):
        out, _ = self.run_cli(*args, "--format", "json", token=token)
        return json.loads(out)

    def cli_csv(self, *args, token=None):
        out, _ = self.run_cli(*args, "--format", "csv", token=token)
        return list(csv.DictReader(io.StringIO(out)))

    def write(self, name, content):
        path = os.path.join(self.work, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(content if isinstance(content, str) else json.dumps(content, ensure_ascii=False))
        return path

    def wait_for(self, what, check, timeout=60):
        """Polls `check()` until it returns a true value; fails with `what` after `timeout`."""
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            last = check()
            if last:
                return last
            time.sleep(0.2)
        self.fail(f"timed out waiting for {what}; last saw {last!r} "
                  f"{getattr(self, 'last_seen', '')}")

    def latest_evaluations(self):
        return {row["nomination"]: row for row in self.cli_csv("evaluations", "list")}

    # ------------------------------------------------------------------------------------------
    def test_the_year(self):
        try:
            self.load_and_import()
            names = self.nominate()
            self.evaluate_with_a_kill_in_the_middle(names)
            self.review_and_correct(names)
            decisions = self.council(names)
            self.annual_reports()
            self.read_the_year(names, decisions)
            self.tokens_and_permissions()
        except BaseException:
            print(self.cluster.log_tails(), file=sys.stderr)
            raise

    def load_and_import(self):
        # The sample data, as scripts/run loads it on first start.
        self.cluster.load_sample_data(self.admin_token)
        # Importing the same units again changes nothing.
        out, err = self.run_cli("import", "units", os.path.join(SAMPLE, "units.csv"))
        self.assertIn("imported 169 rows: created 0, updated 0, unchanged 169", out)
        self.assertIn("sending", err)  # the progress line
        # A file with a bad row is rejected whole, naming the line and the column.
        with open(os.path.join(SAMPLE, "units.csv"), encoding="utf-8-sig") as f:
            header, first = f.readline(), f.readline()
        bad = self.write("bad-units.csv", header + first.replace(",Sở,", ",Trường bay,", 1))
        _, err = self.run_cli("import", "units", bad, "--lang", "en", expect=3)
        self.assertIn("line 2, column", err)
        self.assertIn("nothing was changed", err)

    def nominate(self):
        names = {}
        files = {
            "school": nomination("CATEGORY_INSTITUTION", "units/" + SCHOOL, "units/" + SCHOOL),
            "head": nomination("CATEGORY_LEADER", "persons/" + HEAD, "units/" + SCHOOL,
                               "FIELD_MANAGEMENT"),
            "official": nomination("CATEGORY_OFFICIAL", "persons/" + OFFICIAL,
                                   "units/" + OFFICIAL_UNIT),
            "department": nomination("CATEGORY_DEPARTMENT", "units/" + DEPARTMENT,
                                     "units/" + DEPARTMENT),
            "withdrawn": nomination("CATEGORY_INSTITUTION", "units/" + WITHDRAWN_SCHOOL,
                                    "units/" + WITHDRAWN_SCHOOL),
        }
        etags = {}
        # The school's own officer writes the school's and its head's dossiers; the office
        # writes the department's and its division's.
        owner = {"school": self.school_officer, "head": self.school_officer}
        for key, body in files.items():
            created = self.cli_json("nominations", "create", self.write(key + ".json", body),
                                    token=owner.get(key, self.office))
            self.assertEqual(created["state"], "STATE_DRAFT", key)
            names[key], etags[key] = created["name"], created["etag"]

        # The head of a dossier can be typed as flags; the rest follows with `update`.
        typed = self.cli_json("nominations", "create", "--category", "institution",
                              "--nominee", "units/" + LATE_SCHOOL, "--unit", LATE_SCHOOL,
                              "--years", "2018-2019,2019-2020", "--field", "comprehensive",
                              "--achievements", "Dự thảo hồ sơ", token=self.office)
        self.assertEqual((typed["state"], typed["category"], typed["plan"]),
                         ("STATE_DRAFT", "CATEGORY_INSTITUTION", PLAN))
        self.assertEqual(typed["schoolYears"], [{"startYear": 2018}, {"startYear": 2019}])
        _, err = self.run_cli("nominations", "create", "--category", "emperor",
                              "--nominee", "units/" + LATE_SCHOOL, expect=3)
        self.assertIn("category", err)

        # A dossier without its nominee is refused with the field to fix.
        incomplete = dict(files["school"])
        del incomplete["nominee"]
        _, err = self.run_cli("nominations", "create", self.write("incomplete.json", incomplete),
                              expect=3)
        self.assertIn("nomination.nominee", err)

        # The school's officer rewrites the achievements; a stale etag is refused.
        edit = self.write("edit.json", {"achievements": "Ba năm liền dẫn đầu khối thi đua."})
        updated = self.cli_json("nominations", "update", names["school"], edit,
                                "--etag", etags["school"], token=self.school_officer)
        self.assertEqual(updated["achievements"], "Ba năm liền dẫn đầu khối thi đua.")
        self.run_cli("nominations", "update", names["school"], edit, "--etag", etags["school"],
                     token=self.school_officer, expect=6)
        # Another unit's officer may not touch it.
        other = self.token_file("unit_officer", "can-bo-le-van-tam", LATE_SCHOOL)
        self.run_cli("nominations", "update", names["school"], edit, "--etag", updated["etag"],
                     token=other, expect=5)
        etags["school"] = updated["etag"]

        for key in files:
            submitted = self.cli_json("nominations", "submit", names[key], "--etag", etags[key],
                                      token=owner.get(key, self.office))
            self.assertEqual(submitted["state"], "STATE_SUBMITTED", key)
            etags[key] = submitted["etag"]
        self.run_cli("nominations", "submit", "nominations/01ARZ3NDEKTSV4RRFFQ69G5FAV",
                     "--etag", "x", expect=4)

        # The fifth is withdrawn; a withdrawal must say why.
        _, err = self.run_cli("nominations", "withdraw", names["withdrawn"],
                              "--etag", etags["withdrawn"], expect=3)
        self.assertIn("reason", err)
        withdrawn = self.cli_json("nominations", "withdraw", names["withdrawn"],
                                  "--etag", etags["withdrawn"], "--reason", "Hồ sơ nộp nhầm")
        self.assertEqual(withdrawn["state"], "STATE_WITHDRAWN")

        got = self.cli_json("nominations", "get", names["head"])
        self.assertEqual(got["nominee"], "persons/" + HEAD)
        self.assertEqual(got["nomineeDisplayName"], "Phan Tuyết Vân")
        listed = {row["name"]: row["state"] for row in self.cli_csv("nominations", "list")}
        self.assertEqual(sorted(listed.values()), ["draft"] + ["submitted"] * 4 + ["withdrawn"])
        self.run_cli("nominations", "list", "--filter", "colour = blue", expect=3)
        return names

    def evaluate_with_a_kill_in_the_middle(self, names):
        # Evaluation is killed as soon as it has evaluated anything, and restarted.
        self.wait_for("a first evaluation", lambda: self.latest_evaluations())
        self.cluster.kill("evaluation")
        self.cluster.restart("evaluation")
        live = [names[k] for k in ("school", "head", "official", "department")]
        evaluations = self.wait_for(
            "the four submitted nominations evaluated",
            lambda: (lambda e: e if all(n in e for n in live) else None)(self.latest_evaluations()))
        # Attestations are not reviewed yet: nothing can qualify, every one waits on the office.
        for key in ("school", "head", "department"):
            self.assertEqual(evaluations[names[key]]["verdict"], "pending", key)
        # The withdrawn one was evaluated while it was submitted; that stays in its history.
        # Each nomination was evaluated once for its submission, kill or not.
        for name in live:
            versions = self.cli_csv("evaluations", "list", name, "--all_versions")
            self.assertEqual([v["version"] for v in versions], ["1"], name)

        explained = self.cli_csv("evaluations", "explain", names["school"])
        outcomes = {row["criterion"]: row["outcome"] for row in explained}
        self.assertEqual(set(outcomes), set(["G0", "G1", "G2", "G3", "G4", "G5"] +
                                            ["I0", "I1", "I2", "I3", "I4", "I5", "I6"]))
        for criterion in ("G0", "G2", "I0", "I1", "I2", "I3", "I5"):
            self.assertEqual(outcomes[criterion], "met", criterion)
        for criterion in ATTESTED["CATEGORY_INSTITUTION"]:
            self.assertEqual(outcomes[criterion], "pending", criterion)
        out, _ = self.run_cli("evaluations", "explain", names["official"], "--criteria", "G2",
                              "--lang", "en")
        self.assertIn("not-met", out)
        self.run_cli("evaluations", "explain", "nominations/01ARZ3NDEKTSV4RRFFQ69G5FAV", expect=4)
        self.run_cli("evaluations", "list", "--filter", "verdict = MAYBE", expect=3)

    def review_and_correct(self, names):
        # Reviewing is the office's: the administrator may not; a rejection must say why.
        _, err = self.run_cli("review", "accept", names["school"], "G1", expect=5)
        self.assertIn("department_office", err)
        _, err = self.run_cli("review", "reject", names["school"], "G1", token=self.office,
                              expect=3)
        self.assertIn("comment", err)
        # A first look rejects the school's G1; the school adds evidence and the office accepts
        # it below: the latest review is the one the verdict rests on.
        rejected = self.cli_csv("review", "reject", names["school"], "G1", "--comment",
                                "Thiếu quyết định khen thưởng", token=self.office)
        self.assertEqual(rejected[0]["decision"], "rejected")
        for key, category in (("school", "CATEGORY_INSTITUTION"), ("head", "CATEGORY_LEADER"),
                              ("official", "CATEGORY_OFFICIAL"),
                              ("department", "CATEGORY_DEPARTMENT")):
            for criterion in ATTESTED[category]:
                self.run_cli("review", "accept", names[key], criterion,
                             "--comment", "Minh chứng đầy đủ", token=self.office)
        reviews = self.cli_csv("review", "list", names["school"])
        self.assertEqual(sorted(r["criterion"] for r in reviews),
                         sorted(ATTESTED["CATEGORY_INSTITUTION"] + ["G1"]))
        self.assertEqual([r["decision"] for r in reviews if r["criterion"] == "G1"],
                         ["accepted", "rejected"])  # newest first
        self.run_cli("review", "list", "--filter", "decision = MAYBE", expect=3)

        # EMIS corrects the official's 2019-2020 ranking in their division: first of four.
        with open(os.path.join(SAMPLE, "person_yearly_records.csv"), encoding="utf-8-sig") as f:
            rows = list(csv.reader(f))
        header = rows[0]
        row = next(r for r in rows[1:] if r[0] == OFFICIAL and r[1] == "2019-2020")
        row[header.index("Xếp hạng trong đơn vị")] = "1"
        out_file = io.StringIO()
        csv.writer(out_file, lineterminator="\n").writerows([header, row])
        out, _ = self.run_cli("import", "person-records",
                              self.write("correction.csv", out_file.getvalue()))
        self.assertIn("updated 1", out)

        def settled():
            e = self.latest_evaluations()
            verdicts = {k: e.get(names[k], {}).get("verdict") for k in
                        ("school", "head", "official", "department")}
            self.last_seen = verdicts
            return verdicts if verdicts == expected else None
        # The department stays pending: the sample data ranks it in no emulation block, so G2
        # (leading its block) has no data to judge, and the explanation says so.
        expected = {"school": "qualified", "head": "qualified", "official": "qualified",
                    "department": "pending"}
        self.wait_for("the verdicts after review and correction", settled)
        department = {row["criterion"]: row for row in
                      self.cli_csv("evaluations", "explain", names["department"], "--lang", "en")}
        self.assertEqual(department["G2"]["outcome"], "missing-data")
        self.assertIn("emulation block", department["G2"]["reason"])
        self.assertEqual({c for c, row in department.items() if row["outcome"] != "met"}, {"G2"})

    def council(self, names):
        decisions = {}
        # 17 of 20 members is below the plan's 90 % of the membership.
        _, err = self.run_cli("council", "recognise", names["school"], "--number", "456/QĐ-SGDĐT",
                              "--date", "2020-08-25", "--title", "Điển hình tiên tiến",
                              "--members", "20", "--present", "19", "--votes_for", "17",
                              token=self.council_token, expect=3)
        self.assertIn("votes_for", err)
        for key in ("school", "head", "official"):
            decided = self.cli_json(
                "council", "recognise", names[key], "--number", "456/QĐ-SGDĐT",
                "--date", "2020-08-25", "--title", "Điển hình tiên tiến ngành giáo dục",
                "--award_form", "certificate-of-merit", "--authority", "department",
                "--members", "20", "--present", "19", "--votes_for", "19",
                token=self.council_token)
            self.assertEqual(decided["state"], "STATE_RECOGNISED", key)
            decisions[key] = decided
        # The official's dossier turns out false: the recognition is revoked, with its grounds.
        _, err = self.run_cli("council", "revoke", decisions["official"]["name"],
                              "--reason", "false-dossier", "--number", "501/QĐ-SGDĐT",
                              "--date", "2020-10-01", token=self.council_token, expect=3)
        self.assertIn("legal_basis", err)
        revoked = self.cli_json(
            "council", "revoke", decisions["official"]["name"], "--reason", "false-dossier",
            "--legal_basis", "Luật Thi đua, khen thưởng, điều 79", "--number", "501/QĐ-SGDĐT",
            "--date", "2020-10-01", "--explanation", "Minh chứng không đúng sự thật",
            token=self.council_token)
        self.assertEqual(revoked["state"], "STATE_REVOKED")
        self.run_cli("council", "list", "--filter", "state = GONE", expect=3)
        states = {row["nomination"]: row["state"] for row in self.cli_csv("council", "list")}
        self.assertEqual(states, {names["school"]: "recognised", names["head"]: "recognised",
                                  names["official"]: "revoked"})
        return decisions

    def annual_reports(self):
        report = self.write("report.json", {
            "programme": "Kế hoạch nhân rộng điển hình tiên tiến năm học 2019-2020",
            "narrative": "Tổ chức hội thảo chuyên đề, tham quan học tập mô hình.",
            "replicationActivities": [{"kind": "KIND_SEMINAR", "title": "Hội thảo chuyên đề",
                                       "date": {"year": 2020, "month": 5, "day": 10},
                                       "participants": 45}]})
        filed = self.cli_json("report", "file", SCHOOL, report, "--year", "2019-2020")
        self.assertEqual(filed["timeliness"], "TIMELINESS_ON_TIME")
        self.run_cli("report", "file", SCHOOL, report, expect=3)  # no school year
        got = self.cli_json("report", "get", filed["name"])
        self.assertEqual(got["revision"], 1)
        self.run_cli("report", "get", "units/" + SCHOOL + "/annualReports/can-tho-2019-2020_2018-2019",
                     expect=4)

        # The calendar moves past 1 June: reporting restarts with its clock after the deadline.
        self.assertEqual(self.cluster.kill("reporting", signal.SIGTERM), 0)
        self.cluster.set_business_time("reporting", AFTER_DUE)
        self.cluster.restart("reporting")
        late = self.cli_json("report", "file", LATE_SCHOOL, report, "--year", "2019-2020")
        self.assertEqual(late["timeliness"], "TIMELINESS_LATE")
        self.assertEqual(late["daysLate"], 9)
        listed = self.cli_csv("report", "list")
        self.assertEqual(sorted(r["timeliness"] for r in listed), ["late", "on-time"])
        self.run_cli("report", "list", "--filter", "timeliness = SOMETIMES", expect=3)

    def read_the_year(self, names, decisions):
        compliance = self.cli_json("compliance", "--year", "2019-2020")
        totals = compliance["totals"]
        # P1 binds the schools and centres directly under the department: 22 + 1 in the sample.
        with open(os.path.join(SAMPLE, "units.csv"), encoding="utf-8-sig") as f:
            due_units = sum(1 for u in csv.DictReader(f) if u["Mã đơn vị cấp trên"] == DEPARTMENT
                            and u["Loại đơn vị"] in ("Trường", "Trung tâm"))
        self.assertEqual(totals["units"], due_units)
        self.assertEqual((totals.get("onTime", 0), totals.get("late", 0), totals.get("missing", 0)),
                         (1, 1, due_units - 2), totals)
        statuses = {r["unit"]: r["status"] for r in compliance["rows"]}
        self.assertEqual(statuses["units/" + SCHOOL], "COMPLIANCE_STATUS_ON_TIME")
        self.assertEqual(statuses["units/" + LATE_SCHOOL], "COMPLIANCE_STATUS_LATE")
        self.assertEqual(statuses["units/" + WITHDRAWN_SCHOOL], "COMPLIANCE_STATUS_MISSING")
        out, _ = self.run_cli("compliance", "--year", "2019-2020")
        self.assertIn(f"{due_units} units: 1 on time, 1 late, {due_units - 2} missing", out)
        self.assertIn("due by 2020-06-01 23:59", out)
        self.run_cli("compliance", "--year", "2019-2021", expect=3)

        summary = self.cli_json("summary", "--year", "2019-2020")
        total = summary["total"]
        self.assertEqual((total.get("nominations"), total.get("qualified"),
                          total.get("recognised"), total.get("revoked")), (4, 3, 2, 1), total)
        by_category = {r["category"]: r for r in
                       self.cli_csv("summary", "--year", "2019-2020", "--by", "category")}
        self.assertEqual(by_category["official"]["revoked"], "1")
        self.assertEqual(by_category["institution"]["recognised"], "1")
        self.run_cli("summary", "--by", "colour", expect=3)

        models = self.cli_csv("models")
        self.assertEqual(sorted(m["nomination"] for m in models),
                         sorted([names["school"], names["head"]]))
        self.assertEqual(sorted(m["decision"] for m in models), ["456/QĐ-SGDĐT"] * 2)
        _, err = self.run_cli("models", "--plan", "plans/no-such-plan", expect=3)
        self.assertIn("is not a plan", err)

        out_path = os.path.join(self.work, "compliance.csv")
        out, err = self.run_cli("export", "compliance", "--year", "2019-2020", "--out", out_path)
        self.assertIn("rows", err)  # the progress line
        with open(out_path, encoding="utf-8") as f:
            text = f.read()
        self.assertTrue(text.startswith("\ufeff"), "a CSV for spreadsheets starts with a BOM")
        self.assertEqual(len(text.strip().splitlines()), due_units + 1)
        self.assertFalse(os.path.exists(out_path + ".part"))
        self.run_cli("export", "compliance", "--year", "2019-2020",
                     "--out", os.path.join(self.work, "compliance.pdf"), expect=3)

    def tokens_and_permissions(self):
        # An administrator mints a unit officer's token; an unknown role is refused.
        out, _ = self.run_cli("token", "mint", "--role", "unit_officer", "--subject",
                              "can-bo-le-van-tam", "--unit", LATE_SCHOOL,
                              "--data_dir", self.cluster.data_dir)
        officer = self.write("officer.token", out.strip())
        self.run_cli("token", "mint", "--role", "emperor", "--subject", "x",
                     "--data_dir", self.cluster.data_dir, expect=3)
        # The officer may read their own unit's report but not file another unit's.
        report = self.write("officer-report.json", {"programme": "Kế hoạch", "narrative": "."})
        _, err = self.run_cli("report", "file", SCHOOL, report, "--year", "2019-2020",
                              token=officer, expect=5)
        self.assertIn("files for its own unit only", err)
        # ... and their own unit's report is theirs to read.
        own = self.cli_json("report", "get",
                            f"units/{LATE_SCHOOL}/annualReports/can-tho-2019-2020_2019-2020",
                            token=officer)
        self.assertEqual(own["unit"], "units/" + LATE_SCHOOL)


if __name__ == "__main__":
    unittest.main()
