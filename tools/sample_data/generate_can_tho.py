#!/usr/bin/env python3
"""Generates the Cần Thơ sample data set under tools/sample_data/can-tho/.

A fictional but realistic registry for the city's Department of Education and Training
(Sở GD&ĐT): the department and its divisions, the nine districts with their national codes,
their education offices, emulation blocks (khối, cụm thi đua), about 150 schools and centres of
every level with their heads and some staff, and yearly records for 2018-2019 and 2019-2020.
Every name of a person is made up; school names follow the sector's usual patterns.

The figures are drawn from a seeded random generator, so the files are the same on every run,
except for a handful of units and persons whose figures are set on purpose (see
scenarios.csv): a few clearly qualify under the 2019-2020 plan (100% of staff rated khá/tốt,
rising rates, hoàn thành xuất sắc nhiệm vụ both years, first in their block), and others each
clearly fail exactly one criterion, so that tests can nominate them and know the verdict.

    /usr/bin/python3 tools/sample_data/generate_can_tho.py [--out DIR] [--seed N]
"""
import argparse
import csv
import os
import random

from registry_csv_form import (DIVISIONS, DONE, EXCELLENT, GOOD, HCM, LEVEL_LABEL,
                               PERSON_HEADER, PERSON_RECORD_HEADER, UNIT_HEADER,
                               UNIT_RECORD_HEADER)
from vietnamese_names import (FLOWERS, GIVEN_F, GIVEN_M, MIDDLE_F, MIDDLE_M, NAMESAKES,
                              SURNAMES)

SCHOOL_YEARS = ["2018-2019", "2019-2020"]
PROVINCE = "Thành phố Cần Thơ"
DEPARTMENT = "SGDDT"

# (national code, name, quận or huyện, region for the emulation clusters)
DISTRICTS = [
    ("916", "Ninh Kiều", "Quận", 1),
    ("917", "Ô Môn", "Quận", 2),
    ("918", "Bình Thủy", "Quận", 1),
    ("919", "Cái Răng", "Quận", 1),
    ("923", "Thốt Nốt", "Quận", 2),
    ("924", "Vĩnh Thạnh", "Huyện", 2),
    ("925", "Cờ Đỏ", "Huyện", 3),
    ("926", "Phong Điền", "Huyện", 3),
    ("927", "Thới Lai", "Huyện", 3),
]


class Generator:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.used_names = set()
        self.person_seq = 0
        self.units = []          # dicts with the unit's columns and what the records need
        self.persons = []        # dicts
        self.blocks = {}         # id -> (display name, description, [unit codes])
        self.scenarios = []      # (kind, code, expectation, note)

    # --- people ---

    def person_name(self):
        while True:
            female = self.rng.random() < 0.62  # the sector's staff are mostly women
            name = " ".join([self.rng.choice(SURNAMES),
                             self.rng.choice(MIDDLE_F if female else MIDDLE_M),
                             self.rng.choice(GIVEN_F if female else GIVEN_M)])
            if name not in self.used_names:
                self.used_names.add(name)
                return name

    def add_person(self, unit, post, category, leader=False, head=False):
        self.person_seq += 1
        person = {"code": "CT%07d" % (9200000 + self.person_seq), "name": self.person_name(),
                  "unit": unit["code"], "post": post, "category": category, "leader": leader,
                  "head_of": unit["code"] if head else "", "role": "teacher"}
        if head:
            person["role"] = "head"
        elif leader:
            person["role"] = "deputy"
        self.persons.append(person)
        unit.setdefault("people", []).append(person)
        return person

    # --- units ---

    def add_unit(self, code, name, short, kind, level="", extra="", parent="", district="",
                 address="", category=None):
        unit = {"code": code, "name": name, "short": short, "kind": kind, "level": level,
                "extra": extra, "parent": parent, "district": district, "address": address,
                "category": category}
        self.units.append(unit)
        return unit

    def build_units(self):
        self.add_unit(DEPARTMENT, "Sở Giáo dục và Đào tạo thành phố Cần Thơ", "Sở GD&ĐT Cần Thơ",
                      "Sở", district="916", address="39 đường 3 tháng 2, quận Ninh Kiều",
                      category="department")
        for suffix, name in DIVISIONS:
            self.add_unit(DEPARTMENT + "-" + suffix, name, name.replace("Phòng ", "P. "), "Phòng thuộc Sở",
                          parent=DEPARTMENT, district="916", category="division")
        for dcode, dname, dtype, _ in DISTRICTS:
            self.add_unit("PGD" + dcode, "Phòng Giáo dục và Đào tạo %s %s" % (dtype.lower(), dname),
                          "Phòng GD&ĐT " + dname, "Phòng GD&ĐT", parent=DEPARTMENT,
                          district=dcode, category="office")
        # Schools: upper secondary and the city's continuing-education centre under the
        # department, the others under their district office. About 150 in all.
        namesakes = list(NAMESAKES)
        self.rng.shuffle(namesakes)
        per_district = {"MN": [4, 3, 4, 4, 4, 3, 4, 4, 4], "TH": [6, 5, 5, 5, 5, 4, 5, 5, 5],
                        "THCS": [4, 4, 4, 4, 4, 3, 4, 4, 4], "THPT": [4, 2, 3, 2, 3, 2, 2, 2, 2]}
        level_digit = {"MN": 1, "TH": 2, "THCS": 3, "THPT": 4}
        used = {}
        for index, (dcode, dname, dtype, _) in enumerate(DISTRICTS):
            for level in ["MN", "TH", "THCS", "THPT"]:
                for n in range(per_district[level][index]):
                    code = "92%s%d%02d" % (dcode, level_digit[level], n + 1)
                    if level == "MN":
                        base = self.rng.choice(FLOWERS)
                    else:
                        base = namesakes[(index * 7 + n * 3 + level_digit[level] * 11) % len(namesakes)]
                    key = (level, base)
                    if key in used:
                        base = "%s %s" % (base, dname)  # two schools of a name: the place tells them apart
                    used[key] = True
                    label = {"MN": "Trường Mầm non", "TH": "Trường Tiểu học",
                             "THCS": "Trường THCS", "THPT": "Trường THPT"}[level]
                    parent = DEPARTMENT if level == "THPT" else "PGD" + dcode
                    self.add_unit(code, "%s %s" % (label, base), "%s %s" % (LEVEL_LABEL[level], base),
                                  "Trường", level=LEVEL_LABEL[level], parent=parent, district=dcode,
                                  address="%s %s" % (dtype, dname), category=level)
            # A primary and lower secondary school in the rural districts (trường nhiều cấp học).
            if dtype == "Huyện":
                base = namesakes[(index * 5 + 17) % len(namesakes)]
                self.add_unit("92%s601" % dcode, "Trường Tiểu học và THCS %s" % base,
                              "TH-THCS %s" % base, "Trường", level="Tiểu học", extra="THCS",
                              parent="PGD" + dcode, district=dcode, address="%s %s" % (dtype, dname),
                              category="TH")
            # The district's vocational and continuing-education centre (GDNN-GDTX).
            self.add_unit("92%s501" % dcode, "Trung tâm Giáo dục nghề nghiệp - Giáo dục thường xuyên %s %s"
                          % (dtype.lower(), dname), "TT GDNN-GDTX " + dname, "Trung tâm",
                          level="GDTX", extra="GDNN", parent="PGD" + dcode, district=dcode,
                          category="GDTX")
        self.add_unit("92916502", "Trung tâm Giáo dục thường xuyên thành phố Cần Thơ",
                      "TT GDTX thành phố", "Trung tâm", level="GDTX", parent=DEPARTMENT,
                      district="916", category="GDTX")

    def build_people(self):
        for unit in self.units:
            cat = unit["category"]
            if cat == "department":
                self.add_person(unit, "Giám đốc", "Công chức", leader=True, head=True)
                for _ in range(3):
                    self.add_person(unit, "Phó Giám đốc", "Công chức", leader=True)
            elif cat == "division":
                post = "Chánh Văn phòng" if unit["code"] == "SGDDT-VP" else (
                    "Chánh Thanh tra" if unit["code"] == "SGDDT-TTR" else "Trưởng phòng")
                self.add_person(unit, post, "Công chức", leader=True, head=True)
                self.add_person(unit, post.replace("Chánh", "Phó Chánh").replace("Trưởng", "Phó Trưởng"),
                                "Công chức", leader=True)
                for _ in range(2):
                    self.add_person(unit, "Chuyên viên", "Công chức")
            elif cat == "office":
                self.add_person(unit, "Trưởng phòng", "Công chức", leader=True, head=True)
                self.add_person(unit, "Phó Trưởng phòng", "Công chức", leader=True)
                self.add_person(unit, "Chuyên viên", "Công chức")
            else:
                head = "Giám đốc" if unit["kind"] == "Trung tâm" else "Hiệu trưởng"
                self.add_person(unit, head, "Viên chức", leader=True, head=True)
                deputies = 2 if cat in ("THPT", "THCS") else 1
                for _ in range(deputies):
                    self.add_person(unit, "Phó " + head, "Viên chức", leader=True)
                for _ in range(3):
                    self.add_person(unit, "Giáo viên", "Viên chức")

    # --- emulation blocks ---

    def build_blocks(self):
        def block(bid, name, description, codes):
            self.blocks[bid] = (name, description, codes)

        by_cat = {}
        for unit in self.units:
            by_cat.setdefault(unit["category"], []).append(unit)
        region = {d[0]: d[3] for d in DISTRICTS}
        block("khoi-phong-so", "Khối các phòng thuộc Sở",
              "Các phòng chuyên môn, Văn phòng và Thanh tra Sở",
              [u["code"] for u in by_cat["division"]])
        block("khoi-phong-gddt", "Khối Phòng Giáo dục và Đào tạo",
              "Phòng GD&ĐT của 9 quận, huyện", [u["code"] for u in by_cat["office"]])
        block("khoi-gdtx", "Khối Trung tâm GDNN-GDTX", "Các trung tâm giáo dục thường xuyên",
              [u["code"] for u in by_cat["GDTX"]])
        names = {1: "Ninh Kiều, Bình Thủy, Cái Răng", 2: "Ô Môn, Thốt Nốt, Vĩnh Thạnh",
                 3: "Cờ Đỏ, Phong Điền, Thới Lai"}
        for r in (1, 2, 3):
            block("khoi-thpt-%d" % r, "Khối THPT %d (%s)" % (r, names[r]),
                  "Khối thi đua trường THPT",
                  [u["code"] for u in by_cat["THPT"] if region[u["district"]] == r])
        for level, slug, label in [("MN", "mn", "Mầm non"), ("TH", "th", "Tiểu học"),
                                   ("THCS", "thcs", "THCS")]:
            for r in (1, 2, 3):
                block("cum-%s-%d" % (slug, r), "Cụm %s %d (%s)" % (label, r, names[r]),
                      "Cụm thi đua trường %s" % label.lower(),
                      [u["code"] for u in by_cat[level] if region[u["district"]] == r])
        self.block_of = {}
        for bid, (_, _, codes) in self.blocks.items():
            for code in codes:
                self.block_of[code] = bid

    # --- yearly figures ---

    def school_figures(self, unit, profile):
        """Two years of figures for a school or centre. `profile` is "exemplar", "typical" or
        the name of the one criterion the unit must fail."""
        rng = self.rng
        cat = unit["category"]
        size = {"MN": (6, 14, 25), "TH": (15, 30, 32), "THCS": (14, 32, 38),
                "THPT": (24, 45, 40), "GDTX": (8, 20, 35)}[cat]
        classes = rng.randint(size[0], size[1])
        per_class = size[2] + rng.randint(-5, 3)
        sites = 1 if cat in ("THPT", "GDTX") else rng.randint(1, 3)
        staff = int(classes * (1.9 if cat in ("THPT", "THCS") else 1.5)) + rng.randint(4, 9)
        teachers = int(staff * 0.82)
        prev = {"schools": sites, "classes": classes - rng.choice([0, 0, 1]),
                "students": classes * per_class - rng.randint(0, 40)}
        good_rate = rng.uniform(0.45, 0.75)
        years = []
        for y, year in enumerate(SCHOOL_YEARS):
            # Designed units have an exemplar's figures; a failure profile then breaks one.
            rising = profile != "typical"
            r = {"year": year}
            r["schools"] = sites
            r["classes"] = classes + (1 if y == 1 and rng.random() < 0.3 else 0)
            r["students"] = r["classes"] * per_class + rng.randint(-15, 15)
            r["prev"] = dict(prev)
            prev = {"schools": r["schools"], "classes": r["classes"], "students": r["students"]}
            entry_share = {"MN": 0.35, "TH": 0.21, "THCS": 0.26, "THPT": 0.35, "GDTX": 0.4}[cat]
            planned = int(r["students"] * entry_share)
            r["planned"] = planned
            r["actual"] = planned + rng.randint(0, max(2, planned // 30))
            r["staff"] = staff
            r["qualified"] = staff if rising or rng.random() < 0.7 else staff - rng.randint(1, 2)
            r["teachers"] = teachers
            not_rated = 0 if rising else rng.choice([0, 0, 1])
            rated = staff - not_rated
            good = int(rated * rng.uniform(0.45, 0.7))
            meets = 0 if rising else rng.choice([0, 0, 1, 2])
            below = 0 if rising or meets == 0 else rng.choice([0, 0, 1])
            r["ratings"] = (good, rated - good - meets - below, meets, below, not_rated)
            if cat == "MN":
                r["assessed"] = r["excellent"] = r["good_students"] = None
                r["city"] = r["national"] = (None, None)
            else:
                r["assessed"] = r["students"]
                rate = good_rate + (0.03 * y if rising else rng.uniform(-0.03, 0.03))
                excellent = int(r["assessed"] * rate * 0.45)
                r["excellent"] = excellent
                r["good_students"] = int(r["assessed"] * rate) - excellent
                entrants = max(3, r["students"] // 60)
                winners = int(entrants * (0.35 + (0.08 * y if rising else rng.uniform(0, 0.1))))
                r["city"] = (entrants, winners)
                r["national"] = (2, 1 if rising and y == 1 else 0) if cat == "THPT" else (None, None)
            base_teachers = max(1, teachers // 8)
            bump = y if rising else 0
            r["teachers_excellent"] = (base_teachers + bump, max(1, teachers // 15) + bump,
                                       (1 + bump) if cat != "GDTX" else bump)
            if cat == "GDTX":
                r["standard"] = ""
            else:
                r["standard"] = "Mức độ 2" if rising else rng.choice(["Mức độ 1", "Mức độ 1", "Chưa đạt"])
            r["universal"] = "Duy trì" if cat in ("MN", "TH", "THCS") else "Không áp dụng"
            r["assessment"] = EXCELLENT if rising else rng.choice([EXCELLENT, GOOD, GOOD, DONE])
            r["party"] = EXCELLENT if rising else rng.choice([EXCELLENT, GOOD, GOOD])
            r["trade_union"] = "Vững mạnh xuất sắc" if rising else rng.choice(["Vững mạnh xuất sắc", "Vững mạnh", "Khá"])
            r["youth_union"] = ("Vững mạnh" if cat in ("THPT", "GDTX") else "")
            r["pioneers"] = ("Vững mạnh" if cat in ("TH", "THCS") else "")
            years.append(r)
        if profile != "typical" and years[0]["city"][0]:
            # Strictly rising prize rate: w1/e1 > w0/e0.
            (e0, w0), (e1, _) = years[0]["city"], years[1]["city"]
            years[1]["city"] = (e1, min(e1, (w0 * e1) // e0 + 1))
        self.apply_failure(years, profile)
        return years

    @staticmethod
    def apply_failure(years, profile):
        last = years[1]
        first = years[0]
        if profile == "I1":  # enrolment below the plan in 2019-2020, one class fewer than before
            last["actual"] = last["planned"] - max(8, last["planned"] // 10)
            last["classes"] = last["prev"]["classes"] - 1
        elif profile == "I2":  # one teacher rated only "đạt": not 100% khá/tốt
            good, fair, meets, below, not_rated = last["ratings"]
            last["ratings"] = (good, fair - 1, meets + 1, below, not_rated)
        elif profile == "I3":  # the good-student rate fell in 2019-2020
            last["excellent"] = int(first["excellent"] * 0.8)
            last["good_students"] = int(first["good_students"] * 0.85)
        elif profile == "I5":  # 2018-2019 assessed "hoàn thành tốt", not "xuất sắc"
            first["assessment"] = GOOD

    def unit_record_rows(self):
        rows = []
        rng = self.rng
        # Exemplars and designed failures: one per criterion, spread over levels and blocks.
        plan = {}
        schools = [u for u in self.units if u["category"] in ("MN", "TH", "THCS", "THPT", "GDTX")]

        def first_of(category, district, extra=False):
            for u in schools:
                if u["category"] == category and u["district"] == district and (bool(u["extra"]) == extra or category == "GDTX"):
                    return u
            raise ValueError((category, district))

        # Each designed unit in a block of its own, so every one but the G2 case can lead it.
        designed = [
            (first_of("THPT", "916"), "exemplar"), (first_of("THPT", "923"), "exemplar"),
            (first_of("THCS", "918"), "exemplar"), (first_of("TH", "926"), "exemplar"),
            (first_of("THCS", "924"), "I1"), (first_of("THCS", "925"), "I2"),
            (first_of("TH", "916"), "I3"), (first_of("THPT", "927"), "I5"),
            (first_of("TH", "923"), "G2"),
        ]
        for unit, profile in designed:
            plan[unit["code"]] = profile
        self.designed = designed
        figures = {}
        for unit in schools:
            figures[unit["code"]] = self.school_figures(unit, plan.get(unit["code"], "typical"))
        # Standings within each block and year: exemplars first, the G2 failure near the end,
        # the others by a score of their year.
        for y in range(2):
            for bid, (_, _, codes) in self.blocks.items():
                members = [c for c in codes if c in figures]
                if not members:
                    continue
                score = {}
                for c in members:
                    f = figures[c][y]
                    s = {EXCELLENT: 3, GOOD: 2, DONE: 1}[f["assessment"]] + rng.random()
                    if c in plan:
                        s = 10
                    if plan.get(c) == "G2":
                        s = -1
                    score[c] = s
                ranked = sorted(members, key=lambda c: -score[c])
                for rank, c in enumerate(ranked, start=1):
                    figures[c][y]["rank"] = (bid, rank, len(ranked))
        for unit in schools:
            for f in figures[unit["code"]]:
                rows.append(self.unit_record_row(unit, f, plan.get(unit["code"])))
        # The department, its divisions and the district offices: assessment, party and union
        # ratings, and for the offices the schools they manage (D4, D5).
        for unit in self.units:
            if unit["category"] not in ("department", "division", "office"):
                continue
            for y, year in enumerate(SCHOOL_YEARS):
                rows.append(self.office_record_row(unit, year, y))
        for unit, profile in designed:
            head = next(p for p in unit["people"] if p["role"] == "head")
            self.scenarios.append(("unit", unit["code"], "QUALIFIED" if profile == "exemplar" else "NOT_QUALIFIED",
                                   "" if profile == "exemplar" else profile, unit["name"]))
            unit["designed"] = profile
            head["designed_unit"] = profile
        return rows

    def unit_record_row(self, unit, f, profile):
        def n(v):
            return "" if v is None else str(v)
        good, fair, meets, below, not_rated = f["ratings"]
        bid, rank, size = f.get("rank", ("", "", ""))
        titles, awards = [], []
        if f["assessment"] == EXCELLENT:
            titles.append("Tập thể lao động xuất sắc@UBND thành phố" if rank == 1 else
                          "Tập thể lao động tiên tiến@Giám đốc Sở")
            if rank == 1:
                awards.append("Bằng khen: Bằng khen của Chủ tịch UBND thành phố@UBND thành phố")
        elif f["assessment"] == GOOD:
            titles.append("Tập thể lao động tiên tiến@Giám đốc Sở")
        notes = ""
        if profile and profile != "exemplar":
            notes = "Dữ liệu mẫu: đơn vị không đạt tiêu chí %s" % profile
        elif profile == "exemplar":
            notes = "Dữ liệu mẫu: đơn vị điển hình tiên tiến"
        return [unit["code"], f["year"], f["schools"], f["classes"], f["students"],
                f["prev"]["schools"], f["prev"]["classes"], f["prev"]["students"], f["planned"],
                f["actual"], f["staff"], f["qualified"], f["teachers"], good, fair, meets, below,
                not_rated, n(f["assessed"]), n(f["excellent"]), n(f["good_students"]),
                n(f["city"][0]), n(f["city"][1]), n(f["national"][0]), n(f["national"][1]),
                f["teachers_excellent"][0], f["teachers_excellent"][1], f["teachers_excellent"][2],
                f["standard"], "", "", f["universal"], "", f["assessment"],
                "Sở GD&ĐT Cần Thơ" if unit["parent"] == DEPARTMENT else "Phòng GD&ĐT",
                "%d/QĐ-SGDĐT" % (1200 + self.rng.randint(0, 400)), f["party"], f["trade_union"],
                f["youth_union"], f["pioneers"], bid, rank, size, " | ".join(titles),
                " | ".join(awards), notes]

    def office_record_row(self, unit, year, y):
        rng = self.rng
        cat = unit["category"]
        excellent = cat == "department" or rng.random() < 0.7
        assessment = EXCELLENT if excellent else GOOD
        bid = self.block_of.get(unit["code"], "")
        rank, size = "", ""
        if bid:
            members = self.blocks[bid][2]
            # Deterministic order within the office blocks: by the random draw of the year.
            rank = 1 + (members.index(unit["code"]) + y * 3) % len(members)
            size = len(members)
        managed = [u for u in self.units if u["parent"] == unit["code"] and u["kind"] == "Trường"]
        standard_count = sum(1 for _ in managed) // 2 + y
        row = [unit["code"], year] + [""] * (len(UNIT_RECORD_HEADER) - 2)
        col = {h: i for i, h in enumerate(UNIT_RECORD_HEADER)}
        if cat == "office":
            row[col["Số điểm trường"]] = len(managed)
            row[col["Số trường đạt chuẩn quốc gia"]] = standard_count
            row[col["Kế hoạch trường đạt chuẩn quốc gia"]] = len(managed) // 2 + y
            row[col["Phổ cập giáo dục"]] = "Duy trì"
            row[col["Mức phổ cập"]] = 3 if unit["district"] in ("916", "918", "919") else 2
        staff = 40 if cat == "department" else (12 if cat == "division" else 14)
        row[col["Tổng số CBGVNV"]] = staff
        row[col["CBGVNV đạt chuẩn trình độ"]] = staff
        good = int(staff * 0.6)
        row[col["Số xếp loại tốt"]] = good
        row[col["Số xếp loại khá"]] = staff - good
        row[col["Số xếp loại đạt"]] = 0
        row[col["Số xếp loại chưa đạt"]] = 0
        row[col["Đánh giá năm học"]] = assessment
        row[col["Cấp đánh giá"]] = "UBND thành phố Cần Thơ" if cat == "department" else "Sở GD&ĐT Cần Thơ"
        row[col["Xếp loại tổ chức đảng"]] = EXCELLENT if cat == "department" else rng.choice([EXCELLENT, GOOD])
        row[col["Công đoàn"]] = "Vững mạnh xuất sắc" if cat == "department" else rng.choice(["Vững mạnh xuất sắc", "Vững mạnh"])
        row[col["Đoàn thanh niên"]] = "Vững mạnh"
        if bid:
            row[col["Khối thi đua"]] = bid
            row[col["Xếp hạng trong khối"]] = rank
            row[col["Số đơn vị trong khối"]] = size
        if cat == "department":
            row[col["Danh hiệu thi đua"]] = "Cờ thi đua@UBND thành phố"
            row[col["Ghi chú"]] = "Dữ liệu mẫu: Sở đạt tiêu chí D4, D5"
        return row

    def person_record_rows(self):
        rows = []
        rng = self.rng
        designed_people = {}
        # Individual scenarios: the heads of the designed units (L4 follows their unit), and
        # teachers who qualify or fail S2 or S3.
        exemplar_units = [u for u, p in self.designed if p == "exemplar"]
        teacher_cases = [(exemplar_units[0], "exemplar"), (exemplar_units[1], "S2"),
                         (exemplar_units[2], "S3"), (exemplar_units[3], "exemplar")]
        for unit, profile in teacher_cases:
            teacher = next(p for p in unit["people"] if p["role"] == "teacher" and p["code"] not in designed_people)
            designed_people[teacher["code"]] = profile
            self.scenarios.append(("person", teacher["code"],
                                   "QUALIFIED" if profile == "exemplar" else "NOT_QUALIFIED",
                                   "" if profile == "exemplar" else profile,
                                   "%s, %s, %s" % (teacher["name"], teacher["post"], unit["name"])))
        for unit, profile in self.designed:
            head = next(p for p in unit["people"] if p["role"] == "head")
            designed_people[head["code"]] = "leader-" + profile
            self.scenarios.append(("person", head["code"],
                                   "QUALIFIED" if profile == "exemplar" else "NOT_QUALIFIED",
                                   "" if profile == "exemplar" else "L4 (%s)" % profile,
                                   "%s, %s, %s" % (head["name"], head["post"], unit["name"])))
        for unit in self.units:
            people = unit.get("people", [])
            for y, year in enumerate(SCHOOL_YEARS):
                ranked = list(people)
                rng.shuffle(ranked)
                # Designed people lead their unit's ranking.
                ranked.sort(key=lambda p: 0 if p["code"] in designed_people else 1)
                leaders = sum(1 for p in ranked if p["code"] in designed_people)
                for position, person in enumerate(ranked, start=1):
                    # Designed people share the first rank (ties share a rank).
                    rank = 1 if person["code"] in designed_people else position - max(0, leaders - 1)
                    profile = designed_people.get(person["code"])
                    if profile:
                        assessment = EXCELLENT
                        if profile == "S2" and y == 0:
                            assessment = GOOD
                        rating = "Tốt"
                        acks = HCM + "@Chi bộ " + unit["short"]
                        if profile == "S3" and y == 1:
                            acks = ""
                        title = "Chiến sĩ thi đua cơ sở@Giám đốc Sở" if assessment == EXCELLENT else "Lao động tiên tiến@Đơn vị"
                    else:
                        assessment = rng.choice([EXCELLENT, GOOD, GOOD, GOOD, DONE])
                        rating = rng.choice(["Tốt", "Tốt", "Khá", "Khá", "Đạt"])
                        acks = (HCM + "@Chi bộ " + unit["short"]) if rng.random() < 0.8 else ""
                        title = ("Lao động tiên tiến@Đơn vị" if assessment in (EXCELLENT, GOOD) else "")
                        if assessment == EXCELLENT and rng.random() < 0.3:
                            title = "Chiến sĩ thi đua cơ sở@Giám đốc Sở"
                    if unit["category"] in ("department", "division", "office") and not profile:
                        rating = ""  # civil servants are not rated against the teachers' standard
                    rows.append([person["code"], year, unit["code"], person["post"],
                                 "có" if person["leader"] else "không", person["head_of"],
                                 assessment, unit["short"] if not person["head_of"] else
                                 ("UBND thành phố Cần Thơ" if unit["category"] == "department" else "Sở GD&ĐT Cần Thơ"),
                                 rating, acks, title, "", rank, len(ranked),
                                 "Dữ liệu mẫu: %s" % profile if profile else ""])
        return rows

    def check_designed(self):
        """The designed units' figures say what scenarios.csv promises: an exemplar meets every
        checkable institution criterion (I1, I2, I3, I5, G2), a failure breaks exactly its own."""
        col = {h: i for i, h in enumerate(UNIT_RECORD_HEADER)}
        rows = {}
        for r in self.unit_rows:
            rows.setdefault(r[0], {})[r[1]] = r

        def num(r, h):
            return int(r[col[h]])

        def rate(r, parts, base):
            return sum(num(r, p) for p in parts) / num(r, base)

        for unit, profile in self.designed:
            a, b = rows[unit["code"]]["2018-2019"], rows[unit["code"]]["2019-2020"]
            met = {
                "I1": all(num(r, "Tuyển sinh đầu cấp") >= num(r, "Chỉ tiêu tuyển sinh đầu cấp")
                          and num(r, "Số lớp") >= num(r, "Số lớp năm trước") for r in (a, b)),
                "I2": all(num(r, "Số xếp loại tốt") + num(r, "Số xếp loại khá") == num(r, "Tổng số CBGVNV")
                          and num(r, "CBGVNV đạt chuẩn trình độ") == num(r, "Tổng số CBGVNV") for r in (a, b)),
                "I3": (rate(b, ["Học sinh giỏi", "Học sinh khá"], "Học sinh được đánh giá")
                       > rate(a, ["Học sinh giỏi", "Học sinh khá"], "Học sinh được đánh giá")
                       and rate(b, ["Đạt giải cấp thành phố"], "Dự thi cấp thành phố")
                       > rate(a, ["Đạt giải cấp thành phố"], "Dự thi cấp thành phố")
                       and rate(b, ["Giáo viên dạy giỏi cấp trường", "Giáo viên dạy giỏi cấp huyện",
                                    "Giáo viên dạy giỏi cấp thành phố"], "Số giáo viên")
                       > rate(a, ["Giáo viên dạy giỏi cấp trường", "Giáo viên dạy giỏi cấp huyện",
                                  "Giáo viên dạy giỏi cấp thành phố"], "Số giáo viên")
                       and all(r[col["Chuẩn quốc gia"]] in ("Mức độ 1", "Mức độ 2") for r in (a, b))),
                "I5": all(r[col["Đánh giá năm học"]] == EXCELLENT for r in (a, b)),
                "G2": all(num(r, "Xếp hạng trong khối") == 1 for r in (a, b)),
            }
            failing = sorted(k for k, ok in met.items() if not ok)
            expected = [] if profile == "exemplar" else [profile]
            if failing != expected:
                raise AssertionError("%s (%s) fails %s" % (unit["code"], profile, failing))

    # --- output ---

    def write(self, out):
        os.makedirs(out, exist_ok=True)

        def dump(name, header, rows, bom=False):
            with open(os.path.join(out, name), "w", encoding="utf-8-sig" if bom else "utf-8",
                      newline="") as f:
                w = csv.writer(f, lineterminator="\r\n" if bom else "\n")
                w.writerow(header)
                for r in rows:
                    w.writerow(r)

        dump("districts.csv", ["Mã quận huyện", "Tên quận huyện", "Tỉnh thành phố"],
             [[c, "%s %s" % (t, n), PROVINCE] for c, n, t, _ in DISTRICTS])
        dump("emulation_blocks.csv", ["Mã khối", "Tên khối", "Mô tả"],
             [[bid, name, desc] for bid, (name, desc, _) in self.blocks.items()])
        dump("block_members.csv", ["Mã khối", "Năm học", "Mã đơn vị"],
             [[bid, year, code] for year in SCHOOL_YEARS
              for bid, (_, _, codes) in self.blocks.items() for code in codes])
        # Units as an Excel "CSV UTF-8" export: byte-order mark and CRLF.
        dump("units.csv", UNIT_HEADER,
             [[u["code"], u["name"], u["short"], u["kind"], u["level"], u["extra"], u["parent"],
               u["district"], u["address"]] for u in self.units], bom=True)
        dump("persons.csv", PERSON_HEADER,
             [[p["code"], p["name"], p["unit"], p["post"], p["category"],
               "có" if p["leader"] else "không", p["head_of"]] for p in self.persons])
        dump("unit_yearly_records.csv", UNIT_RECORD_HEADER, self.unit_rows)
        dump("person_yearly_records.csv", PERSON_RECORD_HEADER, self.person_rows)
        dump("scenarios.csv", ["Loại", "Mã", "Kết quả mong đợi", "Tiêu chí không đạt", "Ghi chú"],
             self.scenarios)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    here = os.path.dirname(os.path.abspath(__file__))
    parser.add_argument("--out", default=os.path.join(here, "can-tho"))
    parser.add_argument("--seed", type=int, default=20192020)
    args = parser.parse_args()
    g = Generator(args.seed)
    g.build_units()
    g.build_people()
    g.build_blocks()
    g.unit_rows = g.unit_record_rows()
    g.person_rows = g.person_record_rows()
    g.check_designed()
    g.write(args.out)
    schools = sum(1 for u in g.units if u["category"] in ("MN", "TH", "THCS", "THPT", "GDTX"))
    print("%d units (%d schools and centres), %d persons, %d blocks, %d unit records, %d person records"
          % (len(g.units), schools, len(g.persons), len(g.blocks), len(g.unit_rows), len(g.person_rows)))


if __name__ == "__main__":
    main()
