"""gunicorn settings for production: ``gunicorn -c config/gunicorn.conf.py``.

The access log goes through the same redaction as the application's own log lines
(``kaa.core.logging``): a personnummer-shaped string in the request line, path, query string or a
header never reaches the log. Each process serves ``KAA_GUNICORN_THREADS`` (default 4) requests at a
time in threads. Other gunicorn settings (``--bind``, ``--workers`` …) can be given on
the command line or in ``GUNICORN_CMD_ARGS``; they override this file.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from gunicorn.glogging import Logger

_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:  # gunicorn reads this file before it changes into the project folder
    sys.path.insert(0, _ROOT)

from kaa.core.logging import RedactPersonalDataFilter, redact  # noqa: E402


class RedactingLogger(Logger):
    """gunicorn's logger with every string of an access-log line redacted, and the error log filtered."""

    def atoms(self, resp: Any, req: Any, environ: dict, request_time: Any) -> dict:
        return {key: redact(value) if isinstance(value, str) else value
                for key, value in super().atoms(resp, req, environ, request_time).items()}

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            if not any(isinstance(f, RedactPersonalDataFilter) for f in log.filters):
                log.addFilter(RedactPersonalDataFilter())


wsgi_app = "config.wsgi"
# Threads in each process: a request that waits on PostgreSQL (an export, a long report) then holds one
# thread, not a whole process, so the other users' pages are served meanwhile (measured in bench/load.py:
# with two sync processes two slow pages stalled every other request). Django, the audit buffer and the
# request context are per thread (context variables); each thread keeps its own database connection.
worker_class = "gthread"
threads = int(os.environ.get("KAA_GUNICORN_THREADS", "4"))
logger_class = RedactingLogger
accesslog = "-"
errorlog = "-"
