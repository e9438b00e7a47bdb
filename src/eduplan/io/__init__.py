"""Files in and out: templates with Chinese headers, the official 基层统计报表, validated import, safe export.

Pure modules (no Django): `sheets` (folders, archives, .csv and .xlsx to grids of text) with `xlsx` (the safe
streaming scan and the values), `template` (our sheets to table records), `forms` (the official forms through
their mapping files), `cells` and `validate` (every problem, column-wise), `batch` (one import, start to
checked facts), `recognise` (which importer reads a file), `text` (shown values; formula neutralisation),
`workbook` (templates and exports), `limits` (the bounds, as settings). The shell side, `database`, reads known
codes, saves through the store under the import lock and records the import in the history.
"""
