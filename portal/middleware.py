"""Response headers Django's SecurityMiddleware does not send."""

from django.conf import settings

# Geolocation is the one browser feature the site uses ("使用我的位置" on the station map), and
# only for itself; nothing else may ask for the camera, microphone, payment and the like.
DEFAULT_PERMISSIONS_POLICY = (
    "geolocation=(self), camera=(), microphone=(), payment=(), usb=(), "
    "interest-cohort=(), browsing-topics=()"
)


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = getattr(settings, "PERMISSIONS_POLICY", DEFAULT_PERMISSIONS_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy:
            response.headers.setdefault("Permissions-Policy", self.policy)
        return response
