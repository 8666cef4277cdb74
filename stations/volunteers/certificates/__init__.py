"""志愿服务记录证明 (民发〔2015〕149号; 民政部《志愿服务记录与证明出具办法（试行）》: the
organisation that recorded the hours certifies them).

- A volunteer asks a station where they have confirmed hours; one open request per station.
- Only the station's managers (or editors who see every station) issue, decline and revoke.
- A certificate is a snapshot taken at issue: the confirmed records at the station in the
  period, their total, the names. Its number is the station's code, the year and a serial taken
  under the serial row's lock, so numbers are unique, in order and never reused (a revoked
  certificate keeps its number).
- Every refusal is a CertificateRefused with a Chinese message, and nothing is stored.

Split by CONVENTIONS' size rule: identity.py (numbers, codes, masked names, URLs), inputs.py
(what people type), rules.py (the actions); the PDF is certificate_pdf.py, the pages
certificate_views.py, the admin certificate_admin.py.
"""

from stations.volunteers.certificates.identity import (
    CODE_ALPHABET,
    CODE_LENGTH,
    certificate_number,
    masked_name,
    new_verify_code,
    normalise_code,
    normalise_number,
    station_code,
    verification_path,
    verification_url,
)
from stations.volunteers.certificates.inputs import CertificateRefused, parse_day
from stations.volunteers.certificates.rules import (
    confirmed_records,
    decline_request,
    issue_certificate,
    last_person_in_charge,
    may_decide,
    may_issue,
    may_revoke,
    request_certificate,
    revoke_certificate,
    snapshot,
    stations_with_hours,
)

__all__ = [
    "CODE_ALPHABET",
    "CODE_LENGTH",
    "CertificateRefused",
    "certificate_number",
    "confirmed_records",
    "decline_request",
    "issue_certificate",
    "last_person_in_charge",
    "masked_name",
    "may_decide",
    "may_issue",
    "may_revoke",
    "new_verify_code",
    "normalise_code",
    "normalise_number",
    "parse_day",
    "request_certificate",
    "revoke_certificate",
    "snapshot",
    "station_code",
    "stations_with_hours",
    "verification_path",
    "verification_url",
]
