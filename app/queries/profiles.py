"""Shipping profiles per SKU (weight, size, bin, barcode) and the products' own package data."""

from app.store.sku_profiles import fetch_product_packages, fetch_profiles

__all__ = ["fetch_product_packages", "fetch_profiles"]
