"""The station directory at /stations/: the list beside the map, its filters, the nearest
stations, the map data and its endpoints, and the station page's own part."""
