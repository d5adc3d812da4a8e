"""Shopdesk: a TikTok Shop creator's orders, products and stock, kept in sync on their laptop."""

__version__ = "0.1.0"
