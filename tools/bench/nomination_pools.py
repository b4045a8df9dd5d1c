"""The nominations the benchmark submits, as files dienhinh-bench-load reads: one
dienhinh.intake.v1.CreateNominationRequest per line in proto3 JSON.

Intake keeps one active nomination per nominee, category and plan, so every request of a run
names a new (plan, category, nominee). The generated national set brings its own nominations
(nominations.jsonl: every category, under each province's plan); past those, every person of
the set is nominated as an official (cán bộ, công chức) under one of the benchmark's own plans,
copies of the Cần Thơ plan that differ only in name (bench_plans). A plan of its own per phase
keeps the phases apart: the lag phase counts its submissions in its plan's summary, which
nothing else moves.
"""
import csv
import os
import re
import uuid

# The benchmark's plans: the phase, and the plan its synthesized nominations name.
BENCH_PLANS = {
    "load": "plans/bench-load-2019-2020",
    "lag": "plans/bench-lag-2019-2020",
    "lag-low": "plans/bench-lag-low-2019-2020",
    "kill": "plans/bench-kill-2019-2020",
    "national": "plans/bench-national-2019-2020",
}
TEMPLATE_PLAN = "can-tho-2019-2020.textproto"
OFFICIAL_ATTESTATIONS = ["G1", "G3", "G4", "G5", "S1", "S4"]


def write_plans(generated_plans_dir, out_dir):
    """Copies the generated set's plans into out_dir and adds the benchmark's plans, each the
    Cần Thơ plan under another name. Returns out_dir (the services' --plans_dir)."""
    os.makedirs(out_dir, exist_ok=True)
    for name in os.listdir(generated_plans_dir):
        if name.endswith(".textproto"):
            with open(os.path.join(generated_plans_dir, name), encoding="utf-8") as f:
                text = f.read()
            with open(os.path.join(out_dir, name), "w", encoding="utf-8") as f:
                f.write(text)
    with open(os.path.join(generated_plans_dir, TEMPLATE_PLAN), encoding="utf-8") as f:
        template = f.read()
    for plan in BENCH_PLANS.values():
        text, count = re.subn(r'(?m)^name: "plans/[^"]*"$', 'name: "%s"' % plan, template)
        if count != 1:
            raise SystemExit("nomination_pools: %s has no single top-level name line" % TEMPLATE_PLAN)
        header = "# A copy of the Cần Thơ plan under the name %s, made by tools/bench.\n" % plan
        with open(os.path.join(out_dir, plan.split("/")[1] + ".textproto"), "w",
                  encoding="utf-8") as f:
            f.write(header + text)
    return out_dir


def persons(data_dir):
    """(person code, unit code) of every person of the set, in file order."""
    with open(os.path.join(data_dir, "persons.csv"), encoding="utf-8-sig", newline="") as f:
        return [(row["Mã cán bộ"], row["Mã đơn vị"]) for row in csv.DictReader(f)]


def official_request(plan, person, unit):
    """A complete official's dossier, as a unit's emulation officer would file it."""
    return {
        "requestId": str(uuid.uuid4()),
        "nomination": {
            "plan": plan, "category": "CATEGORY_OFFICIAL", "field": "FIELD_COMPREHENSIVE",
            "nominee": "persons/" + person, "nominatingUnit": "units/" + unit,
            "schoolYears": [{"startYear": 2018}, {"startYear": 2019}],
            "achievements": "Hai năm học liền hoàn thành xuất sắc nhiệm vụ.",
            "goodPractices": [{"title": "Sinh hoạt chuyên môn theo nghiên cứu bài học",
                               "description": "Dự giờ, phân tích bài học hằng tháng."}],
            "evidence": [
                {"id": "e1", "kind": "KIND_DECISION",
                 "title": "Quyết định công nhận hoàn thành xuất sắc nhiệm vụ năm học 2019-2020",
                 "documentNumber": "1234/QĐ-SGDĐT",
                 "documentDate": {"year": 2020, "month": 7, "day": 10}},
                {"id": "e2", "kind": "KIND_MINUTES", "title": "Biên bản hội nghị suy tôn"},
            ],
            "attestations": [{"criterionId": c, "statement": "Minh chứng cho tiêu chí " + c,
                              "evidenceIds": ["e1"]} for c in OFFICIAL_ATTESTATIONS],
            "acknowledgementVote": {"body": "Hội nghị cán bộ, viên chức",
                                    "date": {"year": 2020, "month": 7, "day": 1},
                                    "members": 40, "present": 38, "votesFor": 36,
                                    "minutesReference": "05/BB-HN", "minutesEvidenceId": "e2"},
        },
    }


def write_pool(path, data_dir, phase, limit, with_generated=False):
    """Writes up to `limit` requests for `phase` to `path`: the set's own nominations first
    when `with_generated`, then officials under the phase's plan. Returns how many."""
    import json
    written = 0
    with open(path, "w", encoding="utf-8") as out:
        if with_generated:
            with open(os.path.join(data_dir, "nominations.jsonl"), encoding="utf-8") as f:
                for line in f:
                    if written >= limit:
                        return written
                    if line.strip():
                        out.write(line if line.endswith("\n") else line + "\n")
                        written += 1
        for person, unit in persons(data_dir):
            if written >= limit:
                break
            out.write(json.dumps(official_request(BENCH_PLANS[phase], person, unit),
                                 ensure_ascii=False) + "\n")
            written += 1
    return written
