"""The mark kpireport puts on every workbook it writes, so it never reads one back as input.

With --out inside an input folder (or a drop folder's reports next to its inbox), the next run
would otherwise read last run's report as data: its KPIs sheet as a "monthly KPI sheet", its
data workbook as a second copy of every order, and the figures would change. Each output
workbook carries the custom document property PROPERTY (File > Properties > Custom in Excel);
read/inputs.py skips inputs that carry it, with a note. Shared by render (which writes it) and
read (which looks for it), so it lives outside both stages.
"""

PROPERTY = "kpireport report"
KPI_WORKBOOK = "KPI workbook"
DATA_WORKBOOK = "data workbook"
