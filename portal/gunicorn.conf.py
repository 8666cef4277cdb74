"""gunicorn's settings for the portal: `gunicorn portal.wsgi --config portal/gunicorn.conf.py`.

Command-line options still win over this file (`--workers 4 --bind 127.0.0.1:8000`). What it
adds: an access log on standard output, the secret-link redaction (portal/log_redaction.py)
on gunicorn's access and error logs, so a sign-up's token never reaches a log file, and the app
loaded once before the workers fork.
"""

import gc

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

# The app is loaded in the arbiter, warm-up included (portal/wsgi.py: the segmenter's dictionary,
# the URL conf, the templates), and the workers fork from it: what it loaded is shared
# copy-on-write rather than loaded by each worker (two sync workers on the demo: about 270 MB in
# all instead of 420), and a worker started again after a timeout serves at once. Code changes
# then take a restart of gunicorn; a HUP reloads only this configuration.
preload_app = True


def pre_fork(server, worker):
    # What the arbiter loaded stays out of the collector's sight, so a worker's garbage
    # collections do not write to those objects and their memory pages stay shared.
    gc.freeze()
