"""Documents that leave the building: the 中期评估 report (Word and PDF), the public progress page, the 工作要点 draft.

Framework-free: the shell hands in the computed results (targets and their judgements, projects, the national
evaluations, the to-do list, the places forecast) as the dataclasses of `content`; every sentence here is assembled
from templates and those numbers, never generated.
"""
