"""schema.org data for home's own page types: the home page (WebSite) and policy documents
(Legislation). The shared helpers are in home/base/seo.py."""

from django.urls import reverse

from home.base.seo import absolute, iso, site_name

LEGAL_FORCE = {
    "in_force": "https://schema.org/InForce",
    "amended": "https://schema.org/PartiallyInForce",
    "repealed": "https://schema.org/NotInForce",
}


def website_data(home, request) -> dict:
    """The home page: the site, and how to search it (a search box in search results)."""
    search_url = absolute(request, reverse("search"))
    return {
        "@type": "WebSite",
        "name": site_name(request) or home.title,
        "url": home.get_full_url(request),
        "inLanguage": "zh-CN",
        "potentialAction": {
            "@type": "SearchAction",
            "target": {"@type": "EntryPoint", "urlTemplate": f"{search_url}?q={{search_term}}"},
            "query-input": "required name=search_term",
        },
    }


def legislation_data(document, request) -> dict:
    """A policy document: schema.org's Legislation carries the 文号 as its identifier."""
    data = {
        "@type": "Legislation",
        "name": document.title,
        "url": document.get_full_url(request),
        "inLanguage": "zh-CN",
        "legislationPassedBy": {"@type": "GovernmentOrganization", "name": document.issuer},
        "legislationType": document.kind.name,
        "legislationLegalForce": LEGAL_FORCE.get(document.status),
    }
    if document.doc_number:
        data["legislationIdentifier"] = document.doc_number
    if document.issued_on and len(document.issued) == len("2021-03-07"):
        data["legislationDate"] = iso(document.issued_on)
    if document.region:
        data["legislationJurisdiction"] = document.region
    return data
