"""schema.org data for a station (Place), on its page and as the place of its activities; the
shared helpers are in home/base/seo.py."""

from home.base.seo import geo, plain, postal_address


def station_data(station, request) -> dict:
    data = {
        "@type": "Place",
        "name": station.title,
        "url": station.get_full_url(request),
        "address": postal_address(street=station.address, locality=station.district.name),
        "geo": geo(station.latitude, station.longitude),
        "additionalProperty": {
            "@type": "PropertyValue",
            "name": "“七个有”建设标准",
            "value": "达标" if station.meets_standard else "未达标",
        },
    }
    if station.summary:
        data["description"] = plain(station.summary)
    if station.phone:
        data["telephone"] = station.phone
    return data
