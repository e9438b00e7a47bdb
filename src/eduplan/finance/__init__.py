"""Money: 生均公用经费 floors per school, 两个只增不减 and pay parity per county, and what the plan will cost.

- rules.py: the floors as data (national 基准定额, province/city/county files that may only raise them);
- floors.py: each school's floor due, allocation, gap and since when; the five-year need;
- budget.py: the county tests (两个只增不减, 教师工资 parity) and the cost of the plan;
- export.py: the Excel workbooks. The method is written up in method.md (docs/finance.md).
"""
