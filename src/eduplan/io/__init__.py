"""Excel and CSV in and out: templates with Chinese headers, validated import, export in the same shape.

Pure modules (no Django): `kinds` (which tables a file kind holds), `cells` (one cell to one value),
`sheets` (reading .xlsx/.csv into raw sheets), `validate` (every problem of a set of sheets, in Chinese),
`workbook` (writing templates and exports). The shell side, `database`, reads known codes from the
database and writes validated frames through the store in one transaction.
"""
