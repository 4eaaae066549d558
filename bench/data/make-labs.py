#!/usr/bin/env python3
"""Writes the lab-import benchmark inputs from a demo registry made with `stroma demo --no-labs`.

labs.csv  the `stroma import labs` format (site, patient, visit_date, analyte, value, unit, range, lab, specimen_time)
raw.csv   the SAME rows already shaped as lab_results columns (ids resolved, values as EF stores them), for the raw
          baselines `COPY lab_results FROM` (PostgreSQL) and `sqlite3 .import` (SQLite).
Usage: make-labs.py REGISTRY.db ROWS OUTDIR
"""
import random, sqlite3, sys, uuid


def uuid7(ms, rand):
    """A UUIDv7 (RFC 9562 section 5.7): 48-bit Unix milliseconds, version 7, variant 10, random bits, the kind of id
    `stroma` gives its rows, so the raw loaders insert into the primary key in the same (time) order."""
    value = (ms << 80) | (0x7 << 76) | ((rand >> 62) & 0xFFF) << 64 | (0b10 << 62) | (rand & ((1 << 62) - 1))
    return uuid.UUID(int=value)

db, rows, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rng = random.Random(7)
con = sqlite3.connect(db)
visits = con.execute("""
    select s.code, p.study_id, p.id, v.id, v.visit_date, l.id
    from visits v join patients p on p.id = v.patient_id join sites s on s.id = p.site_id
    join laboratories l on l.site_id = s.id
    where v.type not in ('infusion_2') order by p.id, v.visit_date""").fetchall()
analytes = [("creatinine", "umol/L", 45, 84), ("urea", "mmol/L", 2.6, 7.5), ("albumin", "g/L", 35, 50), ("c3", "g/L", 0.9, 1.8),
            ("c4", "g/L", 0.1, 0.4), ("anti_dsdna", "[IU]/mL", 0, 30), ("urine_protein_24h", "g/(24.h)", 0, 0.15),
            ("hemoglobin", "g/L", 115, 150), ("wbc", "10*9/L", 3.5, 9.5), ("platelets", "10*9/L", 125, 350),
            ("lymphocytes", "10*9/L", 1.1, 3.2), ("ast", "U/L", 13, 35), ("urine_rbc_hpf", "/[HPF]", 0, 5),
            ("urine_wbc_hpf", "/[HPF]", 0, 5), ("alt", "U/L", 7, 40), ("neutrophils", "10*9/L", 1.8, 6.3), ("monocytes", "10*9/L", 0.1, 0.6)]
cols = ("id,patient_id,visit_id,laboratory_id,analyte,specimen_time,reported_value,reported_unit,reported_range,"
        "normalised_value,normalised_unit,flag,version,created_at,created_by,updated_at,updated_by,deleted_at,deleted_by,deletion_reason,note")
with open(f"{out}/labs.csv", "w", newline="") as labs, open(f"{out}/raw.csv", "w", newline="") as raw:
    labs.write("site,patient,visit_date,analyte,value,unit,range,lab,specimen_time\n")
    raw.write(cols + "\n")
    n = 0
    while n < rows:
        for site, study, pid, vid, date, lab in visits:
            minute = rng.randrange(0, 180)
            hh, mm = divmod(minute, 60)
            for key, unit, low, high in analytes:
                value = max(0, round(low + (high - low) * rng.uniform(-0.2, 1.3), 2))
                flag = "Low" if value < low else "High" if value > high else "Normal"
                labs.write(f"{site},{study},{date},{key},{value},{unit},{low}-{high},LAB,{date}T{hh:02d}:{mm:02d}:00Z\n")
                raw.write(f"{str(uuid7(1767225600000 + n // 64, rng.getrandbits(74))).upper()},{pid},{vid},{lab},{key},{date} {hh:02d}:{mm:02d}:00+00:00,"
                          f"{value},{unit},{low}-{high},{value},{unit},{flag},1,2026-01-01 00:00:00+00:00,bench,,,,,,\n")
                n += 1
                if n >= rows:
                    break
            if n >= rows:
                break
        else:
            continue
        break
print(f"wrote {n} rows from {len(visits)} visits")
