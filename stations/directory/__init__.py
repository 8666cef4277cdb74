"""The station directory at /stations/ (see listing.py); StationIndexPage.get_context calls
station_directory(index_page=…, params=request.GET)."""

from stations.directory.forms import StationDirectoryForm
from stations.directory.listing import (
    NEAREST_MAX,
    PER_PAGE,
    Directory,
    DirectoryItem,
    Origin,
    map_config,
    station_directory,
)

__all__ = [
    "NEAREST_MAX",
    "PER_PAGE",
    "Directory",
    "DirectoryItem",
    "Origin",
    "StationDirectoryForm",
    "map_config",
    "station_directory",
]
