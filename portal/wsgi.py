import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")

application = get_wsgi_application()

# Only servers import this module: load the segmenter's dictionary, the URL conf and the
# templates now, so that no resident's first request waits for them (portal/warmup.py).
from portal.warmup import warm_up  # noqa: E402 (needs the apps loaded above)

warm_up()
