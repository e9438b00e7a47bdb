"""教师编制与县管校聘: 编制 and subject posts by the norms, shortages now and years ahead, rotation plans.

- norms.py: the norms of data/norms.yaml (a province may override), 编制 due and subject demand;
- posts.py: posts due against teachers in post per school and subject, county totals, the years ahead;
- rules.py, candidates.py, rotate.py: the 县管校聘 rotation plan as a MIP solved by HiGHS, and its baseline;
- after.py: the county after a plan (posts, 优质均衡 teacher indicators); export.py: the Excel reports.
The method is written up in method.md (docs/staffing.md).
"""
