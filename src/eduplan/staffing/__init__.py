"""教师编制与县管校聘: 编制 and subject posts by the norms, shortages now and years ahead, rotation plans.

- norms.py: the norms of data/norms.yaml (a province may override), 编制 due and subject demand;
- posts.py: posts due against teachers in post per school and subject, county totals, the years ahead;
- rules.py (the rotation rules as settings), candidates.py (who may move where), model.py (the MIP),
  search.py (HiGHS: column generation, RENS, branch and bound, the proof), rotate.py (solve, check, baseline);
- plan.py: the plan explained in Chinese; after.py: the county after it (优质均衡 teacher indicators);
  export.py: the 缺编 and 交流名单 workbooks. The method is written up in method.md (docs/staffing.md).
"""
