"""schema.org data for activities (Event); the shared helpers are in home/base/seo.py."""

from home.base.seo import geo, iso, plain, postal_address, publisher
from stations.signup import State, availability_of

OFFER_AVAILABILITY = {
    State.NOT_OPEN: "https://schema.org/PreOrder",
    State.OPEN: "https://schema.org/InStock",
    State.WAITLIST: "https://schema.org/LimitedAvailability",
    State.FULL: "https://schema.org/SoldOut",
    State.CLOSED: "https://schema.org/SoldOut",
    State.STARTED: "https://schema.org/SoldOut",
}


def activity_data(activity, request) -> dict:
    station = activity.station
    latitude, longitude = activity.point
    url = activity.get_full_url(request)
    now_available = getattr(activity, "availability", None) or availability_of(activity)
    offer = {
        "@type": "Offer",
        "price": 0,
        "priceCurrency": "CNY",
        "url": url,
        "availability": OFFER_AVAILABILITY[now_available.state],
        "validThrough": iso(activity.closes_at),
    }
    if activity.signup_opens_at:
        offer["validFrom"] = iso(activity.signup_opens_at)
    data = {
        "@type": "Event",
        "name": activity.title,
        "url": url,
        "description": plain(activity.summary),
        "startDate": iso(activity.starts_at),
        "endDate": iso(activity.ends_at),
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "inLanguage": "zh-CN",
        "isAccessibleForFree": True,
        "location": {
            "@type": "Place",
            "name": activity.venue,
            "address": postal_address(
                street=activity.venue_address, locality=station.district.name
            ),
            "geo": geo(latitude, longitude),
        },
        "organizer": {
            "@type": "Organization",
            "name": station.title,
            "url": station.get_full_url(request),
        },
        "maximumAttendeeCapacity": activity.capacity,
        "remainingAttendeeCapacity": now_available.places_left,
        "offers": offer,
        "publisher": publisher(request),
    }
    return data
