from .loader import load_stations, plan_stations

__all__ = ["load_stations", "plan_stations"]
