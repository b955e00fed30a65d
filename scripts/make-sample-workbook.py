#!/usr/bin/env python3
"""make-sample-workbook.py: writes samples/accounts-2026-11.xlsx, the
monthly update as the workbook the finance team keeps, before anyone saves
it as CSV (samples/accounts-2026-11.csv is that CSV).

The cells are what the CSV's damage came from: the ZIP of row 35 is the
number 2134 formatted 00000 (the workbook shows 02134), the phone of row 52
the number 4255550100 (the CSV held Excel's 4.25555E+09), the ZIP of row 84
the number 98052 (the CSV held 98052.0), the State of row 158 an error value
(#N/A). The Account Manager column is hidden. Every other cell is the CSV's
text. Needs openpyxl (Debian: python3-openpyxl). Deterministic: the
workbook's dates are fixed.

usage: python3 scripts/make-sample-workbook.py [SAMPLES_DIR]
"""
import csv
import datetime
import os
import re
import sys
import zipfile

import openpyxl
from openpyxl.cell.cell import TYPE_ERROR

here = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "samples")
with open(os.path.join(here, "accounts-2026-11.csv"), encoding="utf-8-sig",
          newline="") as f:
    records = list(csv.reader(f))

wb = openpyxl.Workbook()
ws = wb.active
ws.title = "November"
header = records[0]
col = {name: i + 1 for i, name in enumerate(header)}
ws.append(header)
row = 1
for rec in records[1:]:
    row += 1
    if not any(rec):
        continue        # a blank row: the sheet simply has none there
    for i, v in enumerate(rec):
        if v != "":
            ws.cell(row=row, column=i + 1, value=v)

# The cells a CSV export damaged, as the workbook holds them.
c = ws.cell(row=35, column=col["ZIP"], value=2134)
c.number_format = "00000"
ws.cell(row=52, column=col["Phone"], value=4255550100)
ws.cell(row=84, column=col["ZIP"], value=98052)
c = ws.cell(row=158, column=col["State"])
c.value = "#N/A"
c.data_type = TYPE_ERROR
ws.column_dimensions[openpyxl.utils.get_column_letter(
    col["Account Manager"])].hidden = True
ws.freeze_panes = "A2"

when = datetime.datetime(2026, 11, 28, 9, 0, 0)
wb.properties.creator = "importer samples"
wb.properties.created = when
wb.properties.modified = when
wb.properties.lastModifiedBy = "importer samples"
out = os.path.join(here, "accounts-2026-11.xlsx")
wb.save(out)

# openpyxl stamps the save time into the zip and docProps/core.xml: put the
# fixed date back, so that the file is the same byte for byte every time.
stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
with zipfile.ZipFile(out) as z:
    members = [(i.filename, z.read(i.filename)) for i in z.infolist()]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for name, data in members:
        if name == "docProps/core.xml":
            data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*",
                          rb"\g<1>" + stamp.encode(), data)
        info = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
        info.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(info, data)
