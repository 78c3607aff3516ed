"""kpireport: KPI workbooks and HTML summaries from business users' Excel exports.

Stages, one module or package each, data flowing one way:
read -> mapping -> validate -> compute -> render -> deliver. `pipeline` wires the first
four; `cli` is the only place that talks to a terminal.
"""

__version__ = "0.1.0"
