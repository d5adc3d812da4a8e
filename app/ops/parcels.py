"""Parcel weights and sizes as a creator types them ("1.2 KILOGRAM", "20x15x5 CM")."""

from app.sync.parcels import ParcelError, parse_dims, parse_weight

__all__ = ["ParcelError", "parse_dims", "parse_weight"]
