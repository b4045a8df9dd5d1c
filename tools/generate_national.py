#!/usr/bin/env python3
"""Generates a national-scale data set for benchmarks: a country's worth of the education sector
in the registry's CSV import form, and nominations in the form the intake API takes.

    python3 tools/generate_national.py --out DIR [--seed N] [--scale 1.0] [--jobs 2]

At --scale 1.0: 63 provinces, 708 districts, about 50,000 units (each province's department
and its divisions, each district's education office, preschools, primary, lower and upper
secondary, multi-level schools and continuing-education centres), exactly 1,000,000 persons
(every unit's head and deputies marked as leaders), a yearly record of every unit and person for
2018-2019 and 2019-2020, and exactly 150,000 nominations. --scale 0.01 keeps the same shape at
a hundredth of the size (a few districts, about 500 units, 10,000 persons, 1,500 nominations).
The same seed and scale give the same bytes, whatever the number of --jobs (provinces are made
in worker processes from their own random streams and joined in order); a district's units and
names do not depend on the scale.

DIR receives (the first seven in the files and names tools/load_sample_data.py reads):

  districts.csv, emulation_blocks.csv, block_members.csv    Create/UpdateDistrict, ...Block
  units.csv, persons.csv                                    ImportRecords (units, persons)
  unit_yearly_records.csv, person_yearly_records.csv        ImportRecords (both record kinds)
  nominations.jsonl       one CreateNominationRequest a line, in proto3 JSON (camelCase names,
                          enums by name): {"nomination": {...}, "requestId": "<uuid>"}; parse a
                          line with google.protobuf.json_format.Parse into
                          dienhinh.intake.v1.CreateNominationRequest and send it as it is
  nomination_profiles.csv what each nomination was built to show: request_id, plan, category,
                          nominee, and the one criterion it is designed to fail (empty: built
                          to meet every criterion the registry's figures decide)
  plans/*.textproto       the plan each nomination names: each province's department runs
                          the repository's plans/can-tho-2019-2020 under its own plan name
                          (Cần Thơ keeps its name) with itself as issuing unit, so that the
                          institutions directly under every department can be nominated; give
                          the folder to intake and evaluation as --plans_dir

The plan's nomination window is 15 July - 16 August 2020: a benchmark either runs intake with
its clock in it or submits as the department office with override_window.

Evaluation does real work on them: about half of the institutions, departments and officials
are built to meet every criterion the registry's figures decide (I0-I3, I5, D4, D5, S2, S3, L3,
L4, G2) and the vote (G0), the others each to fail exactly one (an institution's flat good-student rate, enrolment under plan, a staff
member rated only "đạt", a falling excellent-teacher rate, a "hoàn thành tốt" year, a low block
rank, a vote short of 70 %, an attestation without evidence; a person's "hoàn thành tốt" year,
missing Hồ Chí Minh acknowledgement, low unit rank; a leader whose collective does not qualify,
as for most leaders: heads of units that have no collective nomination of their own).
Attestations (G1, G3-G5, I4, I6, D1-D3, S1, S4, L1, L2) wait for the department office's review.
The units and persons not nominated have ordinary, mixed figures.

Only the Python standard library; names, school names, the import's headers and labels come
from tools/sample_data/ (shared with the Cần Thơ generator).
"""
import argparse
import csv
import io
import json
import multiprocessing
import os
import random
import re
import shutil
import sys
import time
import unicodedata
import uuid
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(HERE, "sample_data"))

from generate_can_tho import DISTRICTS as CAN_THO_DISTRICTS  # noqa: E402
from registry_csv_form import (DIVISIONS, DONE, EXCELLENT, GOOD, HCM, LEVEL_LABEL,  # noqa: E402
                               PERSON_HEADER, PERSON_RECORD_HEADER, UNIT_HEADER,
                               UNIT_RECORD_HEADER)
from vietnam_provinces import CITY, PLACE_SYLLABLES, PROVINCES, REGIONS  # noqa: E402
from vietnamese_names import (FLOWERS, GIVEN_F, GIVEN_M, MIDDLE_F, MIDDLE_M,  # noqa: E402
                              NAMESAKES, SURNAMES)

SCHOOL_YEARS = ["2018-2019", "2019-2020"]
START_YEARS = [2018, 2019]
PERSONS_AT_FULL_SCALE = 1_000_000
NOMINATIONS_AT_FULL_SCALE = 150_000
BASE_PLAN_FILE = os.path.join(ROOT, "plans", "can-tho-2019-2020.textproto")
BASE_PLAN_NAME = "plans/can-tho-2019-2020"
CAN_THO = "92"

# Shares of surnames among Vietnamese people (rounded), so that a million names look like a
# country's staff lists: Nguyễn for about four in ten.
SURNAME_WEIGHTS = {"Nguyễn": 380, "Trần": 110, "Lê": 95, "Phạm": 70, "Huỳnh": 30, "Hoàng": 30,
                   "Phan": 45, "Võ": 39, "Đặng": 21, "Bùi": 20, "Đỗ": 14, "Hồ": 13, "Ngô": 13,
                   "Dương": 10, "Lý": 5, "Trương": 10, "Lâm": 6, "Châu": 4, "Thái": 4, "Tạ": 3,
                   "Quách": 2, "Diệp": 1}
FEMALE_SHARE = 0.7  # the sector's staff are mostly women

# How each category's nominations are built: the profile (exemplar, or the criterion it fails)
# and its weight. G2 needs a group of two or more; the generator falls back to exemplar.
INSTITUTION_PROFILES = [("exemplar", 40), ("I0", 8), ("I1", 8), ("I2", 8), ("I3", 8), ("I5", 8),
                        ("G2", 8), ("G0", 6), ("G5", 6)]
DEPARTMENT_PROFILES = [("exemplar", 50), ("D4", 15), ("D5", 15), ("G2", 10), ("G0", 10)]
LEADER_PROFILES = [("exemplar", 60), ("L3", 20), ("G2", 20)]  # for heads of exemplar collectives
OFFICIAL_PROFILES = [("exemplar", 45), ("S2", 12), ("S3", 12), ("G2", 11), ("G0", 10), ("S1", 10)]
INSTITUTION_SHARE = 0.6     # of the upper secondary schools directly under a department
EXTRA_LEADER_SHARE = 0.03   # of all nominations: heads of units with no collective nomination

LEVEL_DIGIT = {"MN": 1, "TH": 2, "THCS": 3, "THPT": 4}
SCHOOL_LABEL = {"MN": "Trường Mầm non", "TH": "Trường Tiểu học", "THCS": "Trường THCS",
                "THPT": "Trường THPT"}
# (classes low, high, staff per class, students per class, entry share of students)
SCHOOL_SIZE = {"MN": (5, 14, 1.3, 25, 0.35), "TH": (10, 30, 1.0, 32, 0.21),
               "THCS": (8, 24, 1.2, 38, 0.26), "THPT": (18, 42, 1.55, 40, 0.35),
               "GDTX": (6, 18, 1.0, 35, 0.4)}
NON_TEACHING_POSTS = [("Nhân viên kế toán", "Viên chức"), ("Nhân viên văn thư", "Viên chức"),
                      ("Nhân viên y tế", "Viên chức"), ("Nhân viên thư viện", "Viên chức"),
                      ("Bảo vệ", "Người lao động")]
RECORD_COL = {h: i for i, h in enumerate(UNIT_RECORD_HEADER)}


def weighted(pairs):
    """A list to draw from with rng.choice, each value repeated by its weight."""
    out = []
    for value, weight in pairs:
        out.extend([value] * weight)
    return out


SURNAME_POOL = weighted(SURNAME_WEIGHTS.items())
INSTITUTION_POOL = weighted(INSTITUTION_PROFILES)
DEPARTMENT_POOL = weighted(DEPARTMENT_PROFILES)
LEADER_POOL = weighted(LEADER_PROFILES)
OFFICIAL_POOL = weighted(OFFICIAL_PROFILES)


def slug(text):
    """ASCII id from a Vietnamese name: "Bà Rịa - Vũng Tàu" → "ba-ria-vung-tau"."""
    folded = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    folded = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")


# --- geography ---

class Province:
    def __init__(self, code, name, kind, region):
        self.code, self.name, self.kind, self.region = code, name, kind, region
        self.full = "%s %s" % (kind, name)                         # Tỉnh Nghệ An
        self.lower = "%s %s" % (kind.lower(), name)                # tỉnh Nghệ An
        self.authority = "UBND thành phố" if kind == CITY else "Cấp tỉnh"  # AuthorityLevel label
        self.committee = "UBND %s" % self.lower                    # UBND tỉnh Nghệ An
        self.department = code + "000000"
        self.department_short = "Sở GD&ĐT " + name
        self.plan = BASE_PLAN_NAME if code == CAN_THO else "plans/%s-2019-2020" % slug(name)
        self.districts = []


class District:
    def __init__(self, code, name, kind, province):
        self.code, self.name, self.kind, self.province = code, name, kind, province
        self.full = "%s %s" % (kind, name)
        self.lower = "%s %s" % (kind.lower(), name)


def build_geography(seed):
    """Every province with all its districts, whatever the scale: invented names and codes
    (national codes are three digits, numbered in province order), Cần Thơ's real ones."""
    rng = random.Random("%d/geography" % seed)
    reserved = {d[0] for d in CAN_THO_DISTRICTS}
    codes = iter("%03d" % n for n in range(1, 1000) if "%03d" % n not in reserved)
    provinces = []
    for pcode, pname, pkind, count, region in PROVINCES:
        province = Province(pcode, pname, pkind, region)
        if pcode == CAN_THO:
            for dcode, dname, dkind, _ in CAN_THO_DISTRICTS:
                province.districts.append(District(dcode, dname, dkind, province))
        else:
            used = set()
            for i in range(count):
                if pkind == CITY:
                    kind = "Quận" if i < round(count * 0.55) else "Huyện"
                else:
                    towns = (1 if count >= 8 else 0) + (1 if count >= 14 else 0)
                    kind = "Thành phố" if i == 0 else ("Thị xã" if i <= towns else "Huyện")
                name = place_name(rng, used)
                province.districts.append(District(next(codes), name, kind, province))
        provinces.append(province)
    return provinces


def place_name(rng, used):
    while True:
        first, second = rng.choice(PLACE_SYLLABLES), rng.choice(PLACE_SYLLABLES)
        name = "%s %s" % (first, second)
        if first != second and name not in used:
            used.add(name)
            return name


def select_districts(provinces, scale):
    """The districts a scale keeps: round(708 × scale) spread over the provinces by largest
    remainder, each province's first districts (its capital first). Cần Thơ always keeps one,
    so that the repository's plan has units to apply to."""
    total = sum(len(p.districts) for p in provinces)
    wanted = max(1, round(total * scale))
    if wanted >= total:
        return provinces
    quotas = [len(p.districts) * wanted / total for p in provinces]
    counts = [int(q) for q in quotas]
    can_tho = next(i for i, p in enumerate(provinces) if p.code == CAN_THO)
    counts[can_tho] = max(1, counts[can_tho])
    by_remainder = sorted(range(len(provinces)), key=lambda i: (-(quotas[i] - int(quotas[i])), i))
    for i in by_remainder:
        if sum(counts) >= wanted:
            break
        if counts[i] < len(provinces[i].districts):
            counts[i] += 1
    kept = []
    for province, count in zip(provinces, counts):
        if count:
            province.districts = province.districts[:count]
            kept.append(province)
    return kept


# --- units ---

class Unit:
    __slots__ = ("code", "name", "short", "kind", "level", "extra", "parent", "district",
                 "address", "cat", "province", "block", "classes", "staff", "profile",
                 "leader_profile", "officials", "assessed_by")

    def __init__(self, code, name, short, kind, cat, province, parent="", district="",
                 level="", extra="", address=""):
        self.code, self.name, self.short, self.kind, self.cat = code, name, short, kind, cat
        self.province, self.parent, self.district = province, parent, district
        self.level, self.extra, self.address = level, extra, address
        self.block = ""
        self.classes = 0
        self.staff = 0
        self.profile = None         # the unit's own nomination: None, "exemplar" or a criterion
        self.leader_profile = None  # its head's leader nomination
        self.officials = 0          # how many of its other people are nominated as officials
        self.assessed_by = ""       # who assesses the unit's year (and its head's)


class Directory:
    """The units of the kept provinces and their emulation blocks."""

    def __init__(self, seed, provinces):
        self.seed = seed
        self.provinces = provinces
        self.units = []
        self.by_province = {}
        self.blocks = {}  # id → [display name, description, [unit codes]]
        self.block_size = {}
        self.province_blocks = {}  # province code → ids of the blocks within the province
        self.cluster_blocks = []   # the departments' clusters, across provinces

    def block(self, bid, name, description, units):
        self.blocks[bid] = [name, description, [u.code for u in units]]
        self.block_size[bid] = len(units)
        for unit in units:
            unit.block = bid
        provinces = sorted({u.province.code for u in units})
        if len(provinces) == 1 and units[0].cat != "department":
            self.province_blocks.setdefault(provinces[0], []).append(bid)
        else:
            self.cluster_blocks.append(bid)

    def build(self):
        departments = {}
        for province in self.provinces:
            units = self.build_province(province)
            self.by_province[province.code] = units
            self.units.extend(units)
            departments.setdefault(province.region, []).append(units[0])
        # The Ministry's emulation clusters of departments, one per region.
        for region in sorted(departments):
            self.block("cum-so-gddt-vung-%d" % region,
                       "Cụm thi đua các Sở GD&ĐT vùng %s" % REGIONS[region],
                       "Cụm thi đua của Bộ Giáo dục và Đào tạo", departments[region])

    def build_province(self, province):
        capital = province.districts[0]
        department = Unit(province.department, "Sở Giáo dục và Đào tạo " + province.lower,
                          province.department_short, "Sở", "department", province,
                          district=capital.code, address="%s, %s" % (capital.full, province.full))
        department.assessed_by = province.committee
        rng = random.Random("%d/province/%s" % (self.seed, province.code))
        size_unit(rng, department)
        units = [department]
        divisions = []
        for suffix, name in DIVISIONS:
            division = Unit(department.code + "-" + suffix, name, name.replace("Phòng ", "P. "),
                            "Phòng thuộc Sở", "division", province, parent=department.code,
                            district=capital.code)
            division.assessed_by = province.department_short
            size_unit(rng, division)
            divisions.append(division)
        units.extend(divisions)
        offices, centres, upper = [], [], []
        for district in province.districts:
            built = self.build_district(district, department)
            units.extend(built)
            offices.append(built[0])
            for unit in built[1:]:
                if unit.cat == "GDTX":
                    centres.append(unit)
                elif unit.cat == "THPT":
                    upper.append((district, unit))
        # The province's continuing-education centre, directly under the department.
        centre = Unit("%s%s502" % (province.code, capital.code),
                      "Trung tâm Giáo dục thường xuyên " + province.lower, "TT GDTX " + province.name,
                      "Trung tâm", "GDTX", province, parent=department.code, district=capital.code,
                      level=LEVEL_LABEL["GDTX"], address=capital.full)
        centre.assessed_by = province.department_short
        size_unit(rng, centre)
        units.append(centre)
        centres.append(centre)
        self.block("khoi-phong-so-%s" % province.code, "Khối các phòng thuộc Sở GD&ĐT " + province.name,
                   "Các phòng chuyên môn, Văn phòng và Thanh tra Sở", divisions)
        self.block("khoi-phong-gddt-%s" % province.code, "Khối Phòng GD&ĐT " + province.name,
                   "Phòng GD&ĐT của các quận, huyện, thị xã, thành phố", offices)
        self.block("khoi-gdtx-%s" % province.code, "Khối Trung tâm GDNN-GDTX " + province.name,
                   "Các trung tâm giáo dục nghề nghiệp - giáo dục thường xuyên", centres)
        # Upper secondary schools compete in blocks of about four districts.
        groups = [province.districts[i:i + 4] for i in range(0, len(province.districts), 4)]
        for n, group in enumerate(groups, start=1):
            codes = {d.code for d in group}
            self.block("khoi-thpt-%s-%d" % (province.code, n),
                       "Khối THPT %d %s (%s)" % (n, province.name, ", ".join(d.name for d in group)),
                       "Khối thi đua trường THPT", [u for d, u in upper if d.code in codes])
        return units

    def build_district(self, district, department):
        """The district's office and the schools and centre it manages, and its upper secondary
        schools (under the department). Drawn from the district's own random stream."""
        rng = random.Random("%d/district/%s" % (self.seed, district.code))
        province = district.province
        urban = district.kind != "Huyện"
        office = Unit("PGD" + district.code, "Phòng Giáo dục và Đào tạo " + district.lower,
                      "Phòng GD&ĐT " + district.name, "Phòng GD&ĐT", "office", province,
                      parent=department.code, district=district.code,
                      address="%s, %s" % (district.full, province.full))
        office.assessed_by = province.department_short
        size_unit(rng, office)
        communes = []
        used = {district.name}
        for _ in range(rng.randint(10, 22)):
            communes.append(place_name(rng, used))
        counts = {"MN": rng.randint(18, 33), "TH": rng.randint(15, 30), "THCS": rng.randint(9, 20),
                  "THPT": rng.randint(3, 6) if urban else rng.randint(2, 5)}
        units = [office]
        by_level = {"MN": [], "TH": [], "THCS": []}
        names = set()
        for level in ("MN", "TH", "THCS", "THPT"):
            for n in range(counts[level]):
                base = school_base(rng, level, communes, district, names)
                code = "%s%s%d%02d" % (province.code, district.code, LEVEL_DIGIT[level], n + 1)
                parent = department.code if level == "THPT" else office.code
                unit = Unit(code, "%s %s" % (SCHOOL_LABEL[level], base),
                            "%s %s" % (LEVEL_LABEL[level], base), "Trường", level, province,
                            parent=parent, district=district.code, level=LEVEL_LABEL[level],
                            address="%s, %s" % (base if level == "MN" else communes[n % len(communes)],
                                                district.lower))
                unit.assessed_by = (province.department_short if level == "THPT"
                                    else office.short)
                size_unit(rng, unit)
                units.append(unit)
                if level in by_level:
                    by_level[level].append(unit)
        # Multi-level primary and lower secondary schools in rural districts.
        for n in range(0 if urban else rng.randint(0, 4)):
            base = school_base(rng, "TH", communes, district, names)
            unit = Unit("%s%s6%02d" % (province.code, district.code, n + 1),
                        "Trường Tiểu học và THCS %s" % base, "TH-THCS %s" % base, "Trường", "TH",
                        province, parent=office.code, district=district.code,
                        level=LEVEL_LABEL["TH"], extra="THCS",
                        address="%s, %s" % (communes[n % len(communes)], district.lower))
            unit.assessed_by = office.short
            size_unit(rng, unit)
            units.append(unit)
            by_level["TH"].append(unit)
        centre = Unit("%s%s501" % (province.code, district.code),
                      "Trung tâm Giáo dục nghề nghiệp - Giáo dục thường xuyên " + district.lower,
                      "TT GDNN-GDTX " + district.name, "Trung tâm", "GDTX", province,
                      parent=office.code, district=district.code, level=LEVEL_LABEL["GDTX"],
                      extra="GDNN", address=district.full)
        centre.assessed_by = office.short
        size_unit(rng, centre)
        units.append(centre)
        for level, slug_, label in (("MN", "mn", "mầm non"), ("TH", "th", "tiểu học"),
                                    ("THCS", "thcs", "THCS")):
            self.block("cum-%s-%s" % (slug_, district.code),
                       "Cụm %s %s" % (label, district.full),
                       "Cụm thi đua trường %s" % label, by_level[level])
        return units


def school_base(rng, level, communes, district, used):
    """What a school is named after: a commune or ward, a namesake (history, literature) or,
    for preschools, a flower; a name taken twice in the district gets a number."""
    draw = rng.random()
    if level == "MN":
        base = rng.choice(FLOWERS) if draw < 0.4 else rng.choice(communes)
    elif level == "THPT":
        base = rng.choice(NAMESAKES) if draw < 0.7 else district.name
    else:
        base = rng.choice(NAMESAKES) if draw < 0.45 else rng.choice(communes)
    name, n = base, 1
    while (level, name) in used:
        n += 1
        name = "%s %d" % (base, n)
    used.add((level, name))
    return name


def size_unit(rng, unit):
    """Classes and a first staff size (scaled later so that the persons add up)."""
    if unit.cat in SCHOOL_SIZE:
        low, high, per_class, _, _ = SCHOOL_SIZE[unit.cat]
        unit.classes = rng.randint(low, high)
        unit.staff = int(unit.classes * per_class) + rng.randint(3, 6)
    elif unit.cat == "office":
        unit.staff = rng.randint(8, 15)
    elif unit.cat == "division":
        unit.staff = rng.randint(6, 12)
    else:
        unit.staff = rng.randint(6, 9)


def minimum_staff(unit):
    return 7 if unit.cat in SCHOOL_SIZE else 4


def fit_staff(units, target):
    """Scales the schools' and centres' staff sizes so that all units add up to exactly
    `target` persons (offices keep theirs)."""
    schools = [u for u in units if u.cat in SCHOOL_SIZE]
    fixed = sum(u.staff for u in units) - sum(u.staff for u in schools)
    raw = sum(u.staff for u in schools)
    for unit in schools:
        unit.staff = max(minimum_staff(unit), round(unit.staff * (target - fixed) / raw))
    diff = target - sum(u.staff for u in units)
    step = 1 if diff > 0 else -1
    i = 0
    while diff != 0:
        unit = schools[i % len(schools)]
        if step > 0 or unit.staff > minimum_staff(unit):
            unit.staff += step
            diff -= step
        i += 1
        if i > len(schools) * 100:
            raise SystemExit("cannot fit %d persons in %d units" % (target, len(units)))


# --- who is nominated ---

def plan_nominations(directory, total, seed):
    """Decides, before any person is drawn, which units and how many persons are nominated and
    how each is built: every department and its director, most upper secondary schools under a
    department and their principals, heads of other units (whose collective has no nomination,
    so L4 fails), and officials spread over all units so that the count is exactly `total`."""
    rng = random.Random("%d/nominations" % seed)
    block_size = {bid: len(members) for bid, (_, _, members) in directory.blocks.items()}

    def draw(pool, unit):
        profile = rng.choice(pool)
        if profile == "G2" and block_size.get(unit.block, 0) < 2:
            profile = "exemplar"  # alone in its block it cannot help leading it
        return profile

    count = 0
    for unit in directory.units:
        if unit.cat == "department":
            unit.profile = draw(DEPARTMENT_POOL, unit)
        elif (unit.cat == "THPT" and unit.parent == unit.province.department
              and rng.random() < INSTITUTION_SHARE):
            unit.profile = draw(INSTITUTION_POOL, unit)
        if unit.profile is not None:
            unit.leader_profile = rng.choice(LEADER_POOL) if unit.profile == "exemplar" else "L4"
            count += 2
    candidates = [u for u in directory.units
                  if u.profile is None and u.cat in ("office", "MN", "TH", "THCS")]
    extra = min(len(candidates), round(total * EXTRA_LEADER_SHARE), max(0, total - count))
    for i in sorted(rng.sample(range(len(candidates)), extra)):
        candidates[i].leader_profile = "L4"
    count += extra
    officials = total - count
    if officials < 0:
        raise SystemExit("--scale too small: %d nominations asked, %d collectives and leaders"
                         % (total, count))
    # Officials in proportion to each unit's staff (its head aside), exactly `officials` in all.
    eligible = sum(u.staff - 1 for u in directory.units)
    running = given = 0
    for unit in directory.units:
        running += unit.staff - 1
        share = running * officials // eligible
        unit.officials = share - given
        given = share


# --- people and their years ---

RATING_POOL = weighted([("Tốt", 40), ("Khá", 42), ("Đạt", 16), ("Chưa đạt", 2)])
ASSESSMENT_POOL = weighted([(EXCELLENT, 20), (GOOD, 60), (DONE, 20)])


# A person's middle and given names together, by gender: one draw instead of two.
REST_OF_NAME_F = ["%s %s" % (m, g) for m in MIDDLE_F for g in GIVEN_F]
REST_OF_NAME_M = ["%s %s" % (m, g) for m in MIDDLE_M for g in GIVEN_M]


def person_name(rand):
    """A made-up name; `rand` is the generator's random() (the hot path draws by index)."""
    rest = REST_OF_NAME_F if rand() < FEMALE_SHARE else REST_OF_NAME_M
    return "%s %s" % (SURNAME_POOL[int(rand() * len(SURNAME_POOL))], rest[int(rand() * len(rest))])


def make_people(rng, unit, next_code):
    """The unit's staff: [code, name, post, staff category, leader, head_of, role]; the head
    first. `next_code()` gives person codes in order."""
    n = unit.staff
    cat = unit.cat
    people = []
    rand = rng.random

    def add(post, category, role):
        people.append([next_code(), person_name(rand), post, category, role in ("head", "deputy"),
                       unit.code if role == "head" else "", role])

    if cat in SCHOOL_SIZE:
        head = "Giám đốc" if unit.kind == "Trung tâm" else "Hiệu trưởng"
        add(head, "Viên chức", "head")
        deputies = 1 + (n > 25) + (n > 60)
        for _ in range(deputies):
            add("Phó " + head, "Viên chức", "deputy")
        non_teaching = min(5, max(1, n // 12))
        teachers = n - 1 - deputies - non_teaching
        leads = max(1, teachers // 8)
        for i in range(teachers):
            add("Tổ trưởng chuyên môn" if i < leads else "Giáo viên", "Viên chức", "teacher")
        for i in range(non_teaching):
            post, category = NON_TEACHING_POSTS[i]
            add(post, category, "staff")
    else:
        if cat == "department":
            head, deputy, deputies = "Giám đốc", "Phó Giám đốc", 3
        elif cat == "office":
            head, deputy, deputies = "Trưởng phòng", "Phó Trưởng phòng", 2
        else:
            head = {"-VP": "Chánh Văn phòng", "-TTR": "Chánh Thanh tra"}.get(
                unit.code[unit.code.rfind("-"):], "Trưởng phòng")
            deputy, deputies = head.replace("Chánh", "Phó Chánh").replace("Trưởng", "Phó Trưởng"), 1
        add(head, "Công chức", "head")
        for _ in range(min(deputies, n - 2)):
            add(deputy, "Công chức", "deputy")
        while len(people) < n:
            add("Chuyên viên", "Công chức", "civil")
    return people


def rank_order(rng, members, leads, trails):
    """Ranks for one year (competition ranking): `leads` share the first rank, `trails` come
    last, the others in a random order between."""
    placed = set(leads) | set(trails)
    middle = [m for m in members if m not in placed]
    rng.shuffle(middle)
    ranks = {}
    for m in leads:
        ranks[m] = 1
    position = len(leads)
    for m in middle + list(trails):
        position += 1
        ranks[m] = position
    return ranks


def person_years(rng, unit, people, designed, rows):
    """Both years of every person of the unit as import rows; returns the unit's counts of
    professional ratings per year (good, fair, meets, below, not rated) and its teachers."""
    school = unit.cat in SCHOOL_SIZE
    designed_unit = school and unit.profile is not None
    n = len(people)
    leads = [i for i, (_, profile) in designed.items() if profile != "G2"]
    trails = [i for i, (_, profile) in designed.items() if profile == "G2"]
    if not leads and trails:  # someone not nominated leads, above those built to fail G2
        leads = [i for i in range(n) if i not in designed][:1]
    counts = []
    teachers = sum(1 for p in people if p[6] == "teacher")
    short_of_i2 = -1
    if designed_unit and unit.profile == "I2":
        short_of_i2 = max(i for i, p in enumerate(people) if p[6] == "teacher")
    ack = HCM + "@Chi bộ " + unit.short
    rand = rng.random
    for y, year in enumerate(SCHOOL_YEARS):
        ranks = rank_order(rng, range(n), leads, trails)
        tally = {"Tốt": 0, "Khá": 0, "Đạt": 0, "Chưa đạt": 0}
        for i, p in enumerate(people):
            role = p[6]
            rated = school and role != "staff"
            profile = designed[i][1] if i in designed else None
            if profile is not None:
                assessment = GOOD if profile in ("S2", "L3") and y == 0 else EXCELLENT
                acknowledged = not (profile == "S3" and y == 1)
                rating = "Tốt" if rated else ""
            else:
                assessment = ASSESSMENT_POOL[int(rand() * len(ASSESSMENT_POOL))]
                acknowledged = rand() < 0.8
                if not rated:
                    rating = ""
                elif designed_unit:
                    rating = "Tốt" if rand() < 0.6 else "Khá"
                else:
                    rating = RATING_POOL[int(rand() * len(RATING_POOL))]
            if i == short_of_i2 and y == 1:
                rating = "Đạt"  # one staff member short of khá or tốt: fails I2
            if rating:
                tally[rating] += 1
            if assessment == EXCELLENT:
                title = ("Chiến sĩ thi đua cơ sở@Giám đốc Sở" if profile is not None or rand() < 0.3
                         else "Lao động tiên tiến@Đơn vị")
            elif assessment == GOOD:
                title = "Lao động tiên tiến@Đơn vị"
            else:
                title = ""
            rows.append([p[0], year, unit.code, p[2], "có" if p[4] else "không", p[5], assessment,
                         unit.assessed_by if role == "head" else unit.short, rating,
                         ack if acknowledged else "", title, "", ranks[i], n, ""])
        rated_count = sum(tally.values())
        counts.append((tally["Tốt"], tally["Khá"], tally["Đạt"], tally["Chưa đạt"], n - rated_count))
    return counts, teachers


# --- units' years ---

def school_years(rng, unit, counts, teachers):
    """Two years of a school's or centre's figures. A nominated school (profile set) has an
    exemplar's figures, then the one criterion of its profile broken; the others are drawn."""
    cat = unit.cat
    profile = unit.profile
    designed = profile is not None
    _, _, _, students_per_class, entry_share = SCHOOL_SIZE[cat]
    classes = unit.classes
    per_class = students_per_class + rng.randint(-5, 3)
    sites = 1 if cat in ("THPT", "GDTX") else rng.randint(1, 3)
    previous = {"schools": sites, "classes": classes - rng.choice((0, 0, 1)),
                "students": classes * per_class - rng.randint(0, 40)}
    good_rate = rng.uniform(0.45, 0.72)
    staff = unit.staff
    years = []
    for y in range(2):
        r = {"schools": sites, "previous": previous}
        r["classes"] = classes + (1 if y == 1 and rng.random() < 0.3 else 0)
        r["students"] = r["classes"] * per_class + rng.randint(-15, 15)
        previous = {"schools": sites, "classes": r["classes"], "students": r["students"]}
        planned = int(r["students"] * entry_share)
        low = 0 if designed else -max(2, planned // 20)
        r["entry"] = (planned, planned + rng.randint(low, max(2, planned // 30)))
        r["staff"] = staff
        r["qualified"] = staff if designed or rng.random() < 0.7 else staff - rng.randint(1, 2)
        r["teachers"] = teachers
        r["ratings"] = counts[y]
        if cat == "MN":
            r["students_rated"] = None
            r["city"] = r["national"] = (None, None)
        else:
            rate = good_rate + (0.03 * y if designed else rng.uniform(-0.03, 0.03))
            total = int(r["students"] * rate)
            r["students_rated"] = (r["students"], int(total * 0.45), total - int(total * 0.45))
            entrants = max(3, r["students"] // 60)
            winners = int(entrants * (0.35 + (0.08 * y if designed else rng.uniform(0, 0.1))))
            r["city"] = (entrants, winners)
            r["national"] = (2, 1 if designed and y == 1 else 0) if cat == "THPT" else (None, None)
        bump = y if designed else 0
        excellent = [max(1, teachers // 8) + bump, max(1, teachers // 15) + bump,
                     (1 + bump) if cat != "GDTX" else bump]
        while sum(excellent) > teachers:  # never more excellent teachers than teachers
            excellent[excellent.index(max(excellent))] -= 1
        r["excellent_teachers"] = excellent
        if cat == "GDTX":
            r["standard"] = ""
        else:
            r["standard"] = "Mức độ 2" if designed else rng.choice(
                ("Mức độ 1", "Mức độ 1", "Mức độ 2", "Chưa đạt"))
        r["universal"] = "Duy trì" if cat in ("MN", "TH", "THCS") else "Không áp dụng"
        r["assessment"] = EXCELLENT if designed else rng.choice((EXCELLENT, GOOD, GOOD, DONE))
        r["party"] = EXCELLENT if designed else rng.choice((EXCELLENT, GOOD, GOOD))
        r["trade_union"] = "Vững mạnh xuất sắc" if designed else rng.choice(
            ("Vững mạnh xuất sắc", "Vững mạnh", "Khá"))
        r["youth_union"] = "Vững mạnh" if cat in ("THPT", "GDTX") else ""
        r["pioneers"] = "Vững mạnh" if cat in ("TH", "THCS") else ""
        years.append(r)
    if designed:
        shape_exemplar(years)
        break_one(years, profile)
    for r in years:
        r["score"] = {EXCELLENT: 3, GOOD: 2, DONE: 1}[r["assessment"]] + rng.random()
    return years


def shape_exemplar(years):
    """Makes the rates an exemplar's: the good-student rate strictly rising (I0), the
    excellent-teacher and contest prize rates never falling (I3)."""
    first, last = years
    s0, s1 = first["students"], last["students"]
    if first["students_rated"] is not None:
        _, e0, g0 = first["students_rated"]
        total = min(s1, (e0 + g0) * s1 // s0 + 1)
        last["students_rated"] = (s1, int(total * 0.45), total - int(total * 0.45))
        (entrants0, city0), (_, national0) = first["city"], first["national"]
        (entrants1, city1), (_, national1) = last["city"], last["national"]
        winners0 = city0 + (national0 or 0)
        needed = -(-(winners0 * s1) // s0) - (national1 or 0)  # ceiling
        city1 = max(city1, needed)
        last["city"] = (max(entrants1, city1), city1)
    for i in range(3):
        last["excellent_teachers"][i] = max(last["excellent_teachers"][i],
                                            first["excellent_teachers"][i])


def break_one(years, profile):
    first, last = years
    if profile == "I0":  # the same good-student rate both years: not strictly rising
        last["students"] = first["students"]
        last["students_rated"] = first["students_rated"]
        last["city"] = (max(last["city"][0], first["city"][1]), max(last["city"][1], first["city"][1]))
    elif profile == "I1":  # enrolment under the plan and a class fewer in 2019-2020
        planned = last["entry"][0]
        last["entry"] = (planned, planned - max(3, planned // 10))
        last["classes"] = last["previous"]["classes"] - 1
    elif profile == "I3":  # fewer excellent teachers in 2019-2020 than in 2018-2019
        last["excellent_teachers"] = list(first["excellent_teachers"])
        last["excellent_teachers"][0] = first["excellent_teachers"][0] - 1
    elif profile == "I5":  # 2018-2019 assessed "hoàn thành tốt", not "xuất sắc"
        first["assessment"] = GOOD
    # I2 is in the persons' ratings; G2 in the block's ranking; G0 and G5 in the nomination.


def office_years(rng, unit, people_count, managed):
    """Two years of the department, a division or a district office: assessment, party and
    union ratings, and for an office the schools it manages (national standard, universal
    education); the department's own are those of its nomination's profile (D4, D5)."""
    designed = unit.profile is not None
    years = []
    for y in range(2):
        excellent = designed or rng.random() < 0.7
        r = {"staff": people_count, "managed": managed,
             "standard": (managed * rng.randint(40, 70)) // 100,
             "assessment": EXCELLENT if excellent else GOOD,
             "party": EXCELLENT if designed else rng.choice((EXCELLENT, GOOD)),
             "trade_union": "Vững mạnh xuất sắc" if designed else rng.choice(("Vững mạnh xuất sắc", "Vững mạnh")),
             "youth_union": "Vững mạnh"}
        years.append(r)
    if unit.profile == "D4":
        years[0]["assessment"] = GOOD
    elif unit.profile == "D5":
        years[0]["trade_union"] = "Khá"
    for r in years:
        r["score"] = {EXCELLENT: 3, GOOD: 2, DONE: 1}[r["assessment"]] + rng.random()
    return years


def rank_block(units_years, members):
    """Each member's standing in its block per year (competition ranking): nominated units built
    to lead share the first rank, those built to fail G2 come last, the others by their year's
    score between."""
    leads = [c for c in members if units_years[c][0].profile not in (None, "G2")]
    trails = [c for c in members if units_years[c][0].profile == "G2"]
    placed = set(leads) | set(trails)
    standing = {}
    for y in range(2):
        others = sorted((c for c in members if c not in placed),
                        key=lambda c: -units_years[c][1][y]["score"])
        for position, code in enumerate(leads + others + trails, start=1):
            standing[(code, y)] = 1 if position <= len(leads) else position
    return standing


def unit_record_rows(unit, years, block_size, standing):
    rows = []
    province = unit.province
    for y, r in enumerate(years):
        row = [""] * len(UNIT_RECORD_HEADER)
        row[0], row[1] = unit.code, SCHOOL_YEARS[y]

        def put(header, value):
            row[RECORD_COL[header]] = "" if value is None else value

        rank = standing.get((unit.code, y), "")
        if unit.cat in SCHOOL_SIZE:
            put("Số điểm trường", r["schools"])
            put("Số lớp", r["classes"])
            put("Số học sinh", r["students"])
            put("Số điểm trường năm trước", r["previous"]["schools"])
            put("Số lớp năm trước", r["previous"]["classes"])
            put("Số học sinh năm trước", r["previous"]["students"])
            put("Chỉ tiêu tuyển sinh đầu cấp", r["entry"][0])
            put("Tuyển sinh đầu cấp", r["entry"][1])
            put("Số giáo viên", r["teachers"])
            good, fair, meets, below, not_rated = r["ratings"]
            put("Số xếp loại tốt", good)
            put("Số xếp loại khá", fair)
            put("Số xếp loại đạt", meets)
            put("Số xếp loại chưa đạt", below)
            put("Số chưa xếp loại", not_rated)
            if r["students_rated"] is not None:
                put("Học sinh được đánh giá", r["students_rated"][0])
                put("Học sinh giỏi", r["students_rated"][1])
                put("Học sinh khá", r["students_rated"][2])
            put("Dự thi cấp thành phố", r["city"][0])
            put("Đạt giải cấp thành phố", r["city"][1])
            put("Dự thi cấp quốc gia", r["national"][0])
            put("Đạt giải cấp quốc gia", r["national"][1])
            put("Giáo viên dạy giỏi cấp trường", r["excellent_teachers"][0])
            put("Giáo viên dạy giỏi cấp huyện", r["excellent_teachers"][1])
            put("Giáo viên dạy giỏi cấp thành phố", r["excellent_teachers"][2])
            put("Chuẩn quốc gia", r["standard"])
            put("Phổ cập giáo dục", r["universal"])
            put("Đội thiếu niên", r["pioneers"])
            put("CBGVNV đạt chuẩn trình độ", r["qualified"])
        else:
            put("CBGVNV đạt chuẩn trình độ", r["staff"])
            if unit.cat == "office":
                put("Số điểm trường", r["managed"])
                put("Số trường đạt chuẩn quốc gia", r["standard"])
                put("Kế hoạch trường đạt chuẩn quốc gia", r["managed"] // 2 + y)
                put("Phổ cập giáo dục", "Duy trì")
                put("Mức phổ cập", 3 if unit.province.kind == CITY else 2)
        put("Tổng số CBGVNV", r["staff"])
        put("Đánh giá năm học", r["assessment"])
        put("Cấp đánh giá", unit.assessed_by)
        put("Số quyết định đánh giá", "%d/QĐ-%s" % (1000 + (hash_code(unit.code) + y * 37) % 900,
                                                   "UBND" if unit.cat == "department" else "SGDĐT"))
        put("Xếp loại tổ chức đảng", r["party"])
        put("Công đoàn", r["trade_union"])
        put("Đoàn thanh niên", r["youth_union"])
        if unit.block:
            put("Khối thi đua", unit.block)
            put("Xếp hạng trong khối", rank)
            put("Số đơn vị trong khối", block_size[unit.block])
        titles, awards = [], []
        if r["assessment"] == EXCELLENT:
            if rank == 1:
                titles.append("Tập thể lao động xuất sắc@" + province.authority)
                awards.append("Bằng khen: Bằng khen của Chủ tịch %s@%s"
                              % (province.committee, province.authority))
            else:
                titles.append("Tập thể lao động tiên tiến@Giám đốc Sở")
        elif r["assessment"] == GOOD:
            titles.append("Tập thể lao động tiên tiến@Giám đốc Sở")
        put("Danh hiệu thi đua", " | ".join(titles))
        put("Hình thức khen thưởng", " | ".join(awards))
        rows.append(row)
    return rows


def hash_code(code):
    """A small stable number from a code (Python's hash() changes from run to run)."""
    value = 0
    for c in code:
        value = (value * 31 + ord(c)) % 1000003
    return value


# --- nominations ---

REQUEST_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_DNS, "national-sample.dienhinh.invalid")
# Which evidence item each attestation cites: e1 the assessment decision, e2 the vote's
# minutes, e3 a certificate of merit, e4 the achievement report (the others).
EVIDENCE_OF = {"G1": "e3", "I6": "e3", "S1": "e3", "L1": "e1"}
STATEMENTS = {
    "G1": "Có thành tích tiêu biểu trong %s hai năm học 2018-2019 và 2019-2020.",
    "G3": "Gương mẫu chấp hành chủ trương của Đảng, chính sách, pháp luật của Nhà nước.",
    "G4": "Tích cực giúp đỡ đồng nghiệp và đơn vị bạn trong cụm thi đua cùng tiến bộ.",
    "G5": "Tham gia đầy đủ các quỹ, hoạt động nhân đạo, từ thiện do ngành phát động.",
    "I4": "Phòng học bộ môn, thiết bị dạy học đầy đủ, bảo quản tốt, sử dụng hiệu quả.",
    "I6": "Dẫn đầu các hoạt động chuyên môn của ngành trên địa bàn.",
    "D1": "Hoàn thành tốt nhiệm vụ cải cách hành chính; cơ quan văn hóa tiêu biểu.",
    "D2": "Giải quyết hồ sơ, thủ tục hành chính đúng hạn; lề lối làm việc khoa học.",
    "D3": "Tổ chức hiệu quả các phong trào thi đua; thực hành tiết kiệm, chống lãng phí.",
    "S1": "Năng động, sáng tạo, đổi mới phương pháp trong công tác được giao.",
    "S4": "Đoàn kết, xây dựng tập thể; có trách nhiệm với cộng đồng.",
    "L1": "Lãnh đạo đơn vị hoàn thành xuất sắc nhiệm vụ chính trị hai năm học liền.",
    "L2": "Chủ trì sáng kiến được áp dụng trong toàn đơn vị và các đơn vị bạn.",
}
PRACTICES = [
    ("Sinh hoạt chuyên môn theo nghiên cứu bài học", "Tổ chuyên môn dự giờ, phân tích bài học hằng tháng."),
    ("Ứng dụng công nghệ thông tin trong dạy học", "Bài giảng điện tử và học liệu số dùng chung."),
    ("Dạy học theo dự án", "Học sinh làm dự án gắn với thực tiễn địa phương."),
    ("Bồi dưỡng học sinh giỏi theo nhóm", "Giáo viên các trường trong cụm cùng bồi dưỡng."),
    ("Phụ đạo học sinh yếu sau giờ học", "Mỗi giáo viên kèm một nhóm nhỏ học sinh."),
    ("Giáo dục kỹ năng sống qua trải nghiệm", "Hoạt động trải nghiệm hằng tháng theo chủ đề."),
    ("Chuyển đổi số trong quản lý nhà trường", "Hồ sơ, sổ sách và thủ tục thực hiện trực tuyến."),
    ("Xây dựng trường học hạnh phúc", "Quy tắc ứng xử và góc thân thiện ở mỗi lớp học."),
]
OFFICIAL_FIELDS = weighted([("FIELD_TEACHING", 60), ("FIELD_RESEARCH", 15),
                            ("FIELD_EMULATION_MOVEMENT", 10), ("FIELD_SOCIAL_WORK", 5),
                            ("FIELD_COMPREHENSIVE", 5), ("FIELD_OTHER", 5)])
FIELD_WORDS = {"FIELD_TEACHING": "giảng dạy", "FIELD_RESEARCH": "nghiên cứu khoa học",
               "FIELD_MANAGEMENT": "quản lý", "FIELD_COMPREHENSIVE": "mọi mặt công tác",
               "FIELD_ADMINISTRATIVE_REFORM": "cải cách hành chính",
               "FIELD_EMULATION_MOVEMENT": "phong trào thi đua",
               "FIELD_SOCIAL_WORK": "công tác xã hội", "FIELD_OTHER": "chuyển đổi số"}


def attestation_criteria(plan_text):
    """The attestation criteria of each category, read from the plan file."""
    out = {}
    for block in plan_text.split("\ncriteria {")[1:]:
        cid = re.search(r'\n  id: "(\w+)"', block).group(1)
        kind = re.search(r"\n  kind: (\w+)", block).group(1)
        categories = re.findall(r"CATEGORY_\w+", re.search(r"\n  categories: ([^\n]+)", block).group(1))
        if kind == "KIND_ATTESTATION":
            for category in categories:
                out.setdefault(category, []).append(cid)
    return out


def day(rng, year, month, first=1, last=28):
    return {"year": year, "month": month, "day": rng.randint(first, last)}


class Nominations:
    """Writes nominations.jsonl (CreateNominationRequest per line) and nomination_profiles.csv."""

    def __init__(self, seed, province, out, profiles, attestations):
        self.seed, self.province, self.out, self.profiles = seed, province, out, profiles
        self.attestations = attestations
        self.count = 0
        self.by_category = {}
        self.cache = {}

    def add(self, rng, category, nominee, unit, profile, members, field, achievements,
            certificate, individual):
        province = unit.province
        self.count += 1
        request_id = str(uuid.uuid5(REQUEST_NAMESPACE, "%d/%s/%d" % (self.seed, self.province,
                                                                      self.count)))
        vote_day = day(rng, 2020, 6)
        minutes = "%02d/BB-HN" % rng.randint(1, 40)
        evidence = [
            {"id": "e1", "kind": "KIND_DECISION",
             "title": "Quyết định công nhận hoàn thành xuất sắc nhiệm vụ năm học 2019-2020",
             "issuingBody": unit.assessed_by if not individual else province.department_short,
             "documentNumber": "%d/QĐ-SGDĐT" % rng.randint(1000, 1999),
             "documentDate": day(rng, 2020, 7, 1, 14)},
            {"id": "e2", "kind": "KIND_MINUTES", "title": "Biên bản hội nghị suy tôn",
             "issuingBody": unit.short, "documentNumber": minutes, "documentDate": vote_day},
            {"id": "e3", "kind": "KIND_CERTIFICATE", "title": certificate,
             "issuingBody": province.committee if not individual else province.department_short,
             "documentDate": day(rng, 2019, 8)},
            {"id": "e4", "kind": "KIND_REPORT",
             "title": "Báo cáo thành tích năm học 2018-2019 và 2019-2020",
             "issuingBody": unit.short, "documentDate": day(rng, 2020, 7, 1, 14)},
        ]
        attestations = self.attestation_list(category, field, profile)
        present = members - rng.randint(0, members // 12)
        needed = -(-present * 7 // 10)  # 70 % of those present, rounded up
        votes = (max(0, needed - 1 - rng.randint(0, present // 10)) if profile == "G0"
                 else rng.randint(needed, present))
        practice = rng.choice(PRACTICES)
        nomination = {"plan": province.plan, "schoolYears": [{"startYear": y} for y in START_YEARS],
                      "category": category, "field": field}
        if field == "FIELD_OTHER":
            nomination["fieldDetail"] = "Chuyển đổi số trong dạy học"
        nomination.update({
            "nominee": nominee, "nominatingUnit": "units/" + unit.code,
            "achievements": achievements,
            "goodPractices": [{"title": practice[0], "description": practice[1]}],
            "evidence": evidence, "attestations": attestations,
            "acknowledgementVote": {
                "body": ("Hội nghị tập thể " if individual else "Hội nghị cán bộ, viên chức ") + unit.short,
                "date": vote_day, "members": members, "present": present, "votesFor": votes,
                "minutesReference": minutes, "minutesEvidenceId": "e2"}})
        self.out.write(json.dumps({"nomination": nomination, "requestId": request_id},
                                  ensure_ascii=False, separators=(",", ":")))
        self.out.write("\n")
        self.profiles.writerow([request_id, province.plan, category, nominee,
                                "" if profile == "exemplar" else profile])
        self.by_category[category] = self.by_category.get(category, 0) + 1

    def attestation_list(self, category, field, profile):
        """The attestations of the category's criteria (the same for every nomination of a
        category, field and profile, so made once)."""
        key = (category, field, profile)
        if key not in self.cache:
            attestations = []
            for cid in self.attestations.get(category, []):
                statement = STATEMENTS.get(cid, "Đáp ứng tiêu chí %s." % cid)
                if "%s" in statement:
                    statement = statement % FIELD_WORDS[field]
                attestation = {"criterionId": cid, "statement": statement}
                if cid != profile:  # a profile naming an attestation: it cites no evidence
                    attestation["evidenceIds"] = [EVIDENCE_OF.get(cid, "e4")]
                attestations.append(attestation)
            self.cache[key] = attestations
        return self.cache[key]

    def collective(self, rng, unit, members):
        province = unit.province
        if unit.cat == "department":
            category, field = "CATEGORY_DEPARTMENT", rng.choice(("FIELD_COMPREHENSIVE",
                                                                 "FIELD_ADMINISTRATIVE_REFORM"))
            achievements = ("Hai năm học liền hoàn thành xuất sắc nhiệm vụ; dẫn đầu cụm thi đua các "
                            "Sở GD&ĐT vùng %s." % REGIONS[province.region])
        else:
            category, field = "CATEGORY_INSTITUTION", "FIELD_COMPREHENSIVE"
            achievements = ("Hai năm học liền hoàn thành xuất sắc nhiệm vụ; tỷ lệ học sinh khá, giỏi "
                            "tăng; %d học sinh đạt giải học sinh giỏi cấp tỉnh." % rng.randint(5, 40))
        self.add(rng, category, "units/" + unit.code, unit, unit.profile, members, field,
                 achievements, "Bằng khen của Chủ tịch %s năm học 2018-2019" % province.committee,
                 individual=False)

    def individual(self, rng, unit, person, category, profile, members):
        if category == "CATEGORY_LEADER":
            field = rng.choice(("FIELD_MANAGEMENT", "FIELD_COMPREHENSIVE"))
            achievements = ("Là người đứng đầu %s, lãnh đạo đơn vị hai năm học liền hoàn thành xuất "
                            "sắc nhiệm vụ." % unit.short)
        elif person[6] in ("teacher", "head", "deputy") and unit.cat in SCHOOL_SIZE:
            field = rng.choice(OFFICIAL_FIELDS)
            achievements = ("Giáo viên dạy giỏi cấp tỉnh; sáng kiến kinh nghiệm được công nhận; %d học "
                            "sinh đạt giải các cấp." % rng.randint(2, 25))
        else:
            field = rng.choice(("FIELD_ADMINISTRATIVE_REFORM", "FIELD_COMPREHENSIVE"))
            achievements = "Hai năm liền hoàn thành xuất sắc nhiệm vụ; tham mưu hiệu quả cho lãnh đạo đơn vị."
        self.add(rng, category, "persons/" + person[0], unit, profile, members, field, achievements,
                 "Giấy chứng nhận Chiến sĩ thi đua cơ sở năm học 2018-2019", individual=True)


# --- the run ---

# The files written province by province: each province's part is made apart (in a worker
# process when --jobs > 1) and the parts are joined in province order, so the bytes do not
# depend on the number of jobs.
PART_FILES = [("persons.csv", PERSON_HEADER),
              ("person_yearly_records.csv", PERSON_RECORD_HEADER),
              ("unit_yearly_records.csv", UNIT_RECORD_HEADER),
              ("nomination_profiles.csv", ["request_id", "plan", "category", "nominee",
                                           "designed_to_fail"]),
              ("nominations.jsonl", None)]


class Output:
    """One province's part of each file, without headers."""

    def __init__(self, folder, province_code):
        self.files = {}
        for name, _ in PART_FILES:
            self.files[name] = open(os.path.join(folder, "%s.%s" % (province_code, name)), "w",
                                    encoding="utf-8", newline="", buffering=1 << 20)
        writer = lambda name: csv.writer(self.files[name], lineterminator="\n")
        self.persons = writer("persons.csv")
        self.person_records = writer("person_yearly_records.csv")
        self.unit_records = writer("unit_yearly_records.csv")
        self.profiles = writer("nomination_profiles.csv")
        self.nominations = self.files["nominations.jsonl"]
        self.rows = {"persons": 0, "person_records": 0, "unit_records": 0}

    def close(self):
        for f in self.files.values():
            f.close()


def join_parts(out, parts, codes, department_rows):
    """Each file: its header, the provinces' parts in order (and the departments' records)."""
    for name, header in PART_FILES:
        with open(os.path.join(out, name), "wb") as target:
            if header is not None:
                target.write((",".join(header) + "\n").encode("utf-8"))
            for code in codes:
                path = os.path.join(parts, "%s.%s" % (code, name))
                with open(path, "rb") as part:
                    shutil.copyfileobj(part, target, 1 << 22)
                os.remove(path)
            if name == "unit_yearly_records.csv":
                target.write(department_rows.encode("utf-8"))
    os.rmdir(parts)


# Set before the worker processes start (they are forked and inherit it).
_JOB = {}


def province_job(code):
    """Generates one province's part; returns what the joining needs."""
    directory, seed, parts = _JOB["directory"], _JOB["seed"], _JOB["parts"]
    province = next(p for p in directory.provinces if p.code == code)
    output = Output(parts, code)
    nominations = Nominations(seed, code, output.nominations, output.profiles, _JOB["attestations"])
    departments = {}
    generate_province(seed, directory, province, output, nominations, departments)
    output.close()
    return (code, {c: years for c, (_, years) in departments.items()}, output.rows,
            nominations.by_category)


def generate_province(seed, directory, province, output, nominations, departments):
    """The persons, their records and nominations, and the units' records of one province,
    from the province's own random stream."""
    rng = random.Random("%d/people/%s" % (seed, province.code))
    units = directory.by_province[province.code]
    managed, members = {}, {}
    for unit in units:
        managed[unit.parent] = managed.get(unit.parent, 0) + (unit.cat in SCHOOL_SIZE)
        members[unit.code] = unit.staff
        if unit.cat == "division":  # the department's conference counts its divisions' staff
            members[unit.parent] += unit.staff
    sequence = iter(range(1, 1_000_000))

    def next_code():
        return "CB%s%06d" % (province.code, next(sequence))

    units_years = {}
    for unit in units:
        people = make_people(rng, unit, next_code)
        designed = {}
        if unit.leader_profile is not None:
            designed[0] = ("CATEGORY_LEADER", unit.leader_profile)
        for i in rng.sample(range(1, len(people)), min(unit.officials, len(people) - 1)):
            designed[i] = ("CATEGORY_OFFICIAL", rng.choice(OFFICIAL_POOL))
        records = []
        counts, teachers = person_years(rng, unit, people, designed, records)
        output.persons.writerows([p[0], p[1], unit.code, p[2], p[3], "có" if p[4] else "không", p[5]]
                                 for p in people)
        output.person_records.writerows(records)
        output.rows["persons"] += len(people)
        output.rows["person_records"] += len(records)
        if unit.cat in SCHOOL_SIZE:
            years = school_years(rng, unit, counts, teachers)
        else:
            years = office_years(rng, unit, len(people), managed.get(unit.code, 0))
        units_years[unit.code] = (unit, years)
        if unit.profile is not None:
            nominations.collective(rng, unit, members[unit.code])
        for i, (category, profile) in designed.items():
            nominations.individual(rng, unit, people[i], category, profile, len(people))
    standing = {}
    for bid in directory.province_blocks[province.code]:
        standing.update(rank_block(units_years, directory.blocks[bid][2]))
    for unit in units:
        if unit.cat == "department":
            departments[unit.code] = units_years[unit.code]
            continue
        rows = unit_record_rows(unit, units_years[unit.code][1], directory.block_size, standing)
        output.unit_records.writerows(rows)
        output.rows["unit_records"] += len(rows)


def write_csv(out, name, header, rows):
    with open(os.path.join(out, name), "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def write_directory(out, directory):
    write_csv(out, "districts.csv", ["Mã quận huyện", "Tên quận huyện", "Tỉnh thành phố"],
              ([d.code, d.full, p.full] for p in directory.provinces for d in p.districts))
    write_csv(out, "emulation_blocks.csv", ["Mã khối", "Tên khối", "Mô tả"],
              ([bid, name, description] for bid, (name, description, _) in directory.blocks.items()))
    write_csv(out, "block_members.csv", ["Mã khối", "Năm học", "Mã đơn vị"],
              ([bid, year, code] for year in SCHOOL_YEARS
               for bid, (_, _, codes) in directory.blocks.items() for code in codes))
    write_csv(out, "units.csv", UNIT_HEADER,
              ([u.code, u.name, u.short, u.kind, u.level, u.extra, u.parent, u.district, u.address]
               for u in directory.units))


def write_plans(out, provinces, base_text):
    """The plan of each province's department: the repository's Cần Thơ plan under the
    province's plan name, with the province's department as issuing unit and issuer."""
    folder = os.path.join(out, "plans")
    os.makedirs(folder, exist_ok=True)
    for province in provinces:
        text = base_text
        for pattern, line in [(r'^name: ".*"$', 'name: "%s"' % province.plan),
                              (r'^issuing_unit: ".*"$', 'issuing_unit: "units/%s"' % province.department)]:
            text, replaced = re.subn(pattern, line, text, count=1, flags=re.MULTILINE)
            if replaced != 1:
                raise SystemExit("%s: no line matches %s" % (BASE_PLAN_FILE, pattern))
        # The document's issuer, when the plan names the department as such.
        text = re.sub(r'^(  issuer: )"Sở Giáo dục và Đào tạo [^"]*"$',
                      r'\1"Sở Giáo dục và Đào tạo %s"' % province.lower, text, count=1,
                      flags=re.MULTILINE)
        text = ("# Generated by tools/generate_national.py from plans/can-tho-2019-2020.textproto:\n"
                "# the same plan run by the department of %s (a benchmark fixture).\n"
                % province.full) + text
        name = province.plan[len("plans/"):] + ".textproto"
        with open(os.path.join(folder, name), "w", encoding="utf-8", newline="") as f:
            f.write(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", required=True, help="folder to write (created if missing)")
    parser.add_argument("--seed", type=int, default=20192020)
    parser.add_argument("--scale", type=float, default=1.0,
                        help="1.0: 1,000,000 persons and 150,000 nominations; 0.01 for a quick run")
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1),
                        help="worker processes (the output is the same for any number)")
    args = parser.parse_args()
    if not 0 < args.scale <= 1.0:
        parser.error("--scale must be more than 0 and at most 1")
    started = time.monotonic()
    with open(BASE_PLAN_FILE, encoding="utf-8") as f:
        base_plan = f.read()
    provinces = select_districts(build_geography(args.seed), args.scale)
    directory = Directory(args.seed, provinces)
    directory.build()
    fit_staff(directory.units, round(PERSONS_AT_FULL_SCALE * args.scale))
    plan_nominations(directory, round(NOMINATIONS_AT_FULL_SCALE * args.scale), args.seed)
    os.makedirs(args.out, exist_ok=True)
    write_directory(args.out, directory)
    write_plans(args.out, provinces, base_plan)
    parts = os.path.join(args.out, ".parts")
    os.makedirs(parts, exist_ok=True)
    _JOB.update(directory=directory, seed=args.seed, parts=parts,
                attestations=attestation_criteria(base_plan))
    codes = [p.code for p in provinces]
    # The biggest provinces first, so that two workers finish together.
    by_size = sorted(codes, key=lambda c: -sum(u.staff for u in directory.by_province[c]))
    if args.jobs > 1:
        with multiprocessing.get_context("fork").Pool(args.jobs) as pool:
            results = list(pool.imap_unordered(province_job, by_size))
    else:
        results = [province_job(code) for code in by_size]
    # The departments last: their clusters span provinces.
    departments, rows, by_category = {}, Counter(), Counter()
    for code, years_of, counts, categories in sorted(results):
        for unit_code, years in years_of.items():
            departments[unit_code] = (next(u for u in directory.by_province[code]
                                           if u.code == unit_code), years)
        rows.update(counts)
        by_category.update(categories)
    standing = {}
    for bid in directory.cluster_blocks:
        standing.update(rank_block(departments, directory.blocks[bid][2]))
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    for code in codes:
        department = directory.by_province[code][0]
        writer.writerows(unit_record_rows(department, departments[department.code][1],
                                          directory.block_size, standing))
    rows["unit_records"] += 2 * len(codes)
    join_parts(args.out, parts, codes, text.getvalue())
    schools = sum(1 for u in directory.units if u.cat in SCHOOL_SIZE)
    print("%d provinces, %d districts, %d units (%d schools and centres), %d blocks, %d persons, "
          "%d unit records, %d person records, %d nominations (%s) in %.1f s"
          % (len(provinces), sum(len(p.districts) for p in provinces), len(directory.units),
             schools, len(directory.blocks), rows["persons"], rows["unit_records"],
             rows["person_records"], sum(by_category.values()),
             ", ".join("%s %d" % (c[len("CATEGORY_"):].lower(), n)
                       for c, n in sorted(by_category.items())),
             time.monotonic() - started))


if __name__ == "__main__":
    main()
