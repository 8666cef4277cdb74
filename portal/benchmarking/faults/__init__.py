"""A fault drill's parts: a Redis of its own, a closed port for Elasticsearch, the database's
connections cut from outside, gunicorn with its logs kept (processes.py), residents' load phase
by phase (drill.py), the checks of what they were told against what was answered and stored
(checks.py), the reading of the server's log (logs.py) and the figures (report.py).

    drill = Drill(port=server.port, phases=[...], probes=[...], form=SignupForm(...))
    drill.prepare()
    result = drill.run()
    answer_failures(result.records, phases, result.windows)
    signup_check(result.attempts, stored_rows), capacity_failures(places, stored_rows)

Nothing here imports an app: the command (stations/management/commands/fault_drill.py) passes
the paths, the form's texts and the stored rows in as plain values, so the checks can be tested
on crafted data (tests/portal/test_fault_drill.py).
"""

from .checks import (
    ActivityPlaces,
    SignupCheck,
    StoredSignup,
    answer_failures,
    capacity_failures,
    during_outage,
    signup_check,
)
from .drill import (
    Drill,
    DrillResult,
    Outcome,
    Phase,
    Probe,
    Record,
    SignupAttempt,
    SignupForm,
    SignupTarget,
)
from .logs import Expected, LogScan, scan_log, tracebacks
from .processes import (
    REDIS_PORTS,
    BackendTerminator,
    FaultError,
    LoggedServer,
    RedisServer,
    closed_port,
    refuses_connections,
    unused_port,
)
from .report import COLUMNS, label_rows, phase_rows, table

__all__ = [
    "COLUMNS",
    "REDIS_PORTS",
    "ActivityPlaces",
    "BackendTerminator",
    "Drill",
    "DrillResult",
    "Expected",
    "FaultError",
    "LogScan",
    "LoggedServer",
    "Outcome",
    "Phase",
    "Probe",
    "Record",
    "RedisServer",
    "SignupAttempt",
    "SignupCheck",
    "SignupForm",
    "SignupTarget",
    "StoredSignup",
    "answer_failures",
    "capacity_failures",
    "closed_port",
    "during_outage",
    "label_rows",
    "phase_rows",
    "refuses_connections",
    "scan_log",
    "signup_check",
    "table",
    "tracebacks",
    "unused_port",
]
