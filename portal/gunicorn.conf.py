"""gunicorn's settings for the portal: `gunicorn portal.wsgi --config portal/gunicorn.conf.py`.

Command-line options still win over this file (`--workers 4 --bind 127.0.0.1:8000`). What it
adds: an access log on standard output, and the secret-link redaction (portal/log_redaction.py)
on gunicorn's access and error logs, so a sign-up's token never reaches a log file.
"""

from gunicorn.glogging import Logger

from portal.log_redaction import RedactSecrets

# The access log on standard output, where log collectors expect it; the redaction below is what
# makes keeping it safe.
accesslog = "-"


class RedactingLogger(Logger):
    """gunicorn's own logger with RedactSecrets on its access and error loggers.

    On the loggers rather than the handlers, so it holds for whichever handlers gunicorn sets up
    (a file, syslog, a logconfig_dict); setup() runs again on every configuration reload.
    """

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.access_log, self.error_log):
            if not any(isinstance(existing, RedactSecrets) for existing in log.filters):
                log.addFilter(RedactSecrets())


logger_class = RedactingLogger
